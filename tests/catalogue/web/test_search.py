"""The search page through the test client: full page and htmx fragment, shareable URLs, facets."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from catalogue.search import SearchService
from catalogue.services.components import get_component
from tests.searching import seeded_components

HX = {"HX-Request": "true"}


def _html(response: Any) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_full_page_and_htmx_fragment_come_from_one_view(
    search_app: Any, indexed: SearchService, client: Any
) -> None:
    page = client.get("/componenten?q=zaak")
    fragment = client.get("/componenten?q=zaak", headers=HX)
    assert "HX-Request" in page.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]
    page_html, fragment_html = _html(page), _html(fragment)
    assert "<html" in page_html and 'role="search"' in page_html
    assert "<html" not in fragment_html and 'role="search"' not in fragment_html
    assert fragment_html.lstrip().startswith('<div id="resultaten"')
    assert '<div id="resultaten"' in page_html
    assert 'href="/componenten/open-zaak">Open Zaak</a>' in fragment_html
    # htmx restoring history without a cached copy gets the whole page.
    restore = client.get(
        "/componenten?q=zaak", headers={**HX, "HX-History-Restore-Request": "true"}
    )
    assert "<html" in _html(restore)


def test_every_state_is_a_shareable_url(
    search_app: Any, indexed: SearchService, client: Any
) -> None:
    html = _html(
        client.get(
            "/componenten?licentie=EUPL-1.2&licentie=MIT&licentie=EUPL-1.2-or-later&sort=updated"
        )
    )
    checked = re.findall(r'name="licentie" value="([^"]+)" checked', html)
    assert sorted(checked) == ["EUPL-1.2", "EUPL-1.2-or-later", "MIT"]
    assert re.search(r'<option value="updated" selected>', html)
    next_link = re.search(r'rel="next" href="([^"]+)"', html)
    assert next_link, "more than one page of these components"
    arguments = parse_qs(urlsplit(next_link.group(1).replace("&amp;", "&")).query)
    assert arguments == {
        "licentie": ["EUPL-1.2", "MIT", "EUPL-1.2-or-later"],
        "sort": ["updated"],
        "page": ["2"],
    }
    # Each chosen filter can be dropped with a link that keeps the rest.
    drop = re.search(r'<a href="([^"]+)">Weghalen: Licentie: MIT</a>', html)
    assert drop and parse_qs(urlsplit(drop.group(1).replace("&amp;", "&")).query) == {
        "licentie": ["EUPL-1.2", "EUPL-1.2-or-later"],
        "sort": ["updated"],
    }


def test_facets_are_fieldsets_of_labelled_checkboxes_with_names_and_counts(
    search_app: Any, indexed: SearchService, client: Any
) -> None:
    html = _html(client.get("/componenten"))
    fieldsets = re.findall(r"<fieldset>\s*<legend>([^<]+)</legend>", html)
    assert "GEMMA-referentiecomponent" in fieldsets and "Gebruikt door gemeente" in fieldsets
    assert len(fieldsets) == 10
    boxes = re.findall(r'<input type="checkbox" id="([^"]+)" name="[^"]+" value="[^"]+"', html)
    labels = re.findall(r'<label for="([^"]+)">', html)
    assert boxes and set(boxes) <= set(labels) and len(set(boxes)) == len(boxes)
    # Names and counts, never the stored key alone.
    assert re.search(
        r'value="zaakregistratiecomponent">\s*<label for="[^"]+">'
        r"Zaakregistratiecomponent \(\d+\)</label>",
        html,
    )
    assert re.search(
        r'value="gemeente-utrecht">\s*<label for="[^"]+">Gemeente Utrecht \(\d+\)', html
    )
    assert re.search(r'value="stable">\s*<label for="[^"]+">stabiel \(\d+\)', html)


def test_a_misspelt_search_shows_the_results_of_its_correction(
    search_app: Any, indexed: SearchService, client: Any
) -> None:
    html = _html(client.get("/componenten?q=notificaites"))
    assert "Met ‘notificaites’ vonden we niets. U ziet de resultaten voor ‘notificaties’." in html
    assert re.search(r"\d+ componenten? gevonden voor ‘notificaties’", html)
    assert 'href="/componenten/open-notificaties"' in html


def test_a_search_without_results_suggests_a_spelling(
    search_app: Any, indexed: SearchService, client: Any
) -> None:
    # No component with this licence has the corrected word either: nothing to show, so the
    # correction is offered as a link.
    html = _html(client.get("/componenten?q=notificaites&licentie=MPL-2.0"))
    assert "0 componenten gevonden" in html
    assert (
        'Bedoelt u: <a href="/componenten?q=notificaties&amp;licentie=MPL-2.0">notificaties</a>'
        in html
    )


def test_no_inline_script_or_style_and_htmx_is_loaded_from_static(
    search_app: Any, indexed: SearchService, client: Any
) -> None:
    response = client.get("/componenten?q=zaak")
    html = _html(response)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts and all(
        'src="' in attrs and " defer" in attrs and not body.strip() for attrs, body in scripts
    )
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", html)  # no inline event handlers
    assert "hx-on" not in html
    for path in ("/static/js/htmx.min.js", "/static/js/app.js"):
        with client.get(path) as static:
            assert static.status_code == 200


def test_hostile_text_in_the_query_is_escaped(
    search_app: Any, indexed: SearchService, client: Any
) -> None:
    hostile = '"><script>alert(1)</script>'
    html = _html(client.get("/componenten", query_string={"q": hostile, "gemeente": hostile}))
    assert "<script>alert(1)</script>" not in html


def test_the_component_list_still_pages_through_everything_by_name(
    search_app: Any, indexed: SearchService, client: Any
) -> None:
    seen: list[str] = []
    url = "/componenten"
    while url:
        html = _html(client.get(url))
        seen += re.findall(r'<h3><a href="/componenten/[^"]+">([^<]+)</a></h3>', html)
        found = re.search(r'rel="next" href="([^"]+)"', html)
        url = found.group(1).replace("&amp;", "&") if found else ""
    assert len(seen) == seeded_components()
    assert seen == sorted(seen, key=str.casefold)


def test_a_page_past_the_end_shows_the_last_page(
    search_app: Any, indexed: SearchService, client: Any
) -> None:
    html = _html(client.get("/componenten?page=999"))
    pages = -(-seeded_components() // 20)  # 20 components a page
    assert f"Pagina {pages} van {pages}" in html
    assert _html(client.get("/componenten?page=abc")).count("<h3>") == 20


def test_a_long_facet_shows_its_first_values_and_links_to_all_of_them(
    search_app: Any, indexed: SearchService, client: Any, monkeypatch: Any
) -> None:
    """A facet with more values than the page lists (here: the search page lists 3 + 2)
    links to a page with every value; ticking there returns to the search with the rest
    of the state kept."""
    import catalogue.web.search as page

    monkeypatch.setattr(page, "VISIBLE_VALUES", 3)
    monkeypatch.setattr(page, "MORE_VALUES", 2)
    api = client.get("/api/v1/components?q=open&license=EUPL-1.2").get_json()
    everything = {v["value"]: v["count"] for v in api["facets"]["reference_component"]}
    assert len(everything) > 5, "the seed has enough reference components for this test"

    html = _html(client.get("/componenten?q=open&licentie=EUPL-1.2&sort=name&c=open-zaak"))
    legend = "GEMMA-referentiecomponent"
    fieldset = re.search(rf"<legend>{legend}</legend>(.*?)</fieldset>", html, flags=re.S)
    assert fieldset
    shown = re.findall(r'name="referentiecomponent" value="([^"]+)"', fieldset.group(1))
    assert len(shown) == 5 and set(shown) <= set(everything)
    link = re.search(rf'<a href="([^"]+)">Alle {len(everything)} keuzes voor ‘{legend}’</a>', html)
    assert link
    url = link.group(1).replace("&amp;", "&")
    assert urlsplit(url).path == "/componenten/filter/referentiecomponent"
    assert parse_qs(urlsplit(url).query) == {
        "q": ["open"],
        "licentie": ["EUPL-1.2"],
        "sort": ["name"],
    }

    all_values = _html(client.get(url + "&c=open-zaak"))
    listed = dict(
        re.findall(
            r'name="referentiecomponent" value="([^"]+)">\s*<label for="[^"]+">[^<]*\((\d+)\)',
            all_values,
        )
    )
    assert {value: int(count) for value, count in listed.items()} == everything
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]+)">', all_values)
    assert sorted(hidden) == [
        ("c", "open-zaak"),
        ("licentie", "EUPL-1.2"),
        ("q", "open"),
        ("sort", "name"),
    ]
    assert 'action="/componenten"' in all_values and 'method="get"' in all_values

    # What the form sends when one more value is ticked: the search with that filter added.
    chosen = sorted(everything)[-1]
    back = _html(
        client.get(
            "/componenten",
            query_string=[*hidden, ("referentiecomponent", chosen)],
        )
    )
    assert re.search(rf'name="referentiecomponent" value="{re.escape(chosen)}" checked', back)


def test_the_all_values_page_refuses_an_unknown_facet(
    search_app: Any, indexed: SearchService, client: Any
) -> None:
    assert client.get("/componenten/filter/bestaat-niet").status_code == 404


@pytest.mark.both_backends
def test_the_all_values_page_has_the_apis_values_and_counts_on_either_backend(
    backend_app: Any,
) -> None:
    client = backend_app.test_client()
    api = client.get("/api/v1/components?q=open&license=EUPL-1.2").get_json()
    expected = {v["value"]: v["count"] for v in api["facets"]["municipality"]}
    assert expected, "open components under EUPL-1.2 are used by municipalities"
    html = _html(client.get("/componenten/filter/gemeente?q=open&licentie=EUPL-1.2"))
    listed = re.findall(
        r'name="gemeente" value="([^"]+)">\s*<label for="[^"]+">[^<]*\((\d+)\)', html
    )
    assert {value: int(count) for value, count in listed} == expected


def _card_licence(html: str, slug: str) -> str:
    card = html.split(f'href="/componenten/{slug}">', 1)[1].split("</li>", 1)[0]
    found = re.search(r"<dt>Licentie</dt><dd>([^<]*)</dd>", card)
    assert found, card
    return found.group(1)


@pytest.mark.both_backends
def test_a_changed_licence_shows_on_the_next_search_page(backend_app: Any) -> None:
    """The result cards a worker keeps are the catalogue's as it is now: after a change, the
    next search page (another URL, so the page cache cannot answer) shows the new licence."""
    client = backend_app.test_client()
    before = _card_licence(_html(client.get("/componenten?q=zaak")), "open-zaak")
    assert before == "EUPL-1.2"
    database = backend_app.extensions["catalogue_db"]
    with database.session() as session:
        get_component(session, "open-zaak").license = "MIT"
        session.commit()
    assert _card_licence(_html(client.get("/componenten?q=open")), "open-zaak") == "MIT"


def _card(html: str, slug: str) -> str:
    """The card of ``slug`` up to its snippet (which depends on the words)."""
    return html.split(f'href="/componenten/{slug}">', 1)[1].split("</dl>", 1)[0]


def test_a_kept_card_is_written_in_the_readers_language_and_with_its_own_box(
    search_app: Any, indexed: SearchService, client: Any
) -> None:
    """The cards' HTML is kept per worker (search._card_html): the same card in Dutch, in
    English, in Dutch again, and ticked for the comparison or not, each as that page needs."""
    dutch = _card(_html(client.get("/componenten?q=zaak")), "open-zaak")
    english = _card(_html(client.get("/componenten?q=zaak&lang=en")), "open-zaak")
    assert "<dt>Licentie</dt>" in dutch and "Vergelijk Open Zaak" in dutch
    assert "<dt>Licence</dt>" in english and "Compare Open Zaak" in english
    assert "Licentie" not in english
    again = _card(_html(client.get("/componenten?q=open&lang=nl")), "open-zaak")
    assert again == dutch
    ticked = _card(_html(client.get("/componenten?q=zaak&lang=nl&c=open-zaak")), "open-zaak")
    assert 'value="open-zaak" id="vergelijk-open-zaak" checked>' in ticked
    assert " checked>" not in dutch
    # Four chosen elsewhere: this box cannot be ticked as a fifth.
    four = "&".join(f"c=x{n}" for n in range(4))
    full = _card(_html(client.get(f"/componenten?q=zaak&lang=nl&{four}")), "open-zaak")
    assert 'id="vergelijk-open-zaak" disabled>' in full


def test_a_kept_checkbox_is_written_in_the_readers_language_with_its_count_and_tick(
    search_app: Any, indexed: SearchService, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each checkbox's HTML around its count is made once per language, value, name and tick
    (search._row): a narrower page in the same language makes only its newly ticked box, and
    the same box in English, ticked, is English and ticked."""
    from catalogue.web import search as search_page

    made: list[tuple[str, str, bool]] = []
    row = search_page._row

    def counted(param: str, value: str, label: str, selected: bool) -> tuple[str, str]:
        made.append((value, label, selected))
        return row(param, value, label, selected)

    monkeypatch.setattr(search_page, "_row", counted)
    # The boxes are kept on each language's translations, which outlive an app: start empty.
    for language in ("nl", "en"):
        with search_app.test_request_context(f"/componenten?lang={language}"):
            search_page._labels().rows.clear()

    def stable(html: str) -> str | None:
        found = re.search(
            r'<li><input type="checkbox"[^>]* value="stable"[^>]*>[^<]*<label[^>]*>[^<]*', html
        )
        return found.group(0) if found else None

    dutch = stable(_html(client.get("/componenten?lang=nl")))
    assert dutch is not None and re.search(r">stabiel \(\d+\)$", dutch)
    first = len(made)
    assert first > 0
    narrower = stable(_html(client.get("/componenten?lang=nl&licentie=EUPL-1.2")))
    # Only the newly ticked box is new; the others are kept, with their new counts.
    assert made[first:] == [("EUPL-1.2", "EUPL-1.2", True)]
    first = len(made)
    assert narrower is not None and narrower != dutch, "the same box with another count"
    english = stable(_html(client.get("/componenten?lang=en&status=stable")))
    assert (
        english is not None and " checked>" in english and re.search(r">stable \(\d+\)$", english)
    )
    assert ("stable", "stable", True) in made[first:]
