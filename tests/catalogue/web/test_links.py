"""``slug_url``, ``query_url`` and the layout's links are the very links ``url_for`` builds, whatever the slug and
script root; the menu marks the item of the page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask, url_for

from catalogue.web import links as links_module
from catalogue.web.links import (
    EXTENSION,
    LAYOUT_KEPT,
    LAYOUT_LINKS,
    QUERY_KEPT,
    layout,
    menu_section,
    query_url,
    slug_url,
)

ENDPOINTS = [
    "pages.component_detail",
    "pages.reference_component_detail",
    "pages.organisation_detail",
    "contribute.history",
    "sources.register",
]
SLUGS = [
    "open-zaak",
    "Open_Zaak.v2~",
    "a b",
    "zaak/afhandeling",
    "vraag?x=1#deel",
    "100%",
    "a+b&c=d;e:f@g",
    "gemeente-’s-hertogenbosch",
    "ünïcödé",
    "\x00",
    SLUGPLACEHOLDER := "SLUGPLACEHOLDER9f3c",
]


@pytest.mark.parametrize("root", ["", "/catalogus"])
def test_every_link_is_the_one_url_for_builds(app: Any, root: str) -> None:
    with app.test_request_context("/componenten/open-zaak", base_url=f"http://localhost{root}/"):
        for endpoint in ENDPOINTS:
            for slug in SLUGS:
                assert slug_url(endpoint, slug) == url_for(endpoint, slug=slug), (endpoint, slug)
        assert slug_url("pages.component_detail", "open-zaak") == f"{root}/componenten/open-zaak"
    assert SLUGPLACEHOLDER in SLUGS


def test_a_route_whose_slug_is_no_text_is_left_to_url_for() -> None:
    app = Flask(__name__)
    app.add_url_rule("/nummer/<int:slug>", "number", lambda slug: "")
    app.add_url_rule("/soort/<any(a, b):slug>", "kind", lambda slug: "")
    app.add_url_rule("/pad/<path:slug>", "path", lambda slug: "")
    with app.test_request_context("/"):
        assert slug_url("number", 7) == url_for("number", slug=7) == "/nummer/7"
        assert slug_url("kind", "b") == url_for("kind", slug="b") == "/soort/b"
        assert slug_url("path", "x y/z") == url_for("path", slug="x y/z")
        learned = app.extensions[EXTENSION]
    assert learned[("number", "")] is None
    assert learned[("kind", "")] is None


def test_url_defaults_leave_the_links_to_url_for() -> None:
    app = Flask(__name__)
    app.add_url_rule("/ding/<slug>", "thing", lambda slug, **_: "")

    @app.url_defaults
    def _language(endpoint: str, values: dict[str, Any]) -> None:
        values.setdefault("lang", "en")

    with app.test_request_context("/"):
        assert slug_url("thing", "x") == url_for("thing", slug="x") == "/ding/x?lang=en"


@pytest.mark.parametrize("root", ["", "/catalogus"])
def test_layout_links_are_url_fors_per_script_root(app: Any, root: str) -> None:
    """Kept per script root: the same app behind another prefix gets its own links."""
    with app.test_request_context("/", base_url=f"http://localhost{root}/"):
        for _twice in range(2):
            links = layout().links
            for name, (endpoint, values) in LAYOUT_LINKS.items():
                assert getattr(links, name) == url_for(endpoint, **values), name
        assert links.site_css == f"{root}/static/css/site.css"
        assert app.extensions[LAYOUT_KEPT][root] is links


def test_layout_links_with_url_defaults_are_built_each_time(monkeypatch: Any) -> None:
    app = Flask(__name__)
    app.add_url_rule("/ding", "thing", lambda **_: "")
    monkeypatch.setattr(links_module, "LAYOUT_LINKS", {"thing": ("thing", {})})
    language = {"lang": "en"}

    @app.url_defaults
    def _language(endpoint: str, values: dict[str, Any]) -> None:
        values.setdefault("lang", language["lang"])

    with app.test_request_context("/"):
        assert layout().links.thing == "/ding?lang=en"
        language["lang"] = "nl"
        assert layout().links.thing == url_for("thing") == "/ding?lang=nl"
        assert not app.extensions[LAYOUT_KEPT]


# The menu's items, by their link's name in the layout, and a page of each.
MENU_PAGES = {
    "components": ["/componenten", "/componenten?q=zaak"],
    "reference_components": ["/referentiecomponenten"],
    "business_functions": ["/bedrijfsfuncties"],
    "standards": ["/standaarden"],
    "advice": ["/advies"],
    "organisations": ["/organisaties"],
    "login": ["/login"],
}


def test_the_menu_marks_the_item_of_the_page_and_no_other(client: Any) -> None:
    """The item a page belongs to carries ``aria-current="page"``; pages of no item mark none."""
    with client.application.test_request_context("/"):
        hrefs = {name: getattr(layout().links, name) for name in MENU_PAGES}
    for name, urls in MENU_PAGES.items():
        for url in urls:
            page = client.get(url).get_data(as_text=True)
            menu = page[page.index('<ul class="menu">') : page.index("</ul>")]
            current = re.findall(r'<a href="([^"]*)" aria-current="page"', menu)
            assert current == [hrefs[name]], (url, current)
    for url in ["/", "/bronnen", "/kwaliteit"]:
        page = client.get(url).get_data(as_text=True)
        assert 'aria-current="page"' not in page, url


@pytest.mark.parametrize(
    ("endpoint", "section"),
    [
        ("search.components", "components"),
        ("search.facet_values", None),
        ("pages.component_detail", "components"),
        ("pages.reference_component_detail", "reference_components"),
        ("pages.organisation_detail", "organisations"),
        ("landscape.radar", "landscape"),
        ("auth.login", "login"),
        ("auth.logout", None),
        ("pages.home", None),
        (None, None),
    ],
)
def test_menu_section_of_an_endpoint(endpoint: str | None, section: str | None) -> None:
    assert menu_section(endpoint) == section


# Search states as search_url writes them, and what no search page writes: every kind of
# quoting, repeated values, numbers, None, empty text.
QUERIES: list[dict[str, Any]] = [
    {},
    {"q": "zaak"},
    {"q": "open zaak", "licentie": ["EUPL-1.2", "MIT"], "sort": "name", "page": 3},
    {"q": SLUGS[4], "gemeente": ["gemeente-’s-hertogenbosch", "a+b&c=d;e:f@g"]},
    {"q": "100% ünïcödé\x00", "page": 2, "leeg": None, "niets": ""},
    {"q": "~!$'()*,/:;?@[]{}|\\^`\"<>"},
    {"beheerder": ("maykin-media",), "laag": {"interaction"}},
    {"q": b"open zaak/\xc3\xa9", "page": 1},
]


@pytest.mark.parametrize("root", ["", "/catalogus"])
def test_query_links_are_the_ones_url_for_builds(app: Any, root: str) -> None:
    with app.test_request_context("/componenten", base_url=f"http://localhost{root}/"):
        for _twice in range(2):
            for query in QUERIES:
                for endpoint, values in [
                    ("search.components", {}),
                    ("search.facet_values", {"param": "gemeente"}),
                    ("search.facet_values", {"param": "a b/é"}),
                ]:
                    built = query_url(endpoint, values, query)
                    assert built == url_for(endpoint, **values, **query), (endpoint, query)
        assert query_url("search.components", {}, {"q": "a b"}) == f"{root}/componenten?q=a+b"
        kept = app.extensions[QUERY_KEPT]
        assert kept[("search.components", root, ())] is not None


def test_a_query_name_url_for_reads_itself_goes_through_url_for() -> None:
    """A name that is the route's own argument, or one of url_for's (``_anchor``), is never
    written into the query as text."""
    app = Flask(__name__)

    def listing(**_: Any) -> str:
        return ""

    app.add_url_rule("/lijst", "listing", listing)
    app.add_url_rule("/lijst/<param>", "listing", listing)
    with app.test_request_context("/"):
        for query in [{"param": "x", "q": "y"}, {"q": "y", "_anchor": "top"}]:
            assert query_url("listing", {}, query) == url_for("listing", **query), query
        assert query_url("listing", {}, {"param": "x"}) == "/lijst/x"
        assert query_url("listing", {}, {"_anchor": "top"}) == "/lijst#top"


def test_query_links_with_url_defaults_or_sorted_parameters_are_url_fors() -> None:
    app = Flask(__name__)
    app.add_url_rule("/ding", "thing", lambda **_: "")
    language = {"lang": "en"}

    @app.url_defaults
    def _language(endpoint: str, values: dict[str, Any]) -> None:
        values.setdefault("lang", language["lang"])

    with app.test_request_context("/"):
        assert query_url("thing", {}, {"q": "x"}) == "/ding?q=x&lang=en"
        language["lang"] = "nl"
        assert query_url("thing", {}, {"q": "x"}) == url_for("thing", q="x") == "/ding?q=x&lang=nl"

    sorted_app = Flask(__name__)
    sorted_app.url_map.sort_parameters = True
    sorted_app.add_url_rule("/ding", "thing", lambda **_: "")
    with sorted_app.test_request_context("/"):
        assert query_url("thing", {}, {"q": "x", "a": "y"}) == "/ding?a=y&q=x"
        assert sorted_app.extensions[QUERY_KEPT][("thing", "", ())] is None
