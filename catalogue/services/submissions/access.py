"""Who may see and change a submission, in which state, and against which version.

The guards the other modules of the package share. The underscore names are the package's
own (tests/test_architecture.py keeps them inside it); only the two sets of states are public.
"""

from __future__ import annotations

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from catalogue.errors import Conflict, ErrorCode, FieldError, NotAuthorized
from catalogue.models import Submission, SubmissionStatus, User
from catalogue.services.permissions import Permission, acts_for, has, require

EDITABLE = frozenset({SubmissionStatus.CONCEPT, SubmissionStatus.CHANGES_REQUESTED})
OPEN = EDITABLE | {SubmissionStatus.SUBMITTED}


def _may_see(actor: User | None, submission: Submission) -> bool:
    """True for a reviewer, the author, and those who act for the submission's organisation."""
    if actor is None:
        return False
    if has(actor, Permission.REVIEW):
        return True
    return has(actor, Permission.SUBMIT) and (
        submission.author_id == actor.id or acts_for(actor, submission.organisation_id)
    )


def _require_editor(actor: User, submission: Submission) -> None:
    """Raise unless ``actor`` may change the submission's content now."""
    require(actor, Permission.SUBMIT)
    if submission.author_id != actor.id and not acts_for(actor, submission.organisation_id):
        raise NotAuthorized(FieldError(ErrorCode.NOT_AUTHORS_ORGANISATION))
    if submission.status not in EDITABLE:
        raise Conflict(FieldError(ErrorCode.SUBMISSION_NOT_EDITABLE, status=str(submission.status)))


def _organisation_for(actor: User) -> int | None:
    """The organisation a new submission belongs to: none until the membership is confirmed.

    An unconfirmed account's drafts are its own: nobody of the organisation it claims sees them.
    """
    return actor.organisation_id if acts_for(actor, actor.organisation_id) else None


def _record_editor(submission: Submission, actor: User) -> None:
    """Remember who changed the content, so none of them approves it (four eyes)."""
    editors = [int(i) for i in submission.editor_ids or []]
    if actor.id not in editors:
        submission.editor_ids = [*editors, actor.id]


def _check_lock(submission: Submission, lock_version: int | None) -> None:
    """Raise Conflict when the submission was saved since the caller read ``lock_version``."""
    if lock_version is not None and lock_version != submission.version:
        raise Conflict(
            FieldError(
                ErrorCode.SUBMISSION_SAVED_MEANWHILE,
                submission=submission.id,
                version=submission.version,
                started=lock_version,
            )
        )


def _flush(session: Session) -> None:
    """Flush; a submission saved by someone else in the meantime is a Conflict, not a crash."""
    try:
        session.flush()
    except StaleDataError as error:
        raise Conflict(FieldError(ErrorCode.SAVED_AT_SAME_MOMENT)) from error
