"""Human labels for stored codes, in the reader's language. Pages never show raw codes."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from catalogue.i18n import request_translations
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


def weight_word(value: float) -> str:
    """The word for a weight on the form's scale, or the number itself when it is off the scale."""
    for number, word in WEIGHT_LEVELS:
        if value == number:
            return str(word)
    return f"{value:g}"


# Per translations object (Flask-Babel keeps one per language): id of a lazy label -> (the
# label, kept so its id is never reused, and its text). Bounded, like catalogue/i18n.py's.
_TRANSLATED = "_componentenwijzer_labels"
_TRANSLATED_MAX = 5000


def translated(label: object) -> str:
    """``str(label)`` in the request's language. A lazy label (``_l``) is translated once per
    language and process instead of on every use: Flask-Babel looks the translations up again
    through Flask's context locals each time (about 10 µs), and a component page shows a dozen
    labels."""
    if isinstance(label, str):
        return label
    translations = request_translations()
    known: dict[int, tuple[object, str]] = translations.__dict__.setdefault(_TRANSLATED, {})
    found = known.get(id(label))
    if found is not None:
        return found[1]
    text = str(label)
    if len(known) < _TRANSLATED_MAX:
        known[id(label)] = (label, text)
    return text


# Per translations object: id of a table of labels -> (the table, its labels translated).
_TABLES = "_componentenwijzer_label_tables"


def translated_table(table: dict[str, object]) -> dict[str, str]:
    """Every label of ``table`` in the request's language, by its key: made once per language
    and table (a component page names the dependency graph's seven kinds). Read only."""
    translations = request_translations()
    kept: dict[int, tuple[object, dict[str, str]]] = translations.__dict__.setdefault(_TABLES, {})
    found = kept.get(id(table))
    if found is None:
        found = kept[id(table)] = (table, {key: translated(label) for key, label in table.items()})
    return found[1]


def label_function(table: dict[str, object]):  # type: ignore[no-untyped-def]
    """The template function that names a stored code from ``table`` in the reader's language
    (the code itself when the table does not know it; None stays None)."""

    def label(code: str | None) -> str | None:
        if code is None:
            return None
        return translated(table.get(code, code))

    return label


UNKNOWN = _l("onbekend")
# "onbekend" as ``known`` writes it, by the word in each language.
_UNKNOWN_HTML: dict[str, Markup] = {}


def known(value: object) -> object:
    """The value, or "onbekend" marked as unknown when we do not know it (None, an empty text or
    an empty list): never an empty cell, so "unknown" is never mistaken for "none" (the template
    filter ``known``: ``{{ component.license | known }}``; a filter, because Jinja calls one
    directly where a macro or a function costs it a few microseconds a call)."""
    if value is None or value == "" or value == []:
        word = translated(UNKNOWN)
        html = _UNKNOWN_HTML.get(word)
        if html is None:
            html = _UNKNOWN_HTML[word] = Markup('<span class="unknown">{}</span>').format(word)
        return html
    return value


def query_with(**overrides: str) -> str:
    """The current query string with some arguments replaced, for links that keep state."""
    # Repeated arguments (facet filters) must survive a language switch.
    kept = [(key, value) for key, value in request.args.items(multi=True) if key not in overrides]
    return urlencode([*kept, *overrides.items()])


def init_app(app: Flask) -> None:
    """Expose the label functions, and the words of the readers' issues, to every template."""
    app.jinja_env.globals.update(
        status_label=label_function(STATUS),
        layer_label=label_function(LAYER),
        hosting_label=label_function(HOSTING),
        basis_label=label_function(BASIS),
        organisation_kind_label=label_function(ORGANISATION_KIND),
        query_with=query_with,
        legend_swatch=legend_swatch,
        weight_label=label_function(WEIGHT),
        publiccode_issue_message=publiccode_issue_message,
        ameff_message=ameff_message,
        weight_word=weight_word,
    )
    app.jinja_env.filters["known"] = known
