"""Links to the pages a component page names many times, and the layout's links, built without
Flask's ``url_for`` on every page.

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

import functools
import re
from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any, NamedTuple
from urllib.parse import quote_plus, urlencode

from flask import current_app, request, url_for
from markupsafe import Markup, escape
from werkzeug.datastructures import iter_multi_items
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


LAYOUT_KEPT = "catalogue_layout_links"
# Script roots whose layout links are kept per app: an app is served under one or two.
LAYOUT_KEPT_ROOTS = 16

# The links every page's layout writes (templates/base.html, and the search page's form and
# scripts), by name: an endpoint and its values.
LAYOUT_LINKS: dict[str, tuple[str, dict[str, str]]] = {
    "favicon": ("static", {"filename": "favicon.svg"}),
    "site_css": ("static", {"filename": "css/site.css"}),
    "print_css": ("static", {"filename": "css/print.css"}),
    "htmx_js": ("static", {"filename": "js/htmx.min.js"}),
    "app_js": ("static", {"filename": "js/app.js"}),
    "home": ("pages.home", {}),
    "components": ("search.components", {}),
    "reference_components": ("pages.reference_component_list", {}),
    "business_functions": ("pages.business_function_tree", {}),
    "standards": ("pages.standard_list", {}),
    "advice": ("advice.form", {}),
    "organisations": ("pages.organisation_list", {}),
    "contribute": ("contribute.index", {}),
    "review": ("review.queue", {}),
    "members": ("members.index", {}),
    "admin": ("admin.index", {}),
    "login": ("auth.login", {}),
    "logout": ("auth.logout", {}),
    "sources": ("sources.source_list", {}),
    "quality": ("quality.overview", {}),
}

# The menu item a page belongs to, by the start of its endpoint (the first that matches); a
# name ending in "." or a whole endpoint. The item is marked ``aria-current="page"``.
_MENU_SECTIONS = (
    ("search.components", "components", True),
    ("pages.component", "components", False),
    ("pages.reference", "reference_components", False),
    ("pages.business", "business_functions", False),
    ("pages.standard", "standards", False),
    ("advice.", "advice", False),
    ("pages.organisation", "organisations", False),
    ("landscape.", "landscape", False),
    ("contribute.", "contribute", False),
    ("review.", "review", False),
    ("members.", "members", False),
    ("admin.", "admin", False),
    ("auth.login", "login", True),
)


class Layout(NamedTuple):
    """What a page's layout needs besides its words: its links (:data:`LAYOUT_LINKS`, by name)
    and the menu item the page belongs to (None for none)."""

    links: SimpleNamespace
    section: str | None


@functools.cache
def menu_section(endpoint: str | None) -> str | None:
    """The menu item of the page of ``endpoint`` (:data:`_MENU_SECTIONS`), None for none."""
    if not endpoint:
        return None
    for start, section, whole in _MENU_SECTIONS:
        if endpoint == start or (not whole and endpoint.startswith(start)):
            return section
    return None


def layout() -> Layout:
    """The layout's links and menu item (the template function ``layout``).

    ``url_for`` builds the links once per app and script root; they are kept when they depend on
    nothing else (no host or subdomain matching, no URL defaults), else built for every page. One
    call per page instead of a template function call per link: about 37,000 instructions a
    link, some 13 links a page.
    """
    kept: dict[str, SimpleNamespace] = current_app.extensions.setdefault(LAYOUT_KEPT, {})
    root = request.script_root
    links = kept.get(root)
    if links is None:
        links = SimpleNamespace(
            **{
                name: url_for(endpoint, **values)
                for name, (endpoint, values) in LAYOUT_LINKS.items()
            }
        )
        if len(kept) < LAYOUT_KEPT_ROOTS and all(
            _only_its_values(endpoint) for endpoint, _values in LAYOUT_LINKS.values()
        ):
            kept[root] = links
    return Layout(links, menu_section(request.endpoint))


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


QUERY_KEPT = "catalogue_query_links"
# Pages (endpoint, script root and path values) whose URL query_url keeps per app: a few.
QUERY_KEPT_PAGES = 256
# Characters Werkzeug leaves unquoted in a query string (werkzeug.urls._urlencode).
_QUERY_SAFE = "!$'()*,/:;?@"
# A query that needs quoting of every kind, a list, a number and a None: query_url's way must
# build what url_for builds with it, or url_for builds every link of that page.
_QUERY_PROBE: dict[str, Any] = {
    "q": _PROBE,
    "many": ["x y", "é&="],
    "page": 2,
    "none": None,
}


@functools.lru_cache(maxsize=8192)
def _quoted(text: str) -> str:
    """A name or value of a query as ``urlencode`` quotes it (``quote_plus``), once per text:
    the same facet values and words are in many links."""
    return quote_plus(text, safe=_QUERY_SAFE)


def _encoded_query(query: Mapping[str, Any]) -> str:
    """``query`` as Werkzeug's URL builder writes it (``urlencode``): lists as repeated
    arguments, None left out, in the given order."""
    return "&".join(
        f"{_quoted(str(key))}={_quoted(str(value))}"
        if not isinstance(key, bytes) and not isinstance(value, bytes)
        else urlencode([(key, value)], safe=_QUERY_SAFE)
        for key, value in iter_multi_items(query)
        if value is not None
    )


class _QueryPage(NamedTuple):
    """A page's URL without a query, and the names url_for would not put in its query (its
    rules' arguments)."""

    url: str
    arguments: frozenset[str]


def _learn_query_page(endpoint: str, values: Mapping[str, Any]) -> _QueryPage | None:
    if not _only_its_values(endpoint) or current_app.url_map.sort_parameters:
        return None
    try:
        url = url_for(endpoint, **values)
        probe = url_for(endpoint, **values, **_QUERY_PROBE)
    except (BuildError, ValueError):
        return None
    if "?" in url or probe != f"{url}?{_encoded_query(_QUERY_PROBE)}":
        return None
    arguments = frozenset(
        name for rule in current_app.url_map.iter_rules(endpoint) for name in rule.arguments
    )
    return _QueryPage(url, arguments)


def query_url(endpoint: str, values: Mapping[str, str], query: Mapping[str, Any]) -> str:
    """``url_for(endpoint, **values, **query)``: ``values`` fill the route's path, ``query`` is
    its query string (the search page's state).

    ``url_for`` builds the page's URL without a query once per app, script root and ``values``
    (a handful: the search page and the page of each facet's values), and is checked against
    a query that needs quoting; the query is then encoded as Werkzeug encodes it, each name and
    value quoted once per text. A search page builds five to ten such links: about 15 µs each
    through ``url_for``, 6 here. When the URL could
    depend on more (URL defaults, host matching, sorted parameters), or a name in ``query`` is
    one of the route's own arguments or one of url_for's (``_anchor``, ``_external``, ...),
    ``url_for`` builds it.
    """
    kept: dict[tuple[str, str, tuple[tuple[str, str], ...]], _QueryPage | None] = (
        current_app.extensions.setdefault(QUERY_KEPT, {})
    )
    key = (endpoint, request.script_root, tuple(values.items()))
    try:
        page = kept[key]
    except KeyError:
        page = _learn_query_page(endpoint, values)
        if len(kept) >= QUERY_KEPT_PAGES:
            kept.clear()
        kept[key] = page
    if page is None or any(name in page.arguments or name[:1] == "_" for name in query):
        return url_for(endpoint, **values, **query)
    encoded = _encoded_query(query)
    return f"{page.url}?{encoded}" if encoded else page.url
