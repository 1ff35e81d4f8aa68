"""Editing a submission's document: the form's steps, one at a time, or a new version of the
publiccode.yml it came from, laid over it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from catalogue import documents
from catalogue.errors import Conflict, ErrorCode, FieldError, NotFound, ValidationError
from catalogue.models import GemmaKind, HostingModel, Submission, SubmissionOrigin, User
from catalogue.publiccode import is_spdx_expression, parse
from catalogue.services import facts
from catalogue.services.gemma import elements_by_gemma_id
from catalogue.services.importing import merge_publiccode, raw_text
from catalogue.services.permissions import Permission, require
from catalogue.services.submissions.access import (
    EDITABLE,
    _check_lock,
    _flush,
    _record_editor,
    _require_editor,
)
from catalogue.services.submissions.checks import _file_document, issues_of
from catalogue.services.submissions.queries import components_by_slug, get_submission, source_label
from catalogue.text import normalise_repository_url

# The form's steps, in order. Each edits these document keys.
STEP_KEYS: dict[str, tuple[str, ...]] = {
    "basics": (
        "name",
        "url",
        "landing_url",
        "development_status",
        "software_type",
        "common_ground_layer",
        "software_version",
        "release_date",
        "logo",
        "roadmap",
        "platforms",
        "categories",
    ),
    "reference_components": ("reference_components",),
    "standards": ("standards", "requires"),
    "hosting": ("hosting_models",),
    "licence": ("license", "maintenance", "main_copyright_owner", "repo_owner"),
    "descriptions": ("descriptions",),
}
STEPS = tuple(STEP_KEYS)
DESCRIPTION_LANGUAGES = ("nl", "en")


def save_step(
    session: Session,
    submission_id: int,
    step: str,
    data: Mapping[str, Any],
    *,
    actor: User,
    lock_version: int | None,
) -> Submission:
    """Apply one step of the form to the submission's document.

    ``lock_version`` is the submission version the form was shown with; if someone saved the
    submission since, this raises Conflict and changes nothing (the view shows both versions).
    """
    require(actor, Permission.SUBMIT)
    if step not in STEP_KEYS:
        raise NotFound(FieldError(ErrorCode.STEP_UNKNOWN, step=step))
    submission = get_submission(session, submission_id, actor=actor)
    _require_editor(actor, submission)
    _check_lock(submission, lock_version)
    before = documents.jsonable(submission.document)
    after = _apply_step(session, submission, step, data)
    changed = [key for key in STEP_KEYS[step] if before.get(key) != after.get(key)]
    sources = dict(after.get("field_sources") or {})
    # Saving a step that shows a derived value confirms it: from now on the maintainer states it.
    confirmed = [
        key
        for key in STEP_KEYS[step]
        if key not in changed
        and after.get(key) not in (None, "")
        and facts.is_derived_source(sources.get(key))
    ]
    if not changed and not confirmed:
        return submission
    label = source_label(submission)
    for key in [*changed, *confirmed]:
        sources[key] = label
    after["field_sources"] = sources
    submission.document = after
    submission.edited_fields = sorted(set(submission.edited_fields or []) | set(changed))
    _record_editor(submission, actor)
    _flush(session)
    return submission


def _text(value: Any, limit: int = 2000) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text[:limit] or None


def _apply_step(
    session: Session, submission: Submission, step: str, data: Mapping[str, Any]
) -> dict[str, Any]:
    document: dict[str, Any] = documents.jsonable(dict(submission.document))  # a dict stays one
    label = source_label(submission)
    errors: dict[str, list[str]] = {}
    # Keys the data leaves out keep their value: a caller changes only what it sends.
    if step == "basics":
        for key in STEP_KEYS["basics"]:
            if key in data and key in documents.LIST_FIELDS:
                # One value a line (or comma-separated), as publiccode.yml lists them.
                raw = data.get(key) or []
                items = raw if isinstance(raw, list) else str(raw).replace(",", "\n").splitlines()
                values = [v for v in (str(i).strip()[:100] for i in items) if v][:50]
                # An empty box leaves an absent list absent: saving the step is not an edit.
                if values or document.get(key) is not None:
                    document[key] = values
            elif key in data:
                document[key] = _text(data.get(key), 500)
        release = document.get("release_date")
        if release is not None and documents.as_date(release) is None:
            errors["release_date"] = [FieldError(ErrorCode.DATE_FORMAT)]
        if submission.component_id is not None and submission.base_document is not None:
            old_url = submission.base_document.get("url")
            if document.get("url") and normalise_repository_url(
                document["url"]
            ) != normalise_repository_url(str(old_url)):
                errors["url"] = [FieldError(ErrorCode.PUBLISHED_URL_FIXED)]
    elif step == "reference_components" and "reference_components" in data:
        wanted = [str(g) for g in data.get("reference_components") or []]
        known = {
            g: e
            for g, e in elements_by_gemma_id(session, wanted).items()
            if e.kind == GemmaKind.REFERENCE_COMPONENT
        }
        unknown = [g for g in wanted if g not in known]
        if unknown:
            errors["reference_components"] = [
                FieldError(ErrorCode.REFERENCE_COMPONENT_UNKNOWN, gemma_id=g) for g in unknown
            ]
        existing = {
            link.get("gemma_id"): link for link in document.get("reference_components") or []
        }
        document["reference_components"] = [
            existing.get(g)
            or {"gemma_id": g, "name": known[g].name, "basis": "declared", "source": label}
            for g in dict.fromkeys(wanted)
            if g in known
        ]
    elif step == "standards":
        if "standards" in data:
            document["standards"] = _chosen_standards(session, document, data, label, errors)
        if "requires" in data:
            document["requires"] = _chosen_requirements(session, document, data, label, errors)
    elif step == "hosting" and "hosting_models" in data:
        models = [str(m) for m in data.get("hosting_models") or []]
        allowed = {m.value for m in HostingModel}
        if any(m not in allowed for m in models):
            errors["hosting_models"] = [FieldError(ErrorCode.HOSTING_MODEL_UNKNOWN)]
        existing = {h.get("model"): h for h in document.get("hosting_models") or []}
        document["hosting_models"] = [
            existing.get(m) or {"model": m, "source": label}
            for m in dict.fromkeys(models)
            if m in allowed
        ]
    elif step == "licence":
        if "license" in data:
            licence = _text(data.get("license"), 200)
            if licence and not is_spdx_expression(licence):
                errors["license"] = [FieldError(ErrorCode.LICENCE_INVALID)]
            document["license"] = licence
        for key in ("main_copyright_owner", "repo_owner"):
            if key in data:
                document[key] = _text(data.get(key), 300)
        if "maintenance_type" in data:
            maintenance = dict(document.get("maintenance") or {})
            maintenance["type"] = _text(data.get("maintenance_type"), 16)
            document["maintenance"] = maintenance
    elif step == "descriptions":
        descriptions = {
            lang: dict(texts or {}) for lang, texts in (document.get("descriptions") or {}).items()
        }
        for language in DESCRIPTION_LANGUAGES:
            texts = descriptions.get(language, {})
            for field, limit in (("short_description", 150), ("long_description", 20000)):
                if f"{language}_{field}" in data:
                    texts[field] = _text(data.get(f"{language}_{field}"), limit)
            if f"{language}_features" in data:
                lines = str(data.get(f"{language}_features") or "").splitlines()
                texts["features"] = [f for f in (line.strip()[:200] for line in lines) if f][:50]
            if any(v not in (None, "", []) for v in texts.values()):
                descriptions[language] = texts
            else:
                descriptions.pop(language, None)
        if "documentation" in data:
            documentation = _text(data.get("documentation"), 500)
            if documentation or "nl" in descriptions:
                descriptions.setdefault("nl", {})["documentation"] = documentation
        document["descriptions"] = descriptions
    if errors:
        raise ValidationError(errors)
    return document


def standard_key(standard: Mapping[str, Any]) -> str:
    return str(standard.get("gemma_id") or f"name:{standard.get('name')}")


def _chosen_standards(
    session: Session,
    document: dict[str, Any],
    data: Mapping[str, Any],
    label: str,
    errors: dict[str, list[str]],
) -> list[dict[str, Any]]:
    wanted = [str(s) for s in data.get("standards") or []]
    existing = {standard_key(s): s for s in document.get("standards") or []}
    new_ids = [w for w in wanted if w not in existing]
    known = {
        g: e
        for g, e in elements_by_gemma_id(session, new_ids).items()
        if e.kind == GemmaKind.STANDARD
    }
    unknown = [w for w in new_ids if w not in known]
    if unknown:
        errors["standards"] = [FieldError(ErrorCode.STANDARD_UNKNOWN, standard=w) for w in unknown]
    chosen = []
    for key in dict.fromkeys(wanted):
        if key in existing:
            chosen.append(existing[key])
        elif key in known:
            chosen.append({"gemma_id": key, "name": known[key].name, "source": label})
    return chosen


def _chosen_requirements(
    session: Session,
    document: dict[str, Any],
    data: Mapping[str, Any],
    label: str,
    errors: dict[str, list[str]],
) -> list[dict[str, Any]]:
    wanted = [str(s) for s in data.get("requires") or []]
    own_slug = document.get("slug")
    found = components_by_slug(session, wanted)
    unknown = [s for s in wanted if s not in found or s == own_slug]
    if unknown:
        errors["requires"] = [
            FieldError(ErrorCode.REQUIRED_COMPONENT_UNKNOWN, slug=s) for s in unknown
        ]
    existing = {r.get("component"): r for r in document.get("requires") or []}
    return [
        existing.get(s) or {"component": s, "optional": False, "source": label}
        for s in dict.fromkeys(wanted)
        if s in found and s != own_slug
    ]


@dataclass(frozen=True)
class Reupload:
    """What a new version of the file would do to an open submission (or did, once applied)."""

    submission: Submission
    document: dict[str, Any]
    changes: list[tuple[str, Any, Any]]
    # Form edits the new file is silent about: they stay.
    kept: list[str]
    # Form edits the new file speaks about: the file's value replaces them.
    replaced: list[str]
    issues: list[dict[str, Any]]


def reupload_publiccode(
    session: Session,
    submission_id: int,
    data: bytes | str,
    *,
    actor: User,
    source_name: str,
    apply: bool,
    lock_version: int | None = None,
) -> Reupload:
    """Lay a new version of a publiccode.yml over an open submission.

    The file speaks for what it fills; a field edited in the form that the file is silent
    about keeps the form's value. With ``apply`` false nothing is written: the caller shows
    the difference first. The file must name the same repository as the submission.
    """
    require(actor, Permission.SUBMIT)
    submission = get_submission(session, submission_id, actor=actor)
    _require_editor(actor, submission)
    if submission.status not in EDITABLE:
        raise Conflict(
            FieldError(
                ErrorCode.SUBMISSION_TAKES_NO_FILE,
                submission=submission.id,
                status=str(submission.status),
            )
        )
    _check_lock(submission, lock_version)
    result = parse(data)
    incoming = _file_document(result)
    current = documents.jsonable(dict(submission.document))
    if normalise_repository_url(str(incoming.get("url") or "")) != normalise_repository_url(
        str(current.get("url") or "")
    ):
        raise ValidationError({"url": [FieldError(ErrorCode.FILE_OF_OTHER_REPOSITORY)]})
    source_name = (source_name or "publiccode.yml").strip()[:200]
    file_source = f"publiccode.yml: {source_name} · {actor.label}"
    # Over the submission as it stands: what the file does not speak for (the GEMMA links chosen
    # in the form, say) stays as it is.
    document = merge_publiccode(current, incoming, file_source=file_source)
    edited = [str(key) for key in submission.edited_fields or []]
    kept = [key for key in edited if incoming.get(key) in (None, "", [], {})]
    replaced = [key for key in edited if key not in kept]
    sources = dict(document.get("field_sources") or {})
    for key in kept:
        document[key] = current.get(key)
        if key in (current.get("field_sources") or {}):
            sources[key] = current["field_sources"][key]
    document["field_sources"] = sources
    document = documents.jsonable(document)
    changes = documents.diff(current, document)
    if apply:
        submission.document = document
        submission.raw_text = raw_text(data)
        submission.source_name = source_name
        submission.file_issues = issues_of(result)
        submission.edited_fields = sorted(kept)
        submission.origin = SubmissionOrigin.PUBLICCODE
        _flush(session)
    return Reupload(
        submission=submission,
        document=document,
        changes=changes,
        kept=sorted(kept),
        replaced=sorted(replaced),
        issues=issues_of(result),
    )
