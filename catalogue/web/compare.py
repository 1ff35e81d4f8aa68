"""Comparing components side by side, on a page and as CSV for tender documents."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, render_template, request
from flask_babel import gettext as _

from catalogue.errors import ValidationError
from catalogue.services import comparison as comparison_service
from catalogue.services.comparison import Cell, Comparison, Row
from catalogue.web import labels
from catalogue.web.context import db_session

bp = Blueprint("compare", __name__)


def row_labels() -> dict[str, str]:
    """Row titles in the reader's language; shared by the page and the CSV."""
    return {
        "aspect": _("Onderdeel"),
        "license": _("Licentie"),
        "hosting": _("Hosting"),
        "status": _("Ontwikkelstatus"),
        "version": _("Versie en datum van uitgave"),
        "maintenance": _("Onderhoud en einddatum contract"),
        "reference_components": _("GEMMA-referentiecomponenten"),
        "standards": _("Standaarden"),
        "brings_along": _("Neemt mee (nodig naast dit component)"),
        "users": _("Aantal gebruikers (meldingen, met bron)"),
        "layer": _("Common Ground-laag"),
        "languages": _("Talen"),
        "unknown": _("onbekend"),
        "missing_standard": _("verplichte standaard ontbreekt: %(subject)s"),
        "contract_ended": _("onderhoudscontract is afgelopen: %(subject)s"),
    }


# Rows whose values are stored codes, and the label table that names them.
CODE_ROWS = {"status": labels.STATUS, "hosting": labels.HOSTING, "layer": labels.LAYER}


def localised(comparison: Comparison) -> Comparison:
    """Replace stored codes (``stable``, ``on-premise``) by their names in the reader's language."""
    rows = []
    for row in comparison.rows:
        table = CODE_ROWS.get(row.key)
        if table is None:
            rows.append(row)
            continue
        cells = tuple(
            Cell(tuple(str(table.get(line, line)) for line in cell.lines), cell.warnings)
            for cell in row.cells
        )
        rows.append(Row(key=row.key, cells=cells))
    return Comparison(components=comparison.components, rows=rows)


def _comparison() -> Comparison:
    slugs = request.args.getlist("c")
    try:
        comparison_service.parse_selection(slugs)
    except ValidationError as error:
        raise ValidationError({"c": [_("Kies 2 tot 4 verschillende componenten.")]}) from error
    return localised(comparison_service.compare(db_session(), slugs))


@bp.get("/vergelijk")
def compare_page() -> str:
    """2 to 4 components side by side; differences are marked in words, not only colour."""
    result = _comparison()
    return render_template(
        "compare/compare.html",
        comparison=result,
        labels=row_labels(),
        unknown=comparison_service.UNKNOWN,
        slugs=[c.slug for c in result.components],
    )


@bp.get("/vergelijk.csv")
def compare_csv() -> Response:
    """The same comparison as CSV: UTF-8 with a BOM, formula cells neutralised."""
    result = _comparison()
    body = comparison_service.to_csv(result, row_labels())
    filename = "vergelijking-" + "-".join(c.slug for c in result.components) + ".csv"
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Content-Type": "text/csv; charset=utf-8",
        },
    )


def init_app(app: Flask) -> None:
    """Register the comparison pages."""
    app.register_blueprint(bp)
