"""The data-quality page: per kind of fact how many are stated, derived or unknown."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template
from flask_babel import lazy_gettext as _l

from catalogue.services import quality as quality_service
from catalogue.web.context import db_session
from catalogue.web.page_cache import cached_page

bp = Blueprint("quality", __name__)

FACT_LABELS = {
    "licence": _l("Licentie"),
    "development_status": _l("Ontwikkelstatus"),
    "hosting": _l("Hosting"),
    "maintainer": _l("Onderhouder"),
    "software_version": _l("Versie"),
    "reference_components": _l("GEMMA-referentiecomponenten"),
    "usage": _l("Gebruik door organisaties"),
}


@bp.get("/kwaliteit")
@cached_page
def overview() -> str:
    """Counts per kind of fact, and the components with the most unknowns to fill in."""
    report = quality_service.quality_report(db_session())
    return render_template("pages/quality.html", report=report, fact_labels=FACT_LABELS)


def init_app(app: Flask) -> None:
    """Register the data-quality page."""
    app.register_blueprint(bp)
