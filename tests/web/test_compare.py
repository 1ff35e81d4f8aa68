"""Comparison: the page, the CSV for tender annexes, and bad selections."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from catalogue.services.comparison import neutralise


def _csv_rows(response: Any) -> list[list[str]]:
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8").removeprefix("\ufeff"))))


def test_three_components_side_by_side(client: Any) -> None:
    html = client.get("/vergelijk?c=open-zaak&c=open-notificaties&c=open-klant").get_data(
        as_text=True
    )
    for name in ("Open Zaak", "Open Notificaties", "Open Klant"):
        assert name in html
    assert "verschilt" in html
    # Open Notificaties' own publiccode.yml says its contract ran until 2020-12-31.
    assert "onderhoudscontract is afgelopen" in html


def test_csv_has_bom_one_column_per_component_and_the_page_values(client: Any) -> None:
    response = client.get("/vergelijk.csv?c=open-zaak&c=open-notificaties")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _csv_rows(response)
    assert rows[0][1:] == ["Open Zaak", "Open Notificaties"]
    by_label = {row[0]: row[1:] for row in rows}
    assert by_label["Licentie"] == ["EUPL-1.2", "EUPL-1.2"]
    assert "Open Notificaties" in by_label["Neemt mee (nodig naast dit component)"][0]
    assert all(len(row) == 3 for row in rows)


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
    rows = _csv_rows(client.get("/vergelijk.csv?c=formule&c=open-zaak"))
    assert rows[0][1] == "'=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    "query", ["", "c=open-zaak", "c=a&c=b&c=c&c=d&c=e", "c=open-zaak&c=open-zaak"]
)
def test_wrong_number_of_components_is_a_clear_422(client: Any, query: str) -> None:
    response = client.get(f"/vergelijk?{query}")
    assert response.status_code == 422
    assert "2" in response.get_data(as_text=True)


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
