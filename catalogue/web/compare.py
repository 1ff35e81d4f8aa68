"""Comparing components side by side, on a page and as CSV for tender documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Flask, Response, render_template, request, url_for
from flask_babel import gettext as _

from catalogue.services import comparison as comparison_service
from catalogue.services.comparison import Cell, Comparison, Row
from catalogue.web import labels
from catalogue.web.context import db_session

bp = Blueprint("compare", __name__)
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def row_labels() -> dict[str, str]:
    """Row titles in the reader's language; shared by the page and the CSV."""
    return {
        "aspect": _("Onderdeel"),
        "license": _("Licentie"),
        "hosting": _("Hosting"),
        "hosting_offers": _("Aanbod van hosting (leverancier: vorm)"),
        "supplier": _("Leverancier en ondersteuning"),
        "status": _("Ontwikkelstatus"),
        "version": _("Versie en datum van uitgave"),
        "maintenance": _("Onderhoud en einddatum contract"),
        "reference_components": _("GEMMA-referentiecomponenten"),
        "gemma_expects": _("Wat GEMMA verwacht: verplichte standaarden"),
        "standards": _("Standaarden (opgegeven)"),
        "standards_not_stated": _("Verwachte standaarden die niet zijn opgegeven (onbekend)"),
        "brings_along": _("Neemt mee (nodig naast dit component)"),
        "users": _("Aantal gebruikers (meldingen, met bron)"),
        "layer": _("Common Ground-laag"),
        "languages": _("Talen"),
        "source_code": _("Broncode"),
        "website": _("Website"),
        "unknown": _("onbekend"),
        "contract_ended": _("onderhoudscontract is afgelopen: %(subject)s"),
        "title": _("Vergelijking van componenten (Componentenwijzer)"),
        "made_on": _("Gemaakt op"),
        "link": _("Pagina"),
        "sources": _("Bronnen"),
        "source": _("Bron"),
        "component": _("Component"),
        "sheet_comparison": _("Vergelijking"),
    }


# Rows whose values are stored codes, and the label table that names them.
CODE_ROWS = {"status": labels.STATUS, "hosting": labels.HOSTING, "layer": labels.LAYER}
# Rows whose lines hold a stored code after "name: " (a supplier's offer).
OFFER_ROWS = {"hosting_offers": labels.HOSTING}


def localised(comparison: Comparison) -> Comparison:
    """Replace stored codes (``stable``, ``on-premise``) by their names in the reader's language."""
    rows = []
    for row in comparison.rows:
        if row.key in OFFER_ROWS:
            cells = tuple(
                Cell(
                    tuple(_offer_line(line, OFFER_ROWS[row.key]) for line in cell.lines),
                    cell.warnings,
                    cell.sources,
                )
                for cell in row.cells
            )
            rows.append(Row(key=row.key, cells=cells))
            continue
        table = CODE_ROWS.get(row.key)
        if table is None:
            rows.append(row)
            continue
        cells = tuple(
            Cell(
                tuple(str(table.get(line, line)) for line in cell.lines),
                cell.warnings,
                cell.sources,
            )
            for cell in row.cells
        )
        rows.append(Row(key=row.key, cells=cells))
    return Comparison(components=comparison.components, rows=rows)


def _offer_line(line: str, table: dict[str, Any]) -> str:
    """ "Supplier: saas (NL)" -> "Supplier: SaaS (NL)" in the reader's language."""
    supplier, separator, rest = line.rpartition(": ")
    if not separator:
        return line
    kind, space, jurisdiction = rest.partition(" ")
    return f"{supplier}: {table.get(kind, kind)}{space}{jurisdiction}"


def stamp() -> comparison_service.Stamp:
    """Today's date and this comparison page's full address, for exports and the printout."""
    return comparison_service.Stamp(
        made_on=dt.date.today().isoformat(),
        link=url_for("compare.compare_page", c=request.args.getlist("c"), _external=True),
    )


def _download(body: bytes, result: Comparison, extension: str, mimetype: str) -> Response:
    filename = "vergelijking-" + "-".join(c.slug for c in result.components) + "." + extension
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _comparison() -> Comparison:
    # Too few or too many components is the service's ValidationError (compare_count), which the
    # error page words in the reader's language (catalogue/web/messages.py).
    return localised(comparison_service.compare(db_session(), request.args.getlist("c")))


@bp.get("/vergelijk")
def compare_page() -> str:
    """2 to 4 components side by side; differences are marked in words, not only colour."""
    result = _comparison()
    return render_template(
        "compare/compare.html",
        comparison=result,
        labels=row_labels(),
        unknown=comparison_service.UNKNOWN,
        link_rows=comparison_service.LINK_ROWS,
        slugs=[c.slug for c in result.components],
        stamp=stamp(),
    )


@bp.get("/vergelijk.csv")
def compare_csv() -> Response:
    """The same comparison as CSV for Dutch Excel: ";"-separated, UTF-8 with a BOM, dated."""
    result = _comparison()
    body = comparison_service.to_csv(result, row_labels(), stamp())
    response = _download(body.encode("utf-8"), result, "csv", "text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    return response


@bp.get("/vergelijk.xlsx")
def compare_xlsx() -> Response:
    """The same comparison as an Excel workbook, with a second sheet of sources."""
    result = _comparison()
    body = comparison_service.to_xlsx(result, row_labels(), stamp())
    return _download(body, result, "xlsx", XLSX_MIMETYPE)


def init_app(app: Flask) -> None:
    """Register the comparison pages."""
    app.register_blueprint(bp)
