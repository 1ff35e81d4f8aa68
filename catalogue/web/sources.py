"""``/bronnen``: every harvested source with its last status, time and error; and the labels of
derived facts and harvest statuses for every page."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template
from flask_babel import lazy_gettext as _l

from catalogue.services import harvesting
from catalogue.services.facts import is_derived_source
from catalogue.web.context import db_session
from catalogue.web.page_cache import cached_page

bp = Blueprint("sources", __name__)

HARVEST_STATUS = {
    "created": _l("nieuw opgenomen"),
    "updated": _l("bijgewerkt"),
    "unchanged": _l("ongewijzigd"),
    "failed": _l("mislukt"),
}
FACT = {
    "license": _l("Licentie"),
    "development_status": _l("Ontwikkelstatus"),
    "self_hostable": _l("Zelf te hosten"),
}
RULE = {
    "license-file": _l("licentiebestand (LICENSE of COPYING) in de repository"),
    "spdx-header": _l("SPDX-regel in de broncode"),
    "release-history": _l("releases: een versie 1.0 of hoger in de laatste 18 maanden is stabiel"),
    "helm-chart": _l("er is een gepubliceerde Helm-chart"),
    "container-image": _l("er is een gepubliceerd container-image"),
}
DERIVED_STATUS = {
    "afgeleid": _l("afgeleid, gebruikt zolang niets is opgegeven"),
    "vervangen": _l("niet gebruikt: er is een opgegeven feit, dat gaat voor"),
    "bevestigd": _l("bevestigd door de beheerder"),
    "gecorrigeerd": _l("gecorrigeerd door de beheerder"),
}
REGISTERED_BY = {"operator": _l("beheerder van deze site"), "maintainer": _l("maker of beheerder")}


@bp.get("/bronnen")
@cached_page
def source_list() -> str:
    """Every source the harvester reads: last status, time and error; and the latest runs."""
    session = db_session()
    sources = harvesting.list_sources(session)
    return render_template(
        "sources/list.html",
        sources=sources,
        counts=harvesting.status_counts(sources),
        runs=harvesting.latest_runs(session),
    )


def _label(table: dict[str, object]):  # type: ignore[no-untyped-def]
    def label(code: str | None) -> str | None:
        return None if code is None else str(table.get(code, code))

    return label


def init_app(app: Flask) -> None:
    """Register /bronnen and the labels its templates and the component page use."""
    app.jinja_env.globals.update(
        harvest_status_label=_label(HARVEST_STATUS),
        fact_label=_label(FACT),
        rule_label=_label(RULE),
        derived_status_label=_label(DERIVED_STATUS),
        registered_by_label=_label(REGISTERED_BY),
        is_derived_source=is_derived_source,
    )
    app.register_blueprint(bp)
