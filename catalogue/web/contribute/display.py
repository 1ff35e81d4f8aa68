"""How a submission reads on the pages: the labels of steps, states, origins, comment kinds,
hints and fields; where an issue's form field is; an issue's message; a document value in a diff."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from catalogue.models import SubmissionOrigin, SubmissionStatus
from catalogue.services import submissions
from catalogue.web import labels
from catalogue.web.forms import translate
from catalogue.web.messages import publiccode_issue_message

# URL slug of each step -> the service's step.
STEP_SLUGS = {
    "basis": "basics",
    "referentiecomponenten": "reference_components",
    "standaarden": "standards",
    "hosting": "hosting",
    "licentie": "licence",
    "beschrijvingen": "descriptions",
}
SLUG_OF_STEP = {step: slug for slug, step in STEP_SLUGS.items()}
STEP_TITLES = {
    "basics": _l("Basisgegevens"),
    "reference_components": _l("GEMMA-referentiecomponenten"),
    "standards": _l("Standaarden en afhankelijkheden"),
    "hosting": _l("Hosting"),
    "licence": _l("Licentie en onderhoud"),
    "descriptions": _l("Beschrijvingen"),
}
STATUS_LABELS = {
    SubmissionStatus.CONCEPT: _l("concept"),
    SubmissionStatus.SUBMITTED: _l("ingediend, wacht op beoordeling"),
    SubmissionStatus.CHANGES_REQUESTED: _l("wijzigingen gevraagd"),
    SubmissionStatus.REJECTED: _l("afgewezen"),
    SubmissionStatus.PUBLISHED: _l("gepubliceerd"),
    "accepted": _l("geïmporteerd"),
    "rejected": _l("afgewezen"),
}
ORIGIN_LABELS = {
    SubmissionOrigin.FORM: _l("formulier"),
    SubmissionOrigin.PUBLICCODE: _l("bestand publiccode.yml"),
    SubmissionOrigin.API: _l("API (publiccode.yml uit een pijplijn)"),
    "dispute": _l("betwisting"),
    "merge": _l("samenvoeging"),
}
COMMENT_KINDS = {
    "comment": _l("reactie"),
    "submitted": _l("ingediend"),
    "published": _l("goedgekeurd en gepubliceerd"),
    "rejected": _l("afgewezen"),
    "changes_requested": _l("wijzigingen gevraagd"),
    "rebased": _l("bijgewerkt naar de gepubliceerde versie"),
}
# Completeness hints: what to do, and the step where it is done.
HINTS = {
    "reference_component": (_l("Kies een GEMMA-referentiecomponent"), "reference_components"),
    "short_description_nl": (_l("Voeg een korte Nederlandse beschrijving toe"), "descriptions"),
    "long_description_nl": (
        _l("Voeg een uitgebreide Nederlandse beschrijving toe"),
        "descriptions",
    ),
    "description_en": (_l("Voeg een Engelse beschrijving toe"), "descriptions"),
    "license": (_l("Vul een geldige SPDX-licentie in"), "licence"),
    "long_description_en": (_l("Voeg een uitgebreide Engelse beschrijving toe"), "descriptions"),
    "features": (_l("Noem de belangrijkste functies"), "descriptions"),
    "standards": (_l("Noem de standaarden die het component ondersteunt"), "standards"),
    "common_ground_layer": (_l("Kies de Common Ground-laag"), "basics"),
    "hosting_models": (_l("Kies de hostingvormen"), "hosting"),
    "development_status": (_l("Kies de ontwikkelstatus"), "basics"),
    "maintenance": (_l("Zeg hoe het component onderhouden wordt"), "licence"),
    "landing_url": (_l("Voeg de website toe"), "basics"),
}
DISPUTE_STATUS = {
    "open": _l("nog open"),
    "upheld": _l("terecht, claim verwijderd"),
    "dismissed": _l("onterecht, claim blijft"),
}
FIELD_LABELS = {
    "name": _l("Naam"),
    "url": _l("Broncode"),
    "landing_url": _l("Website"),
    "license": _l("Licentie"),
    "development_status": _l("Ontwikkelstatus"),
    "software_type": _l("Soort software"),
    "common_ground_layer": _l("Common Ground-laag"),
    "descriptions": _l("Beschrijvingen"),
    "reference_components": _l("GEMMA-referentiecomponenten"),
    "standards": _l("Standaarden"),
    "requires": _l("Heeft nodig"),
    "hosting_models": _l("Hosting"),
    "maintenance": _l("Onderhoud"),
    "maintaining_organisation": _l("Beheerd door"),
    "localisation": _l("Talen"),
    "dependencies": _l("Software waarvan het afhankelijk is"),
    "platforms": _l("Platforms"),
    "categories": _l("Categorieën"),
    "software_version": _l("Versie"),
    "release_date": _l("Datum van uitgave"),
    "extra": _l("Overige gegevens"),
    "aliases": _l("Andere namen"),
    "main_copyright_owner": _l("Auteursrechthebbende"),
    "repo_owner": _l("Eigenaar van de repository"),
    "publiccode_version": _l("publiccode.yml-versie"),
    "logo": _l("Beeldmerk (logo)"),
    "roadmap": _l("Routekaart"),
    "technology_platform": _l("Technisch platform"),
}


# A document key -> the step and the form field where it is filled in. Messages link there.
FIELD_OF_KEY: dict[str, tuple[str, str]] = {
    **{key: ("basics", key) for key in submissions.STEP_KEYS["basics"]},
    "reference_components": ("reference_components", "kiezen"),
    "standards": ("standards", "kiezen"),
    "requires": ("standards", "kiezen"),
    "hosting_models": ("hosting", "hosting_models"),
    "license": ("licence", "license"),
    "maintenance": ("licence", "maintenance_type"),
    "main_copyright_owner": ("licence", "main_copyright_owner"),
    "repo_owner": ("licence", "repo_owner"),
    "descriptions": ("descriptions", "nl_short_description"),
}
_DESCRIPTION_FIELDS = {
    "shortDescription": "short_description",
    "short_description": "short_description",
    "longDescription": "long_description",
    "long_description": "long_description",
    "features": "features",
    "documentation": "documentation",
}


def issue_target(key: str | None) -> tuple[str, str] | None:
    """The step and form field a message's key points at; None when no form field fills it."""
    if not key:
        return None
    head = key.split(".")[0].split("[")[0]
    document_key = head if head in FIELD_OF_KEY else submissions.field_of_key(key)
    if document_key not in FIELD_OF_KEY:
        return None
    step, field = FIELD_OF_KEY[document_key]
    if document_key == "descriptions":
        # description.en.longDescription -> en_long_description
        parts = key.replace("[", ".").split(".")
        language = next((p for p in parts if p in submissions.DESCRIPTION_LANGUAGES), "nl")
        found = next((_DESCRIPTION_FIELDS[p] for p in parts if p in _DESCRIPTION_FIELDS), None)
        if found == "documentation":
            field = "documentation"
        elif found:
            field = f"{language}_{found}"
    return step, field


def issue_link_for(submission_id: int) -> Any:
    """``issue -> URL of its form field`` for one submission (None when no field fills it)."""

    def link(issue: Mapping[str, Any]) -> str | None:
        target = issue_target(issue.get("key"))
        if target is None:
            return None
        step, field = target
        return (
            url_for("contribute.step", submission_id=submission_id, slug=SLUG_OF_STEP[step])
            + "#"
            + field
        )

    return link


def show_value(value: Any) -> str:
    """A document value as plain text for a diff cell ("—" when empty)."""
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, list):
        return "; ".join(show_value(v) for v in value)
    if isinstance(value, Mapping):
        # Links read as what they point at: a GEMMA element or standard, a hosting form, a component.
        if value.get("name") and ("gemma_id" in value or "version" in value):
            return " ".join(str(v) for v in (value["name"], value.get("version")) if v)
        if value.get("model"):
            return str(labels.HOSTING.get(str(value["model"]), value["model"]))
        if value.get("component"):
            return str(value["component"])
        parts = [
            f"{k}: {show_value(v)}"
            for k, v in value.items()
            if v not in (None, "", [], {}) and k not in ("source", "basis")
        ]
        return ", ".join(parts) or "—"
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    return str(value)


def comment_text(kind: str, body: str) -> str:
    """A comment's text: a person's words as written; a rebase's note (the fields both sides
    changed) in the reader's language, with the fields' labels."""
    if kind == "rebased" and body:
        fields = ", ".join(str(FIELD_LABELS.get(f, f)) for f in body.split(", "))
        return _(
            "Deze velden zijn aan beide kanten gewijzigd. Kijk ze na: %(fields)s", fields=fields
        )
    return body


def issue_message(issue: Mapping[str, Any]) -> str:
    """An issue's message in the reader's language, through gettext: a check's from its error
    code, a publiccode.yml issue's from its template (one stored before those were kept, as the
    parser worded it then)."""
    if submissions.is_check_issue(issue):
        return translate(submissions.issue_error(issue))
    return publiccode_issue_message(issue)
