"""Human labels for stored codes, in the reader's language. Pages never show raw codes."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, request
from flask_babel import lazy_gettext as _l

from catalogue.web.graph_svg import legend_swatch
from catalogue.web.messages import ameff_message, publiccode_issue_message

STATUS = {
    "concept": _l("concept"),
    "development": _l("in ontwikkeling"),
    "beta": _l("bèta"),
    "stable": _l("stabiel"),
    "obsolete": _l("verouderd"),
}
LAYER = {
    "interaction": _l("interactie"),
    "process": _l("proces"),
    "integration": _l("integratie"),
    "service": _l("services"),
    "data": _l("data"),
}
HOSTING = {
    "saas": _l("SaaS (als dienst)"),
    "paas": _l("PaaS (platform)"),
    "iaas": _l("IaaS (infrastructuur)"),
    "on-premise": _l("eigen installatie"),
    "support": _l("ondersteuning"),
}
BASIS = {
    "declared": _l("opgegeven door de maker"),
    "derived": _l("afgeleid"),
    "manual": _l("met de hand toegevoegd"),
}
ORGANISATION_KIND = {
    "municipality": _l("gemeente"),
    "supplier": _l("leverancier"),
    "government": _l("overheidsorganisatie"),
    "foundation": _l("stichting"),
    "cooperation": _l("samenwerkingsverband"),
    "other": _l("anders"),
}
GRAPH_NODE_KIND = {
    "component": _l("component uit de catalogus"),
    "reference_component": _l("GEMMA-referentiecomponent"),
    "external_facility": _l("landelijke voorziening"),
    "other": _l("ander GEMMA-onderdeel"),
}
GRAPH_EDGE_KIND = {
    "requires": _l("heeft nodig"),
    "realises": _l("vult in"),
    "depends_on": _l("hangt af van"),
}
# One label per score term of the advisor (advisor.cost.TERMS); tests check none is missing.
WEIGHT = {
    "hosting": _l("Hosting zoals u het liefst heeft"),
    "maturity": _l("Hoe af het is (ontwikkelstatus)"),
    "adoption": _l("Gebruik door andere gemeenten"),
    "licence": _l("Open licentie"),
    "dependencies": _l("Weinig extra’s nodig"),
    "lock_in": _l("Weinig afhankelijk van één leverancier"),
}
# The weights on a scale people understand: five words instead of a number from 0 to 10. The
# values are the advisor's own (its defaults are 0.5, 1 and 1.5), so a default profile fits.
WEIGHT_LEVELS = (
    (0.0, _l("telt niet mee")),
    (0.5, _l("telt een beetje")),
    (1.0, _l("telt gewoon mee")),
    (1.5, _l("telt zwaar")),
    (3.0, _l("telt heel zwaar")),
)
SOURCE_KIND = {
    "file": _l("bestand"),
    "claim": _l("melding"),
    "user": _l("gebruiker"),
    "gemma": _l("GEMMA"),
    "derived": _l("afgeleid"),
    "manual": _l("handmatig"),
}


def weight_word(value: float) -> str:
    """The word for a weight on the form's scale, or the number itself when it is off the scale."""
    for number, word in WEIGHT_LEVELS:
        if value == number:
            return str(word)
    return f"{value:g}"


def _label(table: dict[str, object]):  # type: ignore[no-untyped-def]
    def label(code: str | None) -> str | None:
        if code is None:
            return None
        return str(table.get(code, code))

    return label


def query_with(**overrides: str) -> str:
    """The current query string with some arguments replaced, for links that keep state."""
    # Repeated arguments (facet filters) must survive a language switch.
    kept = [(key, value) for key, value in request.args.items(multi=True) if key not in overrides]
    return urlencode([*kept, *overrides.items()])


def init_app(app: Flask) -> None:
    """Expose the label functions, and the words of the readers' issues, to every template."""
    app.jinja_env.globals.update(
        status_label=_label(STATUS),
        layer_label=_label(LAYER),
        hosting_label=_label(HOSTING),
        basis_label=_label(BASIS),
        organisation_kind_label=_label(ORGANISATION_KIND),
        source_kind_label=_label(SOURCE_KIND),
        query_with=query_with,
        legend_swatch=legend_swatch,
        weight_label=_label(WEIGHT),
        publiccode_issue_message=publiccode_issue_message,
        ameff_message=ameff_message,
        weight_word=weight_word,
    )
