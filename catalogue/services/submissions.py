"""Submissions: a proposed component document, from the form in steps or from a publiccode.yml,
previewed as a dry run, reviewed, and published with :func:`apply_document`.

A submission holds a whole component document (catalogue/documents.py). Publishing is
``apply_document`` plus a :class:`Revision` that says who, when, what changed and where each
value came from. A submission records the component version it started from; publishing after
the component changed is a :class:`Conflict`, and nothing is overwritten or lost.

Messages meant for people come in English and Dutch (``message``/``message_nl``), as the
publiccode.yml parser's issues do; completeness hints are codes the web layer words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from catalogue import documents
from catalogue.errors import Conflict, NotAuthorized, NotFound, ValidationError
from catalogue.models import (
    Component,
    DevelopmentStatus,
    GemmaElement,
    GemmaKind,
    HostingModel,
    ImportRecord,
    Organisation,
    ReviewComment,
    Revision,
    SourceKind,
    Submission,
    SubmissionOrigin,
    SubmissionStatus,
    User,
)
from catalogue.publiccode import ParseResult, parse
from catalogue.publiccode import _is_spdx_expression as _spdx  # the parser's SPDX grammar
from catalogue.services import audit, facts
from catalogue.services.audit import AuditKind
from catalogue.services.components import apply_document, document_of, find_by_url
from catalogue.services.gemma import elements_by_gemma_id
from catalogue.services.importing import merge_publiccode, raw_text
from catalogue.services.permissions import (
    NOT_CONFIRMED,
    Permission,
    acts_for,
    has,
    is_unconfirmed,
    require,
    require_component_editor,
)
from catalogue.text import normalise_repository_url, slugify

EDITABLE = frozenset({SubmissionStatus.CONCEPT, SubmissionStatus.CHANGES_REQUESTED})
OPEN = EDITABLE | {SubmissionStatus.SUBMITTED}

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
MAX_COMMENT = 5000
PICKER_LIMIT = 30


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _flush(session: Session) -> None:
    """Flush; a submission saved by someone else in the meantime is a Conflict, not a crash."""
    try:
        session.flush()
    except StaleDataError as error:
        msg = "someone else saved this at the same moment; load the page again"
        raise Conflict(msg) from error


def is_spdx_expression(text: str) -> bool:
    """True when ``text`` is a valid SPDX licence expression (SPDX list in publiccode_vocab)."""
    return bool(text.strip()) and _spdx(text)


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Hint:
    """A concrete way to make the entry more complete, worth ``points``."""

    code: str
    points: int


@dataclass(frozen=True)
class Completeness:
    """How complete a document is, with what would make it more so."""

    score: int
    maximum: int
    hints: list[Hint]

    @property
    def percent(self) -> int:
        """The score as a whole percentage."""
        return round(100 * self.score / self.maximum) if self.maximum else 100


@dataclass(frozen=True)
class Preview:
    """What publishing the submission would do, and what is wrong with it (a dry run)."""

    submission: Submission
    created: bool
    changes: list[tuple[str, Any, Any]]
    issues: list[dict[str, Any]]
    resolved: list[dict[str, Any]]
    completeness: Completeness
    stale: bool

    @property
    def errors(self) -> list[dict[str, Any]]:
        """Issues that stop publication."""
        return [i for i in self.issues if i["level"] == "error"]

    @property
    def warnings(self) -> list[dict[str, Any]]:
        """Issues that do not stop publication."""
        return [i for i in self.issues if i["level"] == "warning"]


@dataclass(frozen=True)
class ConflictView:
    """Both versions of a component when a submission is out of date."""

    submission: Submission
    current: dict[str, Any]
    proposed: dict[str, Any]
    theirs: list[tuple[str, Any, Any]]
    mine: list[tuple[str, Any, Any]]
    both: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PublicStatus:
    """The last submission or import of a component, as everyone may see it."""

    kind: str  # "submission" or "import"
    status: str
    when: dt.datetime | None
    reason: str | None
    source: str | None
    submission_id: int | None = None


def _issue(level: str, key: str, message: str, message_nl: str, code: str) -> dict[str, Any]:
    return {
        "level": level,
        "key": key,
        "line": None,
        "column": None,
        "message": message,
        "message_nl": message_nl,
        "code": code,
    }


# ---------------------------------------------------------------- documents


def _organisation_ref(organisation: Organisation | None) -> str | None:
    if organisation is None:
        return None
    return organisation.cbs_code or organisation.slug


def source_label(submission: Submission) -> str:
    """How facts from this submission name their source: number, author and organisation."""
    organisation = submission.organisation.name if submission.organisation else None
    parts = [f"bijdrage #{submission.id}", submission.author_label, organisation]
    return " · ".join(p for p in parts if p)


def _empty_document(actor: User) -> dict[str, Any]:
    return {
        "name": "",
        "url": "",
        "maintaining_organisation": _organisation_ref(actor.organisation),
        "descriptions": {},
        "hosting_models": [],
        "reference_components": [],
        "standards": [],
        "requires": [],
    }


def completeness(document: Mapping[str, Any]) -> Completeness:
    """Score a document and list concrete hints, most valuable first."""
    descriptions = document.get("descriptions") or {}

    def text(language: str, key: str) -> bool:
        return bool(((descriptions.get(language) or {}).get(key) or "").strip())

    features = any((texts or {}).get("features") for texts in descriptions.values())
    licence = str(document.get("license") or "")
    maintenance = document.get("maintenance") or {}
    checks = [
        ("reference_component", 3, bool(document.get("reference_components"))),
        ("short_description_nl", 2, text("nl", "short_description")),
        ("long_description_nl", 2, text("nl", "long_description")),
        ("description_en", 2, text("en", "short_description")),
        ("license", 2, is_spdx_expression(licence) if licence else False),
        ("long_description_en", 1, text("en", "long_description")),
        ("features", 1, features),
        ("standards", 1, bool(document.get("standards"))),
        ("common_ground_layer", 1, bool(document.get("common_ground_layer"))),
        ("hosting_models", 1, bool(document.get("hosting_models"))),
        ("development_status", 1, bool(document.get("development_status"))),
        ("maintenance", 1, bool(maintenance.get("type"))),
        ("landing_url", 1, bool(document.get("landing_url"))),
    ]
    score = sum(points for _code, points, done in checks if done)
    maximum = sum(points for _code, points, _done in checks)
    hints = [Hint(code, points) for code, points, done in checks if not done]
    return Completeness(score=score, maximum=maximum, hints=hints)


# A publiccode.yml key (its first parts) -> the document key it fills.
_PUBLICCODE_FIELDS = {
    "name": "name",
    "url": "url",
    "landingURL": "landing_url",
    "developmentStatus": "development_status",
    "softwareType": "software_type",
    "softwareVersion": "software_version",
    "releaseDate": "release_date",
    "logo": "logo",
    "roadmap": "roadmap",
    "platforms": "platforms",
    "categories": "categories",
    "legal.license": "license",
    "legal.mainCopyrightOwner": "main_copyright_owner",
    "legal.repoOwner": "repo_owner",
    "maintenance": "maintenance",
    "localisation": "localisation",
    "description": "descriptions",
    "dependsOn": "dependencies",
    "nl.commonground": "common_ground_layer",
    "NL.commonground": "common_ground_layer",
}


def field_of_key(key: str) -> str | None:
    """The document key that a publiccode.yml key fills, if any (``legal.license`` -> ``license``)."""
    parts = key.split(".")
    for length in (2, 1):
        found = _PUBLICCODE_FIELDS.get(".".join(parts[:length]).split("[")[0])
        if found:
            return found
    return None


def check_publiccode(data: bytes | str) -> ParseResult:
    """Read a publiccode.yml leniently, as the importer does; never raises on bad input."""
    return parse(data)


def issues_of(result: ParseResult) -> list[dict[str, Any]]:
    """The located issues of a parse, with their level, as plain dicts."""
    return [
        {**issue.as_dict(), "level": level}
        for level, issues in (("error", result.errors), ("warning", result.warnings))
        for issue in issues
    ]


# ---------------------------------------------------------------- reading


def get_submission(session: Session, submission_id: int, *, actor: User) -> Submission:
    """A submission that ``actor`` may see: their organisation's, or any for a reviewer."""
    submission = session.scalar(
        select(Submission)
        .where(Submission.id == submission_id)
        .options(
            selectinload(Submission.comments),
            selectinload(Submission.organisation),
            selectinload(Submission.component),
        )
    )
    if submission is None:
        msg = f"no submission {submission_id}"
        raise NotFound(msg)
    if not _may_see(actor, submission):
        msg = "this submission belongs to another organisation"
        raise NotAuthorized(msg)
    return submission


def _may_see(actor: User | None, submission: Submission) -> bool:
    if actor is None:
        return False
    if has(actor, Permission.REVIEW):
        return True
    return has(actor, Permission.SUBMIT) and (
        submission.author_id == actor.id or acts_for(actor, submission.organisation_id)
    )


def _require_editor(actor: User, submission: Submission) -> None:
    require(actor, Permission.SUBMIT)
    if submission.author_id != actor.id and not acts_for(actor, submission.organisation_id):
        msg = "only the author's organisation may change this submission"
        raise NotAuthorized(msg)
    if submission.status not in EDITABLE:
        msg = f"this submission is {submission.status}; it can no longer be changed"
        raise Conflict(msg)


def my_submissions(session: Session, *, actor: User) -> list[Submission]:
    """The actor's own submissions and those of their organisation, most recent first."""
    require(actor, Permission.SUBMIT)
    mine = Submission.author_id == actor.id
    return list(
        session.scalars(
            select(Submission)
            .where(
                or_(mine, Submission.organisation_id == actor.organisation_id)
                if acts_for(actor, actor.organisation_id)
                else mine
            )
            .order_by(Submission.updated_at.desc(), Submission.id.desc())
        )
    )


def review_queue(session: Session, *, actor: User) -> tuple[list[Submission], list[Submission]]:
    """Submissions waiting for review (oldest first) and the 20 latest decisions."""
    require(actor, Permission.REVIEW)
    waiting = session.scalars(
        select(Submission)
        .where(Submission.status == SubmissionStatus.SUBMITTED)
        .options(selectinload(Submission.organisation), selectinload(Submission.component))
        .order_by(Submission.submitted_at, Submission.id)
    )
    decided = session.scalars(
        select(Submission)
        .where(
            Submission.status.in_(
                [
                    SubmissionStatus.PUBLISHED,
                    SubmissionStatus.REJECTED,
                    SubmissionStatus.CHANGES_REQUESTED,
                ]
            )
        )
        .options(selectinload(Submission.organisation))
        .order_by(Submission.decided_at.desc(), Submission.id.desc())
        .limit(20)
    )
    return list(waiting), list(decided)


def search_reference_components(session: Session, q: str) -> list[GemmaElement]:
    """Reference components whose name contains ``q`` (the picker's search)."""
    return _search_elements(session, GemmaKind.REFERENCE_COMPONENT, q)


def search_standards(session: Session, q: str) -> list[GemmaElement]:
    """GEMMA standards whose name contains ``q``."""
    return _search_elements(session, GemmaKind.STANDARD, q)


def _search_elements(session: Session, kind: str, q: str) -> list[GemmaElement]:
    term = q.strip().lower()[:100]
    if not term:
        return []
    return list(
        session.scalars(
            select(GemmaElement)
            .where(
                GemmaElement.kind == kind,
                func.lower(GemmaElement.name).contains(term, autoescape=True),
            )
            .order_by(func.length(GemmaElement.name), GemmaElement.name)
            .limit(PICKER_LIMIT)
        )
    )


def search_components(session: Session, q: str) -> list[Component]:
    """Catalogue components whose name contains ``q`` (to choose dependencies)."""
    term = q.strip().lower()[:100]
    if not term:
        return []
    return list(
        session.scalars(
            select(Component)
            .where(func.lower(Component.name).contains(term, autoescape=True))
            .order_by(func.lower(Component.name))
            .limit(PICKER_LIMIT)
        )
    )


def components_by_slug(session: Session, slugs: Iterable[str]) -> dict[str, Component]:
    """Catalogue components keyed by slug."""
    wanted = list(set(slugs))
    if not wanted:
        return {}
    return {c.slug: c for c in session.scalars(select(Component).where(Component.slug.in_(wanted)))}


# ---------------------------------------------------------------- starting


def start_new(session: Session, *, actor: User) -> Submission:
    """A concept for a new component, empty but for the actor's organisation as maintainer."""
    require(actor, Permission.SUBMIT)
    submission = Submission(
        origin=SubmissionOrigin.FORM,
        document=_empty_document(actor),
        author_id=actor.id,
        author_label=actor.label,
        organisation_id=_organisation_for(actor),
        editor_ids=[actor.id],
    )
    session.add(submission)
    _flush(session)
    return submission


def start_update(session: Session, slug: str, *, actor: User) -> Submission:
    """A concept that edits a published component, starting from its current document."""
    require(actor, Permission.SUBMIT)
    component = _component(session, slug)
    require_component_editor(actor, component.maintaining_organisation_id)
    current = documents.jsonable(document_of(component))
    submission = Submission(
        origin=SubmissionOrigin.FORM,
        component_id=component.id,
        base_version=component.version,
        base_document=current,
        document=dict(current),
        author_id=actor.id,
        author_label=actor.label,
        organisation_id=_organisation_for(actor),
        editor_ids=[actor.id],
    )
    session.add(submission)
    _flush(session)
    return submission


def _organisation_for(actor: User) -> int | None:
    """The organisation a new submission belongs to: none until the membership is confirmed.

    An unconfirmed account's drafts are its own: nobody of the organisation it claims sees them.
    """
    return actor.organisation_id if acts_for(actor, actor.organisation_id) else None


def _component(session: Session, slug: str) -> Component:
    component = session.scalar(select(Component).where(Component.slug == slug))
    if component is None:
        msg = f"no component {slug!r}"
        raise NotFound(msg)
    return component


def start_from_publiccode(
    session: Session,
    data: bytes | str,
    *,
    actor: User,
    source_name: str,
    origin: SubmissionOrigin = SubmissionOrigin.PUBLICCODE,
    target_slug: str | None = None,
    submit: bool = False,
    remote_addr: str | None = None,
) -> Submission:
    """A submission from a publiccode.yml, read by the lenient importer's parser and mapping.

    The file's URL decides whether this is a new component or an update of the one with that
    repository URL. With ``target_slug`` it must be that component. A file the parser cannot
    understand raises ValidationError with its located errors.
    """
    require(actor, Permission.SUBMIT)
    result = parse(data)
    if result.record is None:
        raise ValidationError(
            {
                "publiccode": [
                    f"{issue.key or '(document)'} ({issue.line or '-'}:{issue.column or '-'}): {issue.message}"
                    for issue in result.errors
                ]
            }
        )
    source_name = (source_name or "publiccode.yml").strip()[:200]
    incoming = documents.document_from_publiccode(result.record)
    existing = find_by_url(session, str(incoming["url"]))
    if target_slug is not None:
        target = _component(session, target_slug)
        require_component_editor(actor, target.maintaining_organisation_id)
        if existing is None or existing.id != target.id:
            msg = f"the url in this file is not the repository of {target_slug!r} ({target.url})"
            raise ValidationError({"url": [msg]})
    if existing is not None:
        require_component_editor(actor, existing.maintaining_organisation_id)
    file_source = f"publiccode.yml: {source_name} · {actor.label}"
    if existing is not None:
        base = documents.jsonable(document_of(existing))
        document = merge_publiccode(base, incoming, file_source=file_source)
    else:
        base = None
        document = {
            **merge_publiccode(_empty_document(actor), incoming, file_source=file_source),
            "source": file_source,
        }
    submission = (
        _open_api_submission(session, actor, existing) if origin == SubmissionOrigin.API else None
    )
    if submission is None:
        submission = Submission(
            author_id=actor.id, author_label=actor.label, organisation_id=_organisation_for(actor)
        )
        session.add(submission)
    submission.origin = origin
    submission.component_id = existing.id if existing is not None else None
    submission.base_version = existing.version if existing is not None else None
    submission.base_document = base
    submission.document = documents.jsonable(document)
    submission.raw_text = raw_text(data)
    submission.source_name = source_name
    submission.file_issues = issues_of(result)
    submission.edited_fields = []
    _record_editor(submission, actor)
    submission.status = SubmissionStatus.CONCEPT
    _flush(session)
    if submit:
        submit_for_review(session, submission.id, actor=actor, remote_addr=remote_addr)
    return submission


def _open_api_submission(
    session: Session, actor: User, component: Component | None
) -> Submission | None:
    """A pipeline's earlier, still open submission for the same component: replaced, not doubled."""
    if component is None:
        return None
    return session.scalar(
        select(Submission)
        .where(
            Submission.component_id == component.id,
            Submission.author_id == actor.id,
            Submission.origin == SubmissionOrigin.API,
            Submission.status.in_(list(OPEN)),
        )
        .order_by(Submission.id.desc())
        .limit(1)
    )


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


def open_submission_for_file(
    session: Session, data: bytes | str, *, actor: User
) -> Submission | None:
    """The actor's own open, editable submission for the repository a file names, if any.

    Uploading a corrected file should update that submission, not start a second one.
    """
    require(actor, Permission.SUBMIT)
    result = parse(data)
    if result.record is None:
        return None
    url = documents.document_from_publiccode(result.record).get("url")
    if not url:
        return None
    wanted = normalise_repository_url(str(url))
    candidates = session.scalars(
        select(Submission)
        .where(Submission.author_id == actor.id, Submission.status.in_(list(EDITABLE)))
        .order_by(Submission.id.desc())
    )
    for candidate in candidates:
        own = candidate.document.get("url")
        if own and normalise_repository_url(str(own)) == wanted:
            return candidate
    return None


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
        msg = f"submission {submission.id} is {submission.status}; it cannot take a new file now"
        raise Conflict(msg)
    _check_lock(submission, lock_version)
    result = parse(data)
    if result.record is None:
        raise ValidationError(
            {
                "publiccode": [
                    f"{issue.key or '(document)'} ({issue.line or '-'}:{issue.column or '-'}): {issue.message}"
                    for issue in result.errors
                ]
            }
        )
    incoming = documents.document_from_publiccode(result.record)
    current = documents.jsonable(dict(submission.document))
    if normalise_repository_url(str(incoming.get("url") or "")) != normalise_repository_url(
        str(current.get("url") or "")
    ):
        msg = "this file names another repository than this submission"
        raise ValidationError({"url": [msg]})
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


# ---------------------------------------------------------------- editing in steps


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
        msg = f"no step {step!r}"
        raise NotFound(msg)
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


def _record_editor(submission: Submission, actor: User) -> None:
    """Remember who changed the content, so none of them approves it (four eyes)."""
    editors = [int(i) for i in submission.editor_ids or []]
    if actor.id not in editors:
        submission.editor_ids = [*editors, actor.id]


def _check_lock(submission: Submission, lock_version: int | None) -> None:
    if lock_version is not None and lock_version != submission.version:
        msg = (
            f"submission {submission.id} was saved by someone else in the meantime "
            f"(version {submission.version}, you started from {lock_version})"
        )
        raise Conflict(msg)


def _text(value: Any, limit: int = 2000) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text[:limit] or None


def _apply_step(
    session: Session, submission: Submission, step: str, data: Mapping[str, Any]
) -> dict[str, Any]:
    document = documents.jsonable(dict(submission.document))
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
            errors["release_date"] = ["give the date as YYYY-MM-DD"]
        if submission.component_id is not None and submission.base_document is not None:
            old_url = submission.base_document.get("url")
            if document.get("url") and normalise_repository_url(
                document["url"]
            ) != normalise_repository_url(str(old_url)):
                errors["url"] = [
                    "the repository URL of a published component cannot be changed here"
                ]
    elif step == "reference_components" and "reference_components" in data:
        wanted = [str(g) for g in data.get("reference_components") or []]
        known = {
            g: e
            for g, e in elements_by_gemma_id(session, wanted).items()
            if e.kind == GemmaKind.REFERENCE_COMPONENT
        }
        unknown = [g for g in wanted if g not in known]
        if unknown:
            errors["reference_components"] = [f"unknown reference component {g!r}" for g in unknown]
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
            errors["hosting_models"] = ["unknown hosting model"]
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
                errors["license"] = ["not a valid SPDX licence expression"]
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
        errors["standards"] = [f"unknown standard {w!r}" for w in unknown]
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
        errors["requires"] = [f"no other component {s!r} in the catalogue" for s in unknown]
    existing = {r.get("component"): r for r in document.get("requires") or []}
    return [
        existing.get(s) or {"component": s, "optional": False, "source": label}
        for s in dict.fromkeys(wanted)
        if s in found and s != own_slug
    ]


# ---------------------------------------------------------------- preview (dry run)


def current_document(session: Session, submission: Submission) -> dict[str, Any] | None:
    """The published document the submission would change, as it is now; None for a new one."""
    if submission.component_id is None:
        return None
    component = session.get(Component, submission.component_id)
    return documents.jsonable(document_of(component)) if component is not None else None


def preview(session: Session, submission_id: int, *, actor: User) -> Preview:
    """A dry run: the diff against the published version, every issue, the completeness score."""
    submission = get_submission(session, submission_id, actor=actor)
    current = current_document(session, submission)
    proposed = submission.document
    file_issues = [dict(i) for i in submission.file_issues or []]
    edited = set(submission.edited_fields or [])
    resolved = [i for i in file_issues if field_of_key(str(i.get("key") or "")) in edited]
    remaining = [i for i in file_issues if i not in resolved]
    return Preview(
        submission=submission,
        created=submission.component_id is None,
        changes=documents.diff(current, proposed),
        issues=remaining + check_document(session, submission),
        resolved=resolved,
        completeness=completeness(proposed),
        stale=_is_stale(session, submission),
    )


def check_document(session: Session, submission: Submission) -> list[dict[str, Any]]:
    """Problems publishing would meet, found without writing anything."""
    document = submission.document
    issues: list[dict[str, Any]] = []
    name = str(document.get("name") or "").strip()
    url = str(document.get("url") or "").strip()
    if not name:
        issues.append(
            _issue(
                "error",
                "name",
                "The component needs a name.",
                "Het component heeft een naam nodig.",
                "name-missing",
            )
        )
    if not url:
        issues.append(
            _issue(
                "error",
                "url",
                "The component needs the URL of its source code.",
                "Het component heeft het adres van de broncode nodig.",
                "url-missing",
            )
        )
    elif not url.startswith(("https://", "http://")):
        issues.append(
            _issue(
                "error",
                "url",
                "The URL must start with https://.",
                "Het adres moet beginnen met https://.",
                "url-scheme",
            )
        )
    if url and submission.component_id is None:
        existing = find_by_url(session, url)
        if existing is not None:
            issues.append(
                _issue(
                    "error",
                    "url",
                    f"This repository is already in the catalogue as '{existing.name}'. "
                    "Propose a change on its page instead.",
                    f"Deze broncode staat al in de catalogus als '{existing.name}'. "
                    "Stel op die pagina een wijziging voor.",
                    "url-taken",
                )
            )
        elif name and session.scalar(select(Component.id).where(Component.slug == slugify(name))):
            issues.append(
                _issue(
                    "error",
                    "name",
                    "Another component already has this name. Choose a more specific name.",
                    "Een ander component heeft al deze naam. Kies een preciezere naam.",
                    "name-taken",
                )
            )
    licence = str(document.get("license") or "")
    if licence and not is_spdx_expression(licence):
        issues.append(
            _issue(
                "warning",
                "license",
                f"'{licence}' is not a valid SPDX licence expression.",
                f"'{licence}' is geen geldige SPDX-licentie (bijvoorbeeld EUPL-1.2).",
                "license-spdx",
            )
        )
    organisation = document.get("maintaining_organisation")
    if organisation and not _organisation_exists(session, str(organisation)):
        issues.append(
            _issue(
                "error",
                "maintaining_organisation",
                f"Unknown organisation '{organisation}'.",
                f"Onbekende organisatie '{organisation}'.",
                "organisation-unknown",
            )
        )
    gemma_ids = [str(link.get("gemma_id")) for link in document.get("reference_components") or []]
    gemma_ids += [str(s["gemma_id"]) for s in document.get("standards") or [] if s.get("gemma_id")]
    known = elements_by_gemma_id(session, gemma_ids)
    for gemma_id in gemma_ids:
        if gemma_id not in known:
            issues.append(
                _issue(
                    "error",
                    "reference_components",
                    f"Unknown GEMMA id '{gemma_id}'.",
                    f"Onbekend GEMMA-kenmerk '{gemma_id}'.",
                    "gemma-unknown",
                )
            )
    slugs = [str(r.get("component")) for r in document.get("requires") or []]
    found = components_by_slug(session, slugs)
    for slug in slugs:
        if slug not in found:
            issues.append(
                _issue(
                    "error",
                    "requires",
                    f"No component '{slug}' in the catalogue.",
                    f"Geen component '{slug}' in de catalogus.",
                    "requires-unknown",
                )
            )
    status = document.get("development_status")
    if status and status not in {s.value for s in DevelopmentStatus}:
        issues.append(
            _issue(
                "error",
                "development_status",
                f"Unknown development status '{status}'.",
                f"Onbekende ontwikkelstatus '{status}'.",
                "status-unknown",
            )
        )
    if name and url:
        for path, messages in documents.validate(document, "").items():
            key = path.lstrip(".")
            for message in messages:
                issues.append(
                    _issue(
                        "error",
                        key,
                        f"{key}: {message}",
                        f"Controleer dit veld ({key}): {message}",
                        "document",
                    )
                )
    return issues


def _organisation_exists(session: Session, reference: str) -> bool:
    column = Organisation.cbs_code if reference.upper().startswith("GM") else Organisation.slug
    value = reference.upper() if column is Organisation.cbs_code else reference
    return session.scalar(select(Organisation.id).where(column == value)) is not None


def _is_stale(session: Session, submission: Submission) -> bool:
    """True when the component changed (or appeared) since the submission started."""
    if submission.component_id is None:
        if submission.base_version is not None:
            return True  # the component it edits was removed or merged away
        url = str(submission.document.get("url") or "")
        return bool(url) and find_by_url(session, url) is not None
    component = session.get(Component, submission.component_id)
    return component is None or component.version != submission.base_version


def conflict_view(session: Session, submission_id: int, *, actor: User) -> ConflictView:
    """The published version and the proposed one side by side, with who changed what."""
    submission = get_submission(session, submission_id, actor=actor)
    current = current_document(session, submission)
    if current is None:
        existing = find_by_url(session, str(submission.document.get("url") or ""))
        current = documents.jsonable(document_of(existing)) if existing is not None else {}
    base = submission.base_document or {}
    theirs = documents.diff(base, current) if base else documents.diff(None, current)
    mine = documents.diff(base or None, submission.document)
    both = sorted({f for f, _a, _b in theirs} & {f for f, _a, _b in mine})
    return ConflictView(
        submission=submission,
        current=current,
        proposed=submission.document,
        theirs=theirs,
        mine=mine,
        both=both,
    )


def rebase(session: Session, submission_id: int, *, actor: User) -> Submission:
    """Start the submission again from the component as it is now, keeping its own changes.

    Fields the submission changed keep the submission's value; every other field takes the
    published value. Fields both sides changed are listed in a comment so a person checks them.
    """
    require(actor, Permission.SUBMIT)
    submission = get_submission(session, submission_id, actor=actor)
    if not has(actor, Permission.REVIEW):
        _require_editor(actor, submission)
    elif submission.status not in OPEN:
        msg = f"this submission is {submission.status}"
        raise Conflict(msg)
    if submission.component_id is None:
        msg = "this is a new component; there is no published version to start from"
        raise ValidationError({"component": [msg]})
    component = session.get(Component, submission.component_id)
    if component is None:
        msg = "the component no longer exists"
        raise NotFound(msg)
    view = conflict_view(session, submission_id, actor=actor)
    current = documents.jsonable(document_of(component))
    merged = dict(current)
    sources = dict(current.get("field_sources") or {})
    own_sources = submission.document.get("field_sources") or {}
    for key, _before, _after in view.mine:
        merged[key] = submission.document.get(key)
        if key in own_sources:
            sources[key] = own_sources[key]
    merged["field_sources"] = sources
    # No _record_editor here: a rebase adds only values that were published (approved) already
    # and keeps the author's own, so the one who rebases wrote nothing a reviewer must check.
    submission.document = merged
    submission.base_document = current
    submission.base_version = component.version
    _note(
        session,
        submission,
        actor,
        "rebased",
        "both changed: " + ", ".join(view.both) if view.both else "",
    )
    _flush(session)
    return submission


# ---------------------------------------------------------------- the life of a submission


def _note(
    session: Session, submission: Submission, actor: User, kind: str, body: str
) -> ReviewComment:
    comment = ReviewComment(
        submission=submission, author_id=actor.id, author_label=actor.label, kind=kind, body=body
    )
    session.add(comment)
    return comment


def submit_for_review(
    session: Session,
    submission_id: int,
    *,
    actor: User,
    lock_version: int | None = None,
    remote_addr: str | None = None,
) -> Submission:
    """Hand a concept to the reviewers. Blocking errors raise ValidationError, located."""
    require(actor, Permission.SUBMIT)
    if is_unconfirmed(actor):
        raise NotAuthorized(NOT_CONFIRMED)
    submission = get_submission(session, submission_id, actor=actor)
    _require_editor(actor, submission)
    _check_lock(submission, lock_version)
    errors = [i for i in check_document(session, submission) if i["level"] == "error"]
    if errors:
        located: dict[str, list[str]] = {}
        for issue in errors:
            located.setdefault(issue["key"], []).append(issue["message"])
        raise ValidationError(located)
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at = _now()
    submission.decision_reason = None
    _note(session, submission, actor, "submitted", "")
    audit.record(
        session,
        AuditKind.SUBMITTED,
        actor=actor,
        subject=f"submission {submission.id}",
        remote_addr=remote_addr,
    )
    _flush(session)
    return submission


def _reviewable(
    session: Session, submission_id: int, actor: User, lock_version: int | None
) -> Submission:
    require(actor, Permission.REVIEW)
    submission = get_submission(session, submission_id, actor=actor)
    if submission.author_id == actor.id:
        msg = "a reviewer cannot decide on their own submission"
        raise NotAuthorized(msg)
    if submission.status != SubmissionStatus.SUBMITTED:
        msg = f"this submission is {submission.status}, not waiting for review"
        raise Conflict(msg)
    _check_lock(submission, lock_version)
    return submission


def approve(
    session: Session,
    submission_id: int,
    *,
    actor: User,
    note: str = "",
    lock_version: int | None = None,
    remote_addr: str | None = None,
) -> Revision:
    """Publish the submission: apply its document and record a revision.

    Raises Conflict, changing nothing, when the component changed since the submission started
    (or, for a new component, when its repository appeared in the catalogue meanwhile).
    """
    submission = _reviewable(session, submission_id, actor, lock_version)
    if actor.id in {int(i) for i in submission.editor_ids or []}:
        msg = "you changed this submission, so another reviewer approves it (four eyes)"
        raise NotAuthorized(msg)
    if _is_stale(session, submission):
        msg = "the component changed since this submission started; compare both versions first"
        raise Conflict(msg)
    errors = [i for i in check_document(session, submission) if i["level"] == "error"]
    if errors:
        raise ValidationError({i["key"]: [i["message"]] for i in errors})
    current = current_document(session, submission)
    document = dict(submission.document)
    document.setdefault("source", source_label(submission))
    try:
        applied = apply_document(
            session, document, source_ref=source_label(submission), source_kind=SourceKind.USER
        )
        # An UPDATE of the row bumps its version even when only child rows changed, so other
        # submissions that started from the old version see the change.
        applied.component.updated_at = _now()
        _flush(session)
    except StaleDataError as error:
        msg = "someone else published a change to this component at the same moment; try again"
        raise Conflict(msg) from error
    component = applied.component
    # A derived value the maintainer kept is now confirmed, one they changed corrected; fields
    # the submission left unstated take their derived value again.
    facts.settle_after_review(session, component, current or {})
    facts.apply_derived_facts(session, component)
    after = documents.jsonable(document_of(component))
    revision = Revision(
        component_id=component.id,
        number=_next_revision_number(session, component.id),
        submission_id=submission.id,
        origin=submission.origin,
        author_id=submission.author_id,
        author_label=submission.author_label,
        approved_by_id=actor.id,
        approved_by_label=actor.label,
        changes=[list(change) for change in documents.diff(current, after)],
        field_sources=dict(after.get("field_sources") or {}),
        document=after,
        note=note.strip()[:MAX_COMMENT] or None,
    )
    session.add(revision)
    submission.status = SubmissionStatus.PUBLISHED
    submission.component_id = component.id
    submission.decided_at = _now()
    submission.decided_by_id = actor.id
    submission.decided_by_label = actor.label
    submission.decision_reason = None
    _note(session, submission, actor, "published", note.strip()[:MAX_COMMENT])
    audit.record(
        session,
        AuditKind.APPROVED,
        actor=actor,
        subject=f"submission {submission.id}",
        detail={"component": component.slug, "revision": revision.number},
        remote_addr=remote_addr,
    )
    _flush(session)
    return revision


def _next_revision_number(session: Session, component_id: int) -> int:
    latest = session.scalar(
        select(func.max(Revision.number)).where(Revision.component_id == component_id)
    )
    return int(latest or 0) + 1


def reject(
    session: Session,
    submission_id: int,
    *,
    actor: User,
    reason: str,
    lock_version: int | None = None,
    remote_addr: str | None = None,
) -> Submission:
    """Refuse the submission, with a reason that is shown to everyone."""
    return _decide(
        session,
        submission_id,
        actor,
        reason,
        SubmissionStatus.REJECTED,
        AuditKind.REJECTED,
        lock_version,
        remote_addr,
    )


def request_changes(
    session: Session,
    submission_id: int,
    *,
    actor: User,
    reason: str,
    lock_version: int | None = None,
    remote_addr: str | None = None,
) -> Submission:
    """Send the submission back to its author with what to change."""
    return _decide(
        session,
        submission_id,
        actor,
        reason,
        SubmissionStatus.CHANGES_REQUESTED,
        AuditKind.CHANGES_REQUESTED,
        lock_version,
        remote_addr,
    )


def _decide(
    session: Session,
    submission_id: int,
    actor: User,
    reason: str,
    status: SubmissionStatus,
    kind: AuditKind,
    lock_version: int | None,
    remote_addr: str | None,
) -> Submission:
    submission = _reviewable(session, submission_id, actor, lock_version)
    reason = reason.strip()[:MAX_COMMENT]
    if not reason:
        raise ValidationError({"reason": ["give a reason, so the author knows what to do"]})
    submission.status = status
    submission.decided_at = _now()
    submission.decided_by_id = actor.id
    submission.decided_by_label = actor.label
    submission.decision_reason = reason
    _note(session, submission, actor, str(status), reason)
    audit.record(
        session, kind, actor=actor, subject=f"submission {submission.id}", remote_addr=remote_addr
    )
    _flush(session)
    return submission


def comment(session: Session, submission_id: int, *, actor: User, body: str) -> ReviewComment:
    """Add a comment to a submission one may see."""
    require(actor, Permission.COMMENT)
    submission = get_submission(session, submission_id, actor=actor)
    text = body.strip()[:MAX_COMMENT]
    if not text:
        raise ValidationError({"body": ["write a comment"]})
    note = _note(session, submission, actor, "comment", text)
    _flush(session)
    return note


# ---------------------------------------------------------------- public views


def latest_status(session: Session, component: Component) -> PublicStatus | None:
    """The last submission (never a private concept) or import of a component, for everyone."""
    submission = session.scalar(
        select(Submission)
        .where(
            Submission.component_id == component.id, Submission.status != SubmissionStatus.CONCEPT
        )
        .order_by(Submission.updated_at.desc(), Submission.id.desc())
        .limit(1)
    )
    record = session.scalar(
        select(ImportRecord)
        .where(ImportRecord.component_id == component.id)
        .order_by(ImportRecord.received_at.desc(), ImportRecord.id.desc())
        .limit(1)
    )
    candidates: list[PublicStatus] = []
    if submission is not None:
        candidates.append(
            PublicStatus(
                kind="submission",
                status=submission.status,
                when=submission.decided_at or submission.submitted_at or submission.updated_at,
                reason=submission.decision_reason
                if submission.status
                in (SubmissionStatus.REJECTED, SubmissionStatus.CHANGES_REQUESTED)
                else None,
                source=source_label(submission),
                submission_id=submission.id,
            )
        )
    if record is not None:
        reason = None
        if not record.accepted:
            reason = "; ".join(
                str(e.get("message_nl") or e.get("message")) for e in record.errors[:3]
            )
        candidates.append(
            PublicStatus(
                kind="import",
                status="accepted" if record.accepted else "rejected",
                when=record.received_at,
                reason=reason,
                source=record.source,
            )
        )
    if not candidates:
        return None
    return max(
        candidates,
        key=lambda s: _aware(s.when) if s.when else dt.datetime.min.replace(tzinfo=dt.UTC),
    )


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def history(session: Session, slug: str) -> tuple[Component, list[Revision]]:
    """A component and its published revisions, newest first (public)."""
    component = _component(session, slug)
    revisions = session.scalars(
        select(Revision)
        .where(Revision.component_id == component.id)
        .order_by(Revision.number.desc())
    )
    return component, list(revisions)


def open_submission_for(session: Session, component: Component) -> Submission | None:
    """A change to the component that waits for review, if any (public: only that it exists)."""
    return session.scalar(
        select(Submission)
        .where(
            Submission.component_id == component.id, Submission.status == SubmissionStatus.SUBMITTED
        )
        .order_by(Submission.id.desc())
        .limit(1)
    )


def imports_of(session: Session, component: Component) -> Sequence[ImportRecord]:
    """The component's publiccode.yml imports, newest first."""
    return list(
        session.scalars(
            select(ImportRecord)
            .where(ImportRecord.component_id == component.id)
            .order_by(ImportRecord.received_at.desc(), ImportRecord.id.desc())
        )
    )
