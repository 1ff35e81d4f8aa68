"""Links to the pages a component page names many times, built without Flask's ``url_for``.

``url_for`` costs about 5 µs a link (the URL map's lookup of the endpoint, the rule's builder,
the request's script root and host); a component page links to its requirements, reference
components, organisations and every node of its graph. Each route here has one argument, the
slug, so its URL is a fixed prefix, the slug quoted as the URL map's default converter quotes
it, and a fixed suffix. The prefix and suffix are taken from ``url_for`` itself, once per app
and script root, and checked against it with a slug that needs quoting: when the two disagree
(another converter, a changed rule), or when a link could depend on more than the slug and the
script root (host or subdomain matching, URL defaults), ``url_for`` builds every link of that
route.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import current_app, request, url_for
from markupsafe import Markup, escape
from werkzeug.routing import BuildError

EXTENSION = "catalogue_links"
# Letters the converter leaves as they are, so they can be found in the URL again.
_PLACEHOLDER = "SLUGPLACEHOLDER9f3c"
# A slug with what a converter must quote (space, ?, #, %, non-ASCII) and what it may keep.
_PROBE = "a b/é?#%&+:@~"

# Characters no URL quoting ever changes (RFC 3986's unreserved ones): a slug made of them alone
# is its own quoted form.
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")
# (prefix, quote, suffix), or None when url_for builds every link of the route.
_Parts = tuple[str, Callable[[Any], str], str] | None


class SlugRoute:
    """``url_for(endpoint, slug=...)`` for a route whose only argument is ``slug``."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def __call__(self, slug: str) -> str:
        learned: dict[tuple[str, str], _Parts] = current_app.extensions.setdefault(EXTENSION, {})
        key = (self.endpoint, request.script_root)
        try:
            parts = learned[key]
        except KeyError:
            parts = learned[key] = self._learn()
        if parts is None:
            return url_for(self.endpoint, slug=slug)
        prefix, quote, suffix = parts
        if type(slug) is str and _UNRESERVED.fullmatch(slug):
            return prefix + slug + suffix
        return prefix + quote(slug) + suffix

    def _learn(self) -> _Parts:
        app = current_app
        url_map = app.url_map
        if not _only_its_values(self.endpoint):
            # A link that may depend on more than the slug and the script root: url_for's.
            return None
        quote = url_map.converters["default"](url_map).to_url
        try:
            url = url_for(self.endpoint, slug=_PLACEHOLDER)
            probe = url_for(self.endpoint, slug=_PROBE)
        except (BuildError, ValueError):
            # Not a route whose slug is any text (a number, one of a few words): url_for's.
            return None
        prefix, found, suffix = url.partition(_PLACEHOLDER)
        if not found or prefix + quote(_PROBE) + suffix != probe:
            return None
        return prefix, quote, suffix


_ROUTES: dict[str, SlugRoute] = {}


def _only_its_values(endpoint: str) -> bool:
    """Whether ``url_for(endpoint, ...)`` gives a URL that depends on nothing but its values and
    the script root (no host or subdomain matching, no URL defaults)."""
    app = current_app
    blueprint = endpoint.rpartition(".")[0] or None
    return not (
        app.url_map.host_matching
        or app.subdomain_matching
        or app.url_default_functions.get(None)
        or app.url_default_functions.get(blueprint)
    )


FIXED = "catalogue_fixed_links"
# The fixed links kept per app: the templates name a few dozen.
FIXED_KEPT = 1_024


def fixed_url(endpoint: str, **values: str) -> str:
    """``url_for(endpoint, **values)`` for a link every page writes the same (the menu, the
    style sheets): built by ``url_for`` once per app, script root and values, then kept (the
    template function ``fixed_url``). A link that could depend on more is built every time."""
    kept: dict[tuple[Any, ...], str] = current_app.extensions.setdefault(FIXED, {})
    key = (endpoint, request.script_root, *sorted(values.items()))
    url = kept.get(key)
    if url is None:
        url = url_for(endpoint, **values)
        if len(kept) < FIXED_KEPT and _only_its_values(endpoint):
            kept[key] = url
    return url


def slug_url(endpoint: str, slug: str) -> str:
    """``url_for(endpoint, slug=slug)`` for a route whose only argument is ``slug``: the
    template function ``slug_url``."""
    route = _ROUTES.get(endpoint)
    if route is None:
        route = _ROUTES.setdefault(endpoint, SlugRoute(endpoint))
    return route(slug)


# The page of a graph node of each kind that has one.
_NODE_PAGES = {
    "component": "pages.component_detail",
    "reference_component": "pages.reference_component_detail",
}


def graph_link(node: Any) -> Markup:
    """A node of a dependency graph as the graph's table names it: a link to its page when it
    has one (a component, a reference component), else its label (``graph_link`` in templates;
    a macro cost twice as much, and a graph's table names every node of every edge)."""
    endpoint = _NODE_PAGES.get(node.kind)
    if endpoint is None:
        return escape(node.label)
    return Markup('<a href="%s">%s</a>') % (slug_url(endpoint, node.slug), node.label)
