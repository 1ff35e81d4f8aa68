"""The component document: one plain-data shape for a component, shared by seed, import and export.

A document is what one entry of ``data/components.yaml`` holds (see ``data/README.md``). The
publiccode.yml importer's record is mapped onto it, an export writes it, and the seed reads it,
so a round trip through files cannot lose a field. Pure functions: no Flask, no database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from catalogue.enums import (
    CommonGroundLayer,
    DevelopmentStatus,
    HostingModel,
    Jurisdiction,
    OfferKind,
    RealisationBasis,
)

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
ALL_KEYS = frozenset(
    {
        "slug",
        "source",
        "publiccode",
        "field_sources",
        "descriptions",
        "maintenance",
        "localisation",
        "dependencies",
        "extra",
        *SCALAR_FIELDS,
        *LIST_FIELDS,
        *SOURCED_COLLECTIONS,
    }
)


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
    return _jsonable(extra)


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
    """Check a document's shape and vocabularies. Returns ``{path: [message]}``; empty when valid."""
    errors: dict[str, list[str]] = {}

    def fail(path: str, message: str) -> None:
        errors.setdefault(f"{where}.{path}" if path else where, []).append(message)

    unknown = sorted(set(document) - ALL_KEYS)
    for key in unknown:
        fail(key, "unknown key")
    for key in ("name", "url"):
        if not isinstance(document.get(key), str) or not document[key].strip():
            fail(key, "is required and must be text")
    _check_enum(document.get("development_status"), DevelopmentStatus, "development_status", fail)
    _check_enum(document.get("common_ground_layer"), CommonGroundLayer, "common_ground_layer", fail)
    for key in LIST_FIELDS:
        if not isinstance(document.get(key, []), list):
            fail(key, "must be a list")
    for index, hosting in enumerate(document.get("hosting_models") or []):
        _check_enum(_get(hosting, "model"), HostingModel, f"hosting_models[{index}].model", fail)
    for index, offer in enumerate(document.get("offers") or []):
        _check_enum(_get(offer, "kind"), OfferKind, f"offers[{index}].kind", fail)
        _check_enum(
            _get(offer, "jurisdiction"), Jurisdiction, f"offers[{index}].jurisdiction", fail
        )
        if not _get(offer, "supplier"):
            fail(f"offers[{index}].supplier", "is required")
    for index, link in enumerate(document.get("reference_components") or []):
        path = f"reference_components[{index}]"
        _check_enum(_get(link, "basis"), RealisationBasis, f"{path}.basis", fail)
        if not _get(link, "gemma_id"):
            fail(f"{path}.gemma_id", "is required")
        if _get(link, "basis") == RealisationBasis.MANUAL and not _get(link, "reason"):
            fail(f"{path}.reason", "a link added by hand needs its reason")
        if _get(link, "basis") == RealisationBasis.DERIVED and not _get(link, "via_interface"):
            fail(f"{path}.via_interface", "a derived link names the interface it came from")
    for index, requirement in enumerate(document.get("requires") or []):
        if not _get(requirement, "component"):
            fail(f"requires[{index}].component", "is required")
    for index, standard in enumerate(document.get("standards") or []):
        if not _get(standard, "name"):
            fail(f"standards[{index}].name", "is required")
    release = document.get("release_date")
    if release is not None and not isinstance(release, dt.date) and as_date(release) is None:
        fail("release_date", "must be a date (YYYY-MM-DD)")
    return errors


def _get(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, Mapping) else None


def _check_enum(value: Any, enum_type: Any, path: str, fail: Any) -> None:
    if value is not None and value not in {member.value for member in enum_type}:
        allowed = ", ".join(member.value for member in enum_type)
        fail(path, f"{value!r} is not one of: {allowed}")


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
