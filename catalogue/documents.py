"""The component document: one plain-data shape for a component, shared by seed, import and export.

A document is what one entry of ``data/components.yaml`` holds (see ``data/README.md``). The
publiccode.yml importer's record is mapped onto it, an export writes it, and the seed reads it,
so a round trip through files cannot lose a field. Pure functions: no Flask, no database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, cast

from catalogue import component_document

# Scalar fields of a component, in display order.
SCALAR_FIELDS = (
    "name",
    "url",
    "publiccode_version",
    "landing_url",
    "logo",
    "roadmap",
    "license",
    "main_copyright_owner",
    "repo_owner",
    "development_status",
    "software_type",
    "software_version",
    "release_date",
    "common_ground_layer",
    "technology_platform",
    "maintaining_organisation",
)
# Scalar fields that only the catalogue knows; a publiccode.yml does not speak for them.
CATALOGUE_FIELDS = frozenset(
    {"common_ground_layer", "technology_platform", "maintaining_organisation"}
)
LIST_FIELDS = ("aliases", "platforms", "categories")
DESCRIPTION_FIELDS = (
    "short_description",
    "long_description",
    "features",
    "documentation",
    "api_documentation",
    "generic_name",
    "screenshots",
    "videos",
    "awards",
)
DESCRIPTION_LIST_FIELDS = {"features", "screenshots", "videos", "awards"}
# Collections of facts that each carry their own source.
SOURCED_COLLECTIONS = ("hosting_models", "reference_components", "standards", "requires", "offers")
# Every key a document may have: the typed model's fields.
ALL_KEYS = frozenset(component_document.ComponentDocument.model_fields)


def document_from_publiccode(record: Mapping[str, Any]) -> dict[str, Any]:
    """Map a parsed publiccode.yml record onto a component document."""
    nl = record.get("nl") or {}
    maintenance = record.get("maintenance") or {}
    localisation = record.get("localisation") or {}
    document: dict[str, Any] = {
        "name": record.get("name"),
        "url": record.get("url"),
        "publiccode_version": record.get("publiccode_version"),
        "landing_url": record.get("landing_url"),
        "logo": record.get("logo"),
        "roadmap": record.get("roadmap"),
        "license": record.get("license"),
        "main_copyright_owner": record.get("main_copyright_owner"),
        "repo_owner": record.get("repo_owner"),
        "development_status": record.get("development_status"),
        "software_type": record.get("software_type"),
        "software_version": record.get("software_version"),
        "release_date": record.get("release_date"),
        "common_ground_layer": nl.get("common_ground_layer"),
        "platforms": list(record.get("platforms") or []),
        "categories": list(record.get("categories") or []),
        "descriptions": {
            language: {field: texts.get(field) for field in DESCRIPTION_FIELDS}
            for language, texts in (record.get("descriptions") or {}).items()
        },
        "maintenance": {
            "type": maintenance.get("type"),
            "contractors": [dict(c) for c in maintenance.get("contractors") or []],
            "contacts": [dict(c) for c in maintenance.get("contacts") or []],
        },
        "localisation": {
            "localisation_ready": localisation.get("localisation_ready"),
            "available_languages": list(localisation.get("available_languages") or []),
        },
        "dependencies": [dict(d) for d in record.get("dependencies") or []],
        "extra": _publiccode_extra(record),
    }
    return document


def _publiccode_extra(record: Mapping[str, Any]) -> dict[str, Any]:
    """What the record holds that has no column, kept so nothing is lost."""
    extra: dict[str, Any] = dict(record.get("extra") or {})
    for key in ("is_based_on", "used_by", "input_types", "output_types", "authors_file"):
        value = record.get(key)
        if value:
            extra[key] = value
    for key in ("organisation", "it"):
        if record.get(key):
            extra[key] = record[key]
    nl = record.get("nl") or {}
    nl_rest = {
        k: v for k, v in nl.items() if k != "common_ground_layer" and v not in (None, [], {})
    }
    if nl_rest:
        extra["nl"] = nl_rest
    return cast("dict[str, Any]", _jsonable(extra))


def merge(base: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """``overlay`` adds to ``base``: a present, non-empty value in the overlay wins.

    Descriptions merge per language and per field; every other list is replaced whole.
    """
    merged = {key: value for key, value in base.items()}
    for key, value in overlay.items():
        if value in (None, "", [], {}):
            continue
        if key == "descriptions":
            descriptions = {lang: dict(texts) for lang, texts in (merged.get(key) or {}).items()}
            for language, texts in value.items():
                target = descriptions.setdefault(language, {})
                for field, text in (texts or {}).items():
                    if text not in (None, "", []):
                        target[field] = text
            merged[key] = descriptions
        elif key in ("maintenance", "localisation", "extra") and isinstance(value, Mapping):
            inner = dict(merged.get(key) or {})
            inner.update({k: v for k, v in value.items() if v not in (None, "", [])})
            merged[key] = inner
        else:
            merged[key] = value
    return merged


def validate(document: Mapping[str, Any], where: str) -> dict[str, list[str]]:
    """Check a document's shape and vocabularies. Returns ``{path: [message]}``; empty when valid.

    The rules are the typed model's (``catalogue/component_document.py``).
    """
    return component_document.check(document, where)


def as_date(value: Any) -> dt.date | None:
    """A date from a date or an ISO string; None when it is neither."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _jsonable(value: Any) -> Any:
    """Dates become ISO strings so the value fits a JSON column."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


jsonable = _jsonable


def diff(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """Field-by-field changes from ``old`` to ``new``, as ``(field, old, new)``.

    Bookkeeping keys (source, field_sources, publiccode, slug) are not compared.
    """
    ignored = {"source", "field_sources", "publiccode", "slug"}
    old = old or {}
    changes = []
    for key in sorted((set(old) | set(new)) - ignored):
        before, after = _jsonable(old.get(key)), _jsonable(new.get(key))
        if _empty(before) and _empty(after):
            continue
        if before != after:
            changes.append((key, before, after))
    return changes


def _empty(value: Any) -> bool:
    if value in (None, "", [], {}):
        return True
    if isinstance(value, Mapping):
        return all(_empty(v) for v in value.values())
    return False
