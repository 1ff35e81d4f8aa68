"""``/bronnen``: every harvested source with its last status, time and error; and the labels of
derived facts and harvest statuses for every page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, render_template, url_for
from flask_babel import lazy_gettext as _l
from wtforms import URLField
from wtforms.validators import DataRequired, Length

from catalogue.services import components as component_service
from catalogue.services import harvesting
from catalogue.services.facts import is_derived_source
from catalogue.services.permissions import Permission, require_component_editor
from catalogue.web.auth import requires, signed_in
from catalogue.web.context import db_session
from catalogue.web.forms import Form, handle_form
from catalogue.web.labels import label_function as _label
from catalogue.web.messages import translate_stored
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


class SourceForm(Form):
    """The publiccode.yml URL a maintainer registers for their component."""

    url = URLField(
        _l("Adres van de publiccode.yml"),
        description=_l(
            "Het ruwe bestand, bijvoorbeeld "
            "https://raw.githubusercontent.com/organisatie/project/main/publiccode.yml. "
            "Alleen https, en alleen openbare adressen."
        ),
        validators=[DataRequired(_l("Vul een adres in.")), Length(max=1000)],
    )


@bp.route("/componenten/<slug>/bron", methods=["GET", "POST"])
@requires(Permission.SUBMIT)
def register(slug: str) -> Any:
    """A maintainer registers where the harvester finds their component's publiccode.yml."""
    user = signed_in()
    component = component_service.get_component(db_session(), slug)
    require_component_editor(user, component.maintaining_organisation_id)
    form = SourceForm()

    def action() -> str:
        harvesting.register_source(db_session(), slug, form.url.data or "", actor=user)
        return url_for("sources.source_list")

    response, status = handle_form(form, action)
    if response is not None:
        return response
    return render_template("sources/register.html", component=component, form=form), status


def init_app(app: Flask) -> None:
    """Register /bronnen and the labels (and ``stored_error``, a source's last errors in the
    reader's language) its templates and the component page use."""
    app.jinja_env.globals.update(
        harvest_status_label=_label(HARVEST_STATUS),
        fact_label=_label(FACT),
        rule_label=_label(RULE),
        derived_status_label=_label(DERIVED_STATUS),
        registered_by_label=_label(REGISTERED_BY),
        is_derived_source=is_derived_source,
        # A harvest error kept on a source (code and parameters) in the reader's language.
        stored_error=translate_stored,
    )
    app.register_blueprint(bp)
