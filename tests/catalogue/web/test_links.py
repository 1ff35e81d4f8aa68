"""``slug_url`` and ``fixed_url`` build the very links ``url_for`` builds, whatever the slug and
script root."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, url_for

from catalogue.web.links import EXTENSION, FIXED, fixed_url, slug_url

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
def test_fixed_links_are_url_fors_per_script_root(app: Any, root: str) -> None:
    """Kept per script root: the same app behind another prefix gets its own links."""
    with app.test_request_context("/", base_url=f"http://localhost{root}/"):
        for endpoint, values in [
            ("search.components", {}),
            ("pages.home", {}),
            ("static", {"filename": "css/site.css"}),
            ("static", {"filename": "js/app.js"}),
        ]:
            for _twice in range(2):
                assert fixed_url(endpoint, **values) == url_for(endpoint, **values)
        assert fixed_url("static", filename="css/site.css") == f"{root}/static/css/site.css"
        assert (("static", root, ("filename", "js/app.js"))) in app.extensions[FIXED]


def test_fixed_links_with_url_defaults_are_built_each_time() -> None:
    app = Flask(__name__)
    app.add_url_rule("/ding", "thing", lambda **_: "")
    language = {"lang": "en"}

    @app.url_defaults
    def _language(endpoint: str, values: dict[str, Any]) -> None:
        values.setdefault("lang", language["lang"])

    with app.test_request_context("/"):
        assert fixed_url("thing") == "/ding?lang=en"
        language["lang"] = "nl"
        assert fixed_url("thing") == url_for("thing") == "/ding?lang=nl"
        assert not app.extensions[FIXED]
