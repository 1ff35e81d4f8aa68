"""Read-only lookups and listings: one submission, the lists of them, the pickers' searches,
and what everyone may see of a component's submissions, revisions and imports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from catalogue import documents
from catalogue.errors import ErrorCode, FieldError, NotAuthorized, NotFound
from catalogue.models import (
    Component,
    GemmaElement,
    GemmaKind,
    ImportRecord,
    Revision,
    Submission,
    SubmissionStatus,
    User,
)
from catalogue.publiccode import parse
from catalogue.services.components import document_of
from catalogue.services.permissions import Permission, acts_for, require
from catalogue.services.submissions.access import EDITABLE, _may_see
from catalogue.text import normalise_repository_url

PICKER_LIMIT = 30


@dataclass(frozen=True)
class PublicStatus:
    """The last submission or import of a component, as everyone may see it.

    ``reason``: why a reviewer rejected a submission or asked for changes, as they wrote it.
    ``issues``: why an import was rejected, its first stored parser errors
    (``Issue.as_dict()``), which the page words in the reader's language.
    """

    kind: str  # "submission" or "import"
    status: str
    when: dt.datetime | None
    reason: str | None
    source: str | None
    submission_id: int | None = None
    issues: tuple[dict[str, Any], ...] = ()


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
        raise NotFound(FieldError(ErrorCode.SUBMISSION_UNKNOWN, submission=submission_id))
    if not _may_see(actor, submission):
        raise NotAuthorized(FieldError(ErrorCode.SUBMISSION_OF_OTHER_ORGANISATION))
    return submission


def _component(session: Session, slug: str) -> Component:
    """The component with this slug, its row alone (``components.get_component`` loads its page)."""
    component = session.scalar(select(Component).where(Component.slug == slug))
    if component is None:
        raise NotFound(FieldError(ErrorCode.COMPONENT_UNKNOWN, slug=slug))
    return component


def current_document(session: Session, submission: Submission) -> dict[str, Any] | None:
    """The published document the submission would change, as it is now; None for a new one."""
    if submission.component_id is None:
        return None
    component = session.get(Component, submission.component_id)
    return documents.jsonable(document_of(component)) if component is not None else None


def source_label(submission: Submission) -> str:
    """How facts from this submission name their source: number, author and organisation."""
    organisation = submission.organisation.name if submission.organisation else None
    parts = [f"bijdrage #{submission.id}", submission.author_label, organisation]
    return " · ".join(p for p in parts if p)


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


def find_components_by_name(session: Session, q: str) -> list[Component]:
    """Catalogue components whose name contains ``q``: the picker's lookup for the components
    this one requires (a name match, not the catalogue's ranked search)."""
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


def _last_submission(component: Component) -> Any:
    """The component's last submission that is not a (private) concept."""
    return (
        select(Submission.id)
        .where(
            Submission.component_id == component.id, Submission.status != SubmissionStatus.CONCEPT
        )
        .order_by(Submission.updated_at.desc(), Submission.id.desc())
        .limit(1)
    )


def _waiting_submission(component: Component) -> Any:
    """The component's newest submission that waits for review."""
    return (
        select(Submission.id)
        .where(
            Submission.component_id == component.id, Submission.status == SubmissionStatus.SUBMITTED
        )
        .order_by(Submission.id.desc())
        .limit(1)
    )


_UNREAD: Any = object()


def latest_status(
    session: Session,
    component: Component,
    *,
    submission: Submission | None = _UNREAD,
    record: ImportRecord | None = _UNREAD,
) -> PublicStatus | None:
    """The last submission (never a private concept) or import of a component, for everyone.

    ``submission`` and ``record``: that last submission, and the import received last, when
    the caller has read them already (the component page's
    ``component_read.read_component(..., contributions=True)``).
    """
    if submission is _UNREAD:
        submission = session.scalar(
            select(Submission).where(Submission.id.in_(_last_submission(component)))
        )
    if record is _UNREAD:
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
        candidates.append(
            PublicStatus(
                kind="import",
                status="accepted" if record.accepted else "rejected",
                when=record.received_at,
                reason=None,
                source=record.source,
                issues=()
                if record.accepted
                else tuple(dict(e) for e in (record.errors or [])[:3] if isinstance(e, dict)),
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
        select(Submission).where(Submission.id.in_(_waiting_submission(component)))
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
