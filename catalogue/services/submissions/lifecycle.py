"""The life of a submission, each step a change of state: start it (empty, from a published
component, or from a publiccode.yml), submit it for review, approve (publish), reject or send
back with requested changes, comment on it, and rebase it on the component as it is now.

Publishing is ``apply_document`` plus a :class:`Revision` that says who, when, what changed and
where each value came from.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from catalogue import documents
from catalogue.errors import (
    Conflict,
    ErrorCode,
    FieldError,
    NotAuthorized,
    NotFound,
    ValidationError,
)
from catalogue.models import (
    Component,
    Organisation,
    ReviewComment,
    Revision,
    SourceKind,
    Submission,
    SubmissionOrigin,
    SubmissionStatus,
    User,
)
from catalogue.publiccode import parse
from catalogue.services import audit, facts
from catalogue.services.audit import AuditKind
from catalogue.services.components import apply_document, document_of, find_by_url
from catalogue.services.importing import merge_publiccode, raw_text
from catalogue.services.permissions import (
    NOT_CONFIRMED,
    Permission,
    has,
    is_unconfirmed,
    require,
    require_component_editor,
)
from catalogue.services.submissions.access import (
    OPEN,
    _check_lock,
    _flush,
    _organisation_for,
    _record_editor,
    _require_editor,
)
from catalogue.services.submissions.checks import (
    _file_document,
    _is_stale,
    blocking_issues,
    conflict_view,
    issue_error,
    issues_of,
)
from catalogue.services.submissions.queries import (
    _component,
    current_document,
    get_submission,
    source_label,
)

MAX_COMMENT = 5000


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


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


def _organisation_ref(organisation: Organisation | None) -> str | None:
    if organisation is None:
        return None
    return organisation.cbs_code or organisation.slug


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
    incoming = _file_document(result)
    source_name = (source_name or "publiccode.yml").strip()[:200]
    existing = find_by_url(session, str(incoming["url"]))
    if target_slug is not None:
        target = _component(session, target_slug)
        require_component_editor(actor, target.maintaining_organisation_id)
        if existing is None or existing.id != target.id:
            refused = FieldError(ErrorCode.FILE_NOT_OF_COMPONENT, slug=target_slug, url=target.url)
            raise ValidationError({"url": [refused]})
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
    _refuse_blocking(session, submission)
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


def _refuse_blocking(session: Session, submission: Submission) -> None:
    """Raise ValidationError, located by key, when errors stop the submission (its file's
    stored parser errors that no edit resolved, and what publishing would meet)."""
    located: dict[str, list[str]] = {}
    for issue in blocking_issues(session, submission):
        located.setdefault(issue.get("key") or "publiccode", []).append(issue_error(issue))
    if located:
        raise ValidationError(located)


def _reviewable(
    session: Session, submission_id: int, actor: User, lock_version: int | None
) -> Submission:
    require(actor, Permission.REVIEW)
    submission = get_submission(session, submission_id, actor=actor)
    if submission.author_id == actor.id:
        raise NotAuthorized(FieldError(ErrorCode.OWN_SUBMISSION))
    if submission.status != SubmissionStatus.SUBMITTED:
        raise Conflict(FieldError(ErrorCode.NOT_WAITING_FOR_REVIEW, status=str(submission.status)))
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
        raise NotAuthorized(FieldError(ErrorCode.FOUR_EYES))
    if _is_stale(session, submission):
        raise Conflict(FieldError(ErrorCode.COMPONENT_CHANGED))
    _refuse_blocking(session, submission)
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
        raise Conflict(FieldError(ErrorCode.PUBLISHED_AT_SAME_MOMENT)) from error
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
        raise ValidationError({"reason": [FieldError(ErrorCode.REJECTION_REASON_REQUIRED)]})
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
        raise ValidationError({"body": [FieldError(ErrorCode.COMMENT_REQUIRED)]})
    note = _note(session, submission, actor, "comment", text)
    _flush(session)
    return note


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
        raise Conflict(FieldError(ErrorCode.SUBMISSION_CLOSED, status=str(submission.status)))
    if submission.component_id is None:
        raise ValidationError({"component": [FieldError(ErrorCode.NO_PUBLISHED_VERSION)]})
    component = session.get(Component, submission.component_id)
    if component is None:
        raise NotFound(FieldError(ErrorCode.COMPONENT_GONE))
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
    # The note names the fields both sides changed (data, not words: the page words it).
    _note(session, submission, actor, "rebased", ", ".join(view.both))
    _flush(session)
    return submission


def _note(
    session: Session, submission: Submission, actor: User, kind: str, body: str
) -> ReviewComment:
    comment = ReviewComment(
        submission=submission, author_id=actor.id, author_label=actor.label, kind=kind, body=body
    )
    session.add(comment)
    return comment
