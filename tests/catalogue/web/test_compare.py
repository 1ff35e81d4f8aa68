"""Comparison: the page, the CSV for tender annexes, and bad selections."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from catalogue.services.comparison import neutralise


def excel_nl(raw: bytes) -> list[list[str]]:
    """Read CSV bytes the way Excel with a Dutch locale opens a double-clicked .csv file.

    Written apart from Python's csv module on purpose: Excel takes UTF-8 only with a BOM, splits
    cells on the Dutch list separator ";" (never on ","), and honours double quotes (with "" as
    an escaped quote and line breaks allowed inside them); records end at CR LF or LF.
    """
    assert raw.startswith(b"\xef\xbb\xbf"), "without a BOM Excel reads the file as ANSI"
    text = raw[3:].decode("utf-8")
    rows: list[list[str]] = []
    row: list[str] = []
    cell: list[str] = []
    quoted = False
    i = 0
    while i < len(text):
        char = text[i]
        if quoted:
            if char == '"' and text[i + 1 : i + 2] == '"':
                cell.append('"')
                i += 1
            elif char == '"':
                quoted = False
            else:
                cell.append(char)
        elif char == '"' and not cell:
            quoted = True
        elif char == ";":
            row.append("".join(cell))
            cell = []
        elif char in "\r\n":
            if char == "\r" and text[i + 1 : i + 2] == "\n":
                i += 1
            row.append("".join(cell))
            rows.append(row)
            row, cell = [], []
        else:
            cell.append(char)
        i += 1
    if cell or row:
        row.append("".join(cell))
        rows.append(row)
    return rows


def _table(rows: list[list[str]]) -> dict[str, list[str]]:
    """The comparison table inside the export: from the header row to the first empty line."""
    start = next(i for i, row in enumerate(rows) if row[0] == "Onderdeel")
    end = next(i for i in range(start, len(rows)) if not any(rows[i]))
    return {row[0]: row[1:] for row in rows[start:end]}


def _expected_sources(app: Any, slug: str) -> set[str]:
    """Every source the database holds for one component's licence, status and standards."""
    from catalogue.services.components import get_component

    with app.extensions["catalogue_db"].session() as session:
        component = get_component(session, slug)
        return {
            (component.field_sources or {}).get("license") or component.source_ref,
            *(s.source_ref for s in component.standards),
        }


def test_three_components_side_by_side(client: Any) -> None:
    html = client.get("/vergelijk?c=open-zaak&c=open-notificaties&c=open-klant").get_data(
        as_text=True
    )
    for name in ("Open Zaak", "Open Notificaties", "Open Klant"):
        assert name in html
    assert "verschilt" in html
    # Open Notificaties' own publiccode.yml says its contract ran until 2020-12-31.
    assert "onderhoudscontract is afgelopen" in html


def test_csv_opens_in_dutch_excel_with_date_link_and_sources(app: Any, client: Any) -> None:
    response = client.get("/vergelijk.csv?c=open-zaak&c=open-notificaties")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = excel_nl(response.get_data())
    # Every line has the same number of cells: nothing spills into a neighbouring column.
    assert {len(row) for row in rows} == {3}
    by_label = {row[0]: row[1:] for row in rows}
    assert by_label["Gemaakt op"][0] == dt.date.today().isoformat()
    assert by_label["Pagina"][0].endswith("/vergelijk?c=open-zaak&c=open-notificaties")
    table = _table(rows)
    assert table["Onderdeel"] == ["Open Zaak", "Open Notificaties"]
    assert table["Licentie"] == ["EUPL-1.2", "EUPL-1.2"]
    assert "Open Notificaties" in table["Neemt mee (nodig naast dit component)"][0]
    # A cell holding several values stays one cell: Open Zaak realises several reference
    # components, and they arrive together in its column.
    assert table["GEMMA-referentiecomponenten"][0].count(",") >= 1
    start = next(i for i, row in enumerate(rows) if row[0] == "Bronnen")
    listed = {(row[1], row[2]) for row in rows[start + 2 :]}
    assert {("Open Zaak", source) for source in _expected_sources(app, "open-zaak")} <= listed


def test_csv_header_is_split_on_semicolons_only(client: Any) -> None:
    """The regression: Dutch Excel finds one component per column, and no formula cells."""
    raw = client.get("/vergelijk.csv?c=open-zaak&c=open-klant").get_data()
    header = next(row for row in excel_nl(raw) if row[0] == "Onderdeel")
    assert header == ["Onderdeel", "Open Zaak", "Open Klant"]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in excel_nl(raw) for cell in row)


def test_xlsx_holds_the_table_the_date_the_link_and_a_sheet_of_sources(
    app: Any, client: Any
) -> None:
    from openpyxl import load_workbook

    query = "c=open-zaak&c=open-notificaties"
    response = client.get(f"/vergelijk.xlsx?{query}")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert ".xlsx" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.get_data()))
    assert workbook.sheetnames == ["Vergelijking", "Bronnen"]
    rows = [
        ["" if v is None else str(v) for v in row]
        for row in workbook["Vergelijking"].iter_rows(values_only=True)
    ]
    csv_rows = excel_nl(client.get(f"/vergelijk.csv?{query}").get_data())
    assert _table([*rows, [""]]) == _table(csv_rows)
    by_label = {row[0]: row[1:] for row in rows}
    assert by_label["Gemaakt op"][0] == dt.date.today().isoformat()
    assert by_label["Pagina"][0].endswith(f"/vergelijk?{query}")
    sources = [list(row) for row in workbook["Bronnen"].iter_rows(values_only=True)]
    header = sources.index(["Onderdeel", "Component", "Bron"])
    listed = {(row[1], row[2]) for row in sources[header + 1 :]}
    assert {("Open Zaak", source) for source in _expected_sources(app, "open-zaak")} <= listed


def test_xlsx_in_english(client: Any) -> None:
    from openpyxl import load_workbook

    client.get("/?lang=en")
    response = client.get("/vergelijk.xlsx?c=open-zaak&c=open-notificaties")
    workbook = load_workbook(io.BytesIO(response.get_data()))
    assert workbook.sheetnames == ["Comparison", "Sources"]


@pytest.mark.parametrize("value", ['=HYPERLINK("x")', "+1", "-1+2", "@SUM(A1)", "\tx"])
def test_formula_cells_are_neutralised(value: str) -> None:
    assert neutralise(value).startswith("'")
    assert neutralise("Open Zaak") == "Open Zaak"


def test_formula_in_a_component_name_is_neutralised_in_the_csv(app: Any, client: Any) -> None:
    from catalogue.services.components import apply_document

    with app.extensions["catalogue_db"].session() as session:
        apply_document(
            session,
            {"slug": "formule", "name": "=cmd|' /C calc'!A0", "url": "https://example.org/formule"},
            source_ref="test",
        )
    rows = excel_nl(client.get("/vergelijk.csv?c=formule&c=open-zaak").get_data())
    assert _table(rows)["Onderdeel"][0] == "'=cmd|' /C calc'!A0"
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(client.get("/vergelijk.xlsx?c=formule&c=open-zaak").data))
    names = [row[1] for row in workbook["Vergelijking"].iter_rows(values_only=True)]
    assert "'=cmd|' /C calc'!A0" in names


@pytest.mark.parametrize(
    "query", ["", "c=open-zaak", "c=a&c=b&c=c&c=d&c=e", "c=open-zaak&c=open-zaak"]
)
def test_wrong_number_of_components_is_a_clear_422(client: Any, query: str) -> None:
    response = client.get(f"/vergelijk?{query}")
    assert response.status_code == 422
    assert "2" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "count"), [("", 0), ("c=open-zaak&c=open-zaak", 1), ("c=a&c=b&c=c&c=d&c=e", 5)]
)
def test_the_wrong_number_is_worded_in_the_readers_language_from_its_code(
    client: Any, query: str, count: int
) -> None:
    """The service refuses with compare_count (2 to 4, and how many were chosen); the page words
    it through messages.py in Dutch or English, a JSON client gets the code and English."""
    dutch = client.get(f"/vergelijk?{query}").get_data(as_text=True)
    assert f"Kies 2 tot 4 verschillende componenten. U koos er {count}." in dutch
    english = client.get(f"/vergelijk.csv?{query}&lang=en")
    assert english.status_code == 422
    assert f"Choose 2 to 4 different components. You chose {count}." in english.get_data(
        as_text=True
    )
    problem = client.get(f"/vergelijk?{query}", headers={"Accept": "application/json"})
    assert problem.status_code == 422 and problem.mimetype == "application/problem+json"
    body = problem.get_json()
    assert body["errors"] == {"c": [f"choose 2 to 4 different components, not {count}"]}
    assert body["codes"] == {
        "c": [{"code": "compare_count", "params": {"minimum": 2, "maximum": 4, "count": count}}]
    }


def test_unknown_component_is_a_404(client: Any) -> None:
    assert client.get("/vergelijk?c=open-zaak&c=bestaat-niet").status_code == 404


def test_search_results_carry_the_comparison_choice(client: Any) -> None:
    """Without JavaScript: the ticked boxes are part of the search URL, and the link appears."""
    # "zaak" keeps Open Zaak on the first page of results however large the catalogue grows.
    one = client.get("/componenten?q=zaak&c=open-zaak").get_data(as_text=True)
    assert "/vergelijk?" not in one
    assert 'value="open-zaak" id="vergelijk-open-zaak" checked' in one
    two = client.get("/componenten?q=zaak&c=open-zaak&c=signalen").get_data(as_text=True)
    assert "/vergelijk?c=open-zaak&amp;c=signalen" in two
    # A choice that is not on this page travels along as a hidden field.
    assert '<input type="hidden" name="c" value="signalen">' in two or "vergelijk-signalen" in two


def _rows(session: Any, *slugs: str) -> dict[str, Any]:
    from catalogue.services.comparison import compare

    return {row.key: row for row in compare(session, slugs).rows}


def test_an_unstated_standard_is_unknown_never_missing(session: Any, client: Any) -> None:
    """Open Zaak states 5 standards, Open Formulieren none: neither gets a "missing" alarm."""
    from catalogue.services.comparison import UNKNOWN, _mandatory_standards
    from catalogue.services.components import get_component

    zaak, formulieren = (get_component(session, s) for s in ("open-zaak", "open-formulieren"))
    expected = _mandatory_standards(session, [zaak, formulieren])
    rows = _rows(session, "open-zaak", "open-formulieren")
    assert all(
        not cell.warnings for row in rows.values() for cell in row.cells if row.key != "maintenance"
    )
    # What GEMMA expects stands in its own row, straight from the GEMMA relations.
    assert set(rows["gemma_expects"].cells[0].lines) == set(expected[zaak.id].values())
    assert set(rows["gemma_expects"].cells[1].lines) == set(expected[formulieren.id].values())
    # Open Formulieren states no standard at all: that is unknown, and so is each expected one.
    assert rows["standards"].cells[1].lines == (UNKNOWN,)
    assert set(rows["standards_not_stated"].cells[1].lines) == set(
        expected[formulieren.id].values()
    )
    stated = {s.standard.gemma_id for s in zaak.standards if s.standard}
    assert set(rows["standards_not_stated"].cells[0].lines) == {
        name for gemma_id, name in expected[zaak.id].items() if gemma_id not in stated
    }
    html = client.get("/vergelijk?c=open-zaak&c=open-formulieren").get_data(as_text=True)
    assert "ontbreekt:" not in html
    assert "Wat GEMMA verwacht" in html


def test_rows_a_tender_needs_with_their_sources(app: Any, session: Any, client: Any) -> None:
    from catalogue.services.components import apply_document, get_component

    apply_document(
        session,
        {
            "slug": "gehost",
            "name": "Gehost",
            "url": "https://example.org/gehost",
            "landing_url": "https://gehost.example.org",
            "offers": [
                {
                    "supplier": "maykin-media",
                    "kind": "saas",
                    "jurisdiction": "NL",
                    "source": "offerte 12",
                },
                {"supplier": "conduction", "kind": "support", "source": "contract 7"},
            ],
        },
        source_ref="test",
    )
    session.commit()
    rows = _rows(session, "gehost", "open-zaak")
    maykin = get_component(session, "open-zaak").maintaining_organisation.name
    assert rows["hosting_offers"].cells[0].lines == (f"{maykin}: saas (NL)",)
    assert rows["hosting_offers"].cells[0].sources == ("offerte 12",)
    assert "Conduction" in rows["supplier"].cells[0].text
    assert "contract 7" in rows["supplier"].cells[0].sources
    assert maykin in rows["supplier"].cells[1].lines
    assert rows["source_code"].cells[0].lines == ("https://example.org/gehost",)
    assert rows["website"].cells[0].lines == ("https://gehost.example.org",)
    html = client.get("/vergelijk?c=gehost&c=open-zaak").get_data(as_text=True)
    assert '<a href="https://gehost.example.org"' in html
    assert f"{maykin}: SaaS (als dienst) (NL)" in html
    assert "bron: offerte 12" in html
    # The printout carries the date and the page's own address.
    assert f'datetime="{dt.date.today().isoformat()}"' in html
    assert "/vergelijk?c=gehost&amp;c=open-zaak</a>" in html


def test_only_web_addresses_become_links(session: Any, client: Any) -> None:
    from catalogue.services.components import apply_document

    apply_document(
        session,
        {
            "slug": "vreemd",
            "name": "Vreemd",
            "url": "https://example.org/vreemd",
            "landing_url": "javascript:alert(1)",
        },
        source_ref="test",
    )
    session.commit()
    html = client.get("/vergelijk?c=vreemd&c=open-zaak").get_data(as_text=True)
    assert 'href="javascript:' not in html
    assert '<a href="https://example.org/vreemd"' in html
