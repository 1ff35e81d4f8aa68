"""Map a component (with its relations loaded) to a plain search document.

The document is the only thing a backend sees: texts per language, the facet values with their
display names, and what is needed to tell a stale document from a current one (``updated_at``,
``version`` and a ``digest`` of everything else).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable
from typing import Any

from catalogue.models import Component, OrganisationKind, UsageKind
from catalogue.search.dutch import parts_of
from catalogue.search.query import FACETS, UNKNOWN, exact_key, normalise_text
from catalogue.text import slugify

LANGUAGES = ("nl", "en")
# Long descriptions are Markdown; snippets and the index want the words, not the markup.
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
# Heading hashes, blockquote marks at the start of a line, emphasis and code marks.
_MD_MARKS = re.compile(r"(?m)^\s{0,3}(?:#{1,6}|>)\s?|[*_`]{1,3}")


def plain_text(text: str | None, *, limit: int = 20_000) -> str:
    """Markdown-ish text as plain words on one line (control characters removed)."""
    if not text:
        return ""
    without_links = _MD_LINK.sub(r"\1", text)
    return normalise_text(_MD_MARKS.sub(" ", without_links), limit=limit)


def _value(text: str | None) -> str:
    """A facet value or label: one line, no control characters."""
    return normalise_text(text, limit=300)


def _facets(component: Component) -> tuple[dict[str, list[str]], dict[str, dict[str, str]]]:
    values: dict[str, dict[str, str]] = {facet.name: {} for facet in FACETS}

    def add(facet: str, value: str | None, label: str | None = None) -> None:
        key = _value(value)
        if key and key not in values[facet]:
            values[facet][key] = _value(label) or key

    for realisation in component.realisations:
        reference = realisation.reference_component
        add("reference_component", reference.slug, reference.name)
    for standard in component.standards:
        if standard.standard is not None:
            add("standard", standard.standard.slug, standard.standard.name)
        else:
            add("standard", slugify(standard.name), standard.name)
    add("layer", component.common_ground_layer)
    for hosting in component.hosting_models or []:
        add("hosting_model", str(hosting.get("model") or ""))
    add("license", component.license)
    add("development_status", component.development_status)
    add("maintenance_type", component.maintenance_type)
    add("technology_platform", component.technology_platform)
    if component.maintaining_organisation is not None:
        add(
            "maintainer",
            component.maintaining_organisation.slug,
            component.maintaining_organisation.name,
        )
    for usage in component.usages:
        # "Used by": a municipality that only commissioned the component is not counted.
        if (
            usage.organisation.kind == OrganisationKind.MUNICIPALITY
            and usage.kind == UsageKind.USES
        ):
            add("municipality", usage.organisation.slug, usage.organisation.name)

    facets = {name: sorted(found) or [UNKNOWN] for name, found in values.items()}
    labels = {name: found for name, found in values.items() if found}
    return facets, labels


def _timestamp(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    # SQLite hands back naive UTC, PostgreSQL aware: compare them in one form.
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat()


def digest(document: dict[str, Any]) -> str:
    """A fingerprint of the document's content, so any change to what is indexed is seen."""
    content = {key: value for key, value in document.items() if key != "digest"}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def compound_fields(document: dict[str, Any]) -> dict[str, str]:
    """``name_parts`` and ``text_parts``: the parts of the Dutch compounds in the name and
    aliases, and in the reference components and Dutch texts, so "archief" finds
    "Archiefbeheer" (dutch.py)."""
    names = [document["name"], *document["aliases"]]
    texts = [
        *document["reference_components"],
        document["short_nl"],
        *document["features_nl"],
        document["long_nl"],
    ]
    return {
        "name_parts": " ".join(parts_of("\n".join(names))),
        "text_parts": " ".join(parts_of("\n".join(texts))),
    }


def document_from(component: Component) -> dict[str, Any]:
    """The search document of ``component``.

    Needs ``descriptions``, ``realisations.reference_component``, ``standards.standard``,
    ``usages.organisation`` and ``maintaining_organisation`` loaded (see sync.load_documents).
    """
    aliases = [normalise_text(str(alias), limit=300) for alias in component.aliases or []]
    document: dict[str, Any] = {
        "id": str(component.id),
        "slug": component.slug,
        "name": normalise_text(component.name, limit=300),
        "aliases": [alias for alias in aliases if alias],
        "exact": sorted({exact_key(text) for text in [component.name, *aliases] if text}),
        "reference_components": [
            _value(r.reference_component.name) for r in component.realisations
        ],
        "standards": [
            _value(s.standard.name if s.standard else s.name) for s in component.standards
        ],
        "organisations": [_value(component.maintaining_organisation.name)]
        if component.maintaining_organisation
        else [],
    }
    for language in LANGUAGES:
        description = component.description(language)
        short = description.short_description if description else None
        long = description.long_description if description else None
        document[f"short_{language}"] = plain_text(short)
        document[f"long_{language}"] = plain_text(long)
        features = description.features if description else []
        document[f"features_{language}"] = [plain_text(str(f), limit=500) for f in features or []]
    document.update(compound_fields(document))
    document["facets"], document["labels"] = _facets(component)
    document["updated_at"] = _timestamp(component.updated_at)
    document["version"] = int(component.version or 0)
    document["digest"] = digest(document)
    return document


def text_of(document: dict[str, Any], field: str) -> str:
    """A document field as one text (list fields joined by newlines)."""
    value = document.get(field)
    if isinstance(value, list):
        return "\n".join(str(item) for item in value)
    return str(value or "")


# The fields whose words "did you mean" offers in every language: the names.
SPELLING_NAME_FIELDS = ("name", "aliases", "reference_components", "standards", "organisations")


def spelling_fields(language: str = "nl") -> tuple[str, ...]:
    """The fields whose words "did you mean" offers a reader of ``language``: the names and
    the texts in that language."""
    return (
        *SPELLING_NAME_FIELDS,
        *(f"{kind}_{language}" for kind in ("short", "features", "long")),
    )


def spelling_text(document: dict[str, Any], language: str = "nl") -> str:
    """Every word a user might type, unstemmed, for "did you mean": the names and the texts
    in ``language`` only, so a Dutch reader is offered Dutch words ("archief", not the English
    "archived")."""
    return "\n".join(text_of(document, field) for field in spelling_fields(language))


def snippet_source(document: dict[str, Any], language: str) -> str:
    """The plain text a result shows when nothing is highlighted: the short description."""
    for candidate in (language, *LANGUAGES):
        text = document.get(f"short_{candidate}")
        if text:
            return str(text)
    return ""


def ids_of(documents: Iterable[dict[str, Any]]) -> set[str]:
    """The ids of these documents."""
    return {str(document["id"]) for document in documents}
