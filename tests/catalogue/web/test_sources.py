"""``/bronnen`` and the component page's last harvest, after a real harvest from a local server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape
from pytest_httpserver import HTTPServer

from tests.conftest import ROOT

CRAWLER = ROOT / "data" / "publiccode" / "dutch" / "developer-overheid-nl__don-crawler.yml"
BROKEN = "name: x\nurl: [unclosed\n"  # a YAML syntax error on line 3


def harvest(
    app_factory: Any, database_url: str, tmp_path: Path, server: HTTPServer
) -> dict[str, str]:
    """Harvest a real file, a broken one and a 404 into ``database_url``; their URLs by name."""
    from tests.conftest import close_app

    server.expect_request("/crawler.yml").respond_with_data(CRAWLER.read_bytes())
    server.expect_request("/broken.yml").respond_with_data(BROKEN)
    server.expect_request("/weg.yml").respond_with_data("Not Found", status=404)
    urls = {name: server.url_for(f"/{name}.yml") for name in ("crawler", "broken", "weg")}
    sources = tmp_path / "SOURCES.yaml"
    sources.write_text("".join(f"- url: {u}\n" for u in urls.values()), encoding="utf-8")
    app = app_factory(
        database_url, tmp_path / "harvester", HARVEST_CONTACT_URL="https://example.org/bronnen"
    )
    try:
        result = app.test_cli_runner().invoke(args=["catalogue", "harvest", str(sources)])
        assert result.exit_code == 1, result.output
    finally:
        close_app(app)
    return urls


def test_bronnen_before_any_harvest(client: Any) -> None:
    page = client.get("/bronnen").get_data(as_text=True)
    assert "Er zijn nog geen bronnen opgehaald." in page
    english = client.get("/bronnen?lang=en").get_data(as_text=True)
    assert "No sources have been harvested yet." in english


# What the 404 and the broken YAML of harvest() say, in each language, and what they must not.
ERRORS_IN = {
    "nl": ["het bestand is niet (meer) te vinden", "De YAML klopt niet", "Niet opgenomen"],
    "en": ["the file cannot be found (any more)", "YAML syntax error", "Not imported"],
}


@pytest.mark.both_backends
@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "nl",
            [
                "<h1>Bronnen</h1>",
                "nieuw opgenomen",
                "mislukt",
                "regel 3, kolom 1",
                "HTTP 404",
                *ERRORS_IN["nl"],
            ],
        ),
        (
            "en",
            [
                "<h1>Sources</h1>",
                "newly added",
                "failed",
                "line 3, column 1",
                "HTTP 404",
                *ERRORS_IN["en"],
            ],
        ),
    ],
)
def test_bronnen_lists_every_source_with_status_time_and_error(
    app: Any,
    client: Any,
    app_factory: Any,
    database_url: str,
    tmp_path: Path,
    httpserver: HTTPServer,
    lang: str,
    words: list[str],
) -> None:
    urls = harvest(app_factory, database_url, tmp_path, httpserver)
    page = client.get(f"/bronnen?lang={lang}").get_data(as_text=True)
    for url in urls.values():
        assert url in page
    assert [w for w in words if w not in page] == []
    other = "en" if lang == "nl" else "nl"
    assert [w for w in ERRORS_IN[other] if w in page] == []  # the errors are in one language
    assert "UTC" in page
    assert "@" not in page.split("<main")[1].split("</main>")[0]  # no e-mail addresses


@pytest.mark.both_backends
def test_errors_kept_before_codes_read_as_they_were_stored(app: Any, client: Any) -> None:
    """A source's last errors stored as text (before codes), or with a code or parameters this
    version does not know, are shown as stored, in either language; a coded one is worded."""
    from catalogue.models import HarvestSource, HarvestSourceKind

    stored = [
        {"key": "", "line": 2, "column": 1, "message": "het bestand is weg (oude melding)"},
        "een platte tekst van vroeger",
        {"code": "a_code_from_later", "params": {}, "message": "a message from later"},
        {"code": "harvest_file_gone", "params": {}, "message": "its parameters are missing"},
        {"code": "harvest_html_page", "params": {}, "message": "English, stored", "url": "x"},
    ]
    with app.extensions["catalogue_db"].session() as session:
        session.add(
            HarvestSource(
                url="https://example.org/oud/publiccode.yml",
                registered_by=HarvestSourceKind.OPERATOR,
                last_status="failed",
                last_errors=stored,
            )
        )
        session.commit()
    for lang, page_words, html in (
        ("nl", "regel 2, kolom 1", "Dit is een HTML-pagina, geen publiccode.yml."),
        ("en", "line 2, column 1", "This is an HTML page, not a publiccode.yml."),
    ):
        page = client.get(f"/bronnen?lang={lang}").get_data(as_text=True)
        as_stored = [
            "het bestand is weg (oude melding)",
            "een platte tekst van vroeger",
            "a message from later",
            "its parameters are missing",
        ]
        assert [w for w in [page_words, html, *as_stored] if w not in page] == []
        assert "English, stored" not in page


@pytest.mark.both_backends
def test_the_component_page_words_its_sources_errors_in_the_readers_language(
    app: Any, client: Any
) -> None:
    """The component page's "Laatste harvest" words a coded error anew in the page's language
    and shows an error stored as text (before codes) as it was stored."""
    from sqlalchemy import select

    from catalogue.models import Component, HarvestSource, HarvestSourceKind

    with app.extensions["catalogue_db"].session() as session:
        component = session.scalars(select(Component).where(Component.slug == "open-zaak")).one()
        session.add(
            HarvestSource(
                url="https://example.org/open-zaak/publiccode.yml",
                registered_by=HarvestSourceKind.OPERATOR,
                component_id=component.id,
                last_status="failed",
                last_errors=[
                    {"code": "harvest_html_page", "params": {}, "message": "English, stored"},
                    "een platte tekst van vroeger",
                ],
            )
        )
        session.commit()
    for lang, worded in (
        ("nl", "Dit is een HTML-pagina, geen publiccode.yml."),
        ("en", "This is an HTML page, not a publiccode.yml."),
    ):
        page = client.get(f"/componenten/open-zaak?lang={lang}").get_data(as_text=True)
        harvest = page.split("Laatste harvest" if lang == "nl" else "Last harvest")[1]
        assert worded in harvest
        assert "een platte tekst van vroeger" in harvest
        assert "English, stored" not in page


def test_the_component_page_shows_its_last_harvest_and_a_disappearance(
    client: Any, app_factory: Any, database_url: str, tmp_path: Path, httpserver: HTTPServer
) -> None:
    urls = harvest(app_factory, database_url, tmp_path, httpserver)
    listing = client.get("/bronnen").get_data(as_text=True)
    row = next(r for r in listing.split("<tr>") if urls["crawler"] in r)
    slug = row.split('href="/componenten/')[1].split('"')[0]
    page = client.get(f"/componenten/{slug}").get_data(as_text=True)
    assert "Laatste harvest" in page and urls["crawler"] in page and "nieuw opgenomen" in page

    httpserver.clear()
    httpserver.expect_request("/crawler.yml").respond_with_data("gone", status=404)
    harvest_again = tmp_path / "again"
    harvest_again.mkdir()
    from tests.conftest import close_app

    sources = harvest_again / "SOURCES.yaml"
    sources.write_text(f"- url: {urls['crawler']}\n", encoding="utf-8")
    app = app_factory(database_url, harvest_again, HARVEST_CONTACT_URL="https://example.org/b")
    try:
        assert (
            app.test_cli_runner().invoke(args=["catalogue", "harvest", str(sources)]).exit_code == 1
        )
    finally:
        close_app(app)
    page = client.get(f"/componenten/{slug}").get_data(as_text=True)
    assert "niet meer gevonden bij de bron sinds" in page
    english = client.get(f"/componenten/{slug}?lang=en").get_data(as_text=True)
    assert "no longer found at the source since" in english


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("http://93.184.215.14/publiccode.yml", 422, "moet met https:// beginnen"),
        ("https://127.0.0.1/publiccode.yml", 422, "niet-openbaar adres"),
        ("https://[::1]/publiccode.yml", 422, "niet-openbaar adres"),
        ("https://10.0.0.8/publiccode.yml", 422, "niet-openbaar adres"),
        ("https://93.184.215.14/publiccode.yml", 302, None),
    ],
)
def test_a_maintainer_registers_a_source_only_if_it_is_https_and_public(
    app: Any, url: str, status: int, message: str | None
) -> None:
    from catalogue.models import Role
    from tests.accounts import make_account, sign_in

    client = app.test_client()
    sign_in(client, make_account(app, Role.MAINTAINER))  # Amsterdam maintains Signalen backend
    form = client.get("/componenten/signalen-backend/bron").get_data(as_text=True)
    token = form.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(
        "/componenten/signalen-backend/bron", data={"url": url, "csrf_token": token}
    )
    assert response.status_code == status
    if message:
        assert message in response.get_data(as_text=True)
    else:
        listing = client.get("/bronnen").get_data(as_text=True)
        assert url in listing and "maker of beheerder" in listing


def test_another_organisation_may_not_register_a_source(app: Any) -> None:
    from catalogue.models import Role
    from tests.accounts import make_account, sign_in

    client = app.test_client()
    sign_in(client, make_account(app, Role.MAINTAINER, organisation="conduction"))
    assert client.get("/componenten/signalen-backend/bron").status_code == 403


@pytest.mark.both_backends
def test_a_refused_files_error_is_worded_anew_in_the_readers_language(
    app: Any,
    client: Any,
    app_factory: Any,
    database_url: str,
    tmp_path: Path,
    httpserver: HTTPServer,
) -> None:
    """The parser's error that kept a file out is kept with its template and params, and
    ``/bronnen`` words it from them in the reader's language, not from the texts kept beside."""
    from sqlalchemy import select

    from catalogue.models import HarvestSource
    from catalogue.publiccode import parse

    urls = harvest(app_factory, database_url, tmp_path, httpserver)
    (error,) = parse(BROKEN).errors
    stale = {"message": "Stale English", "message_nl": "Verouderd Nederlands"}
    with app.extensions["catalogue_db"].session() as session:
        row = session.scalar(select(HarvestSource).where(HarvestSource.url == urls["broken"]))
        assert row is not None
        (kept,) = row.last_errors
        assert kept["code"] == "harvest_file_refused"
        params = kept["params"]
        assert (params["issue"], params["template"]) == (error.code, error.template)
        assert params["params"] == error.params
        row.last_errors = [{**kept, "params": {**params, **stale}}]
        session.commit()
    for lang, shown, hidden in (
        ("nl", f"Niet opgenomen: {error.message_nl}", error.message),
        ("en", f"Not imported: {error.message}", error.message_nl),
    ):
        page = client.get(f"/bronnen?lang={lang}").get_data(as_text=True)
        assert str(escape(shown)) in page
        assert str(escape(hidden)) not in page
        assert [t for t in stale.values() if t in page] == []
