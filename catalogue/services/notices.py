"""What a contributor hears after "submit": news on their submissions, the expected review
time, and who is told by e-mail.

Services take a Session, flush when they must and never commit. Sending the e-mail is the web
layer's job, after the commit (catalogue/web/notify.py); this module only says to whom.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from catalogue.models import ReviewComment, Role, Submission, SubmissionStatus, User

# A median of fewer decisions says more about chance than about the reviewers.
MIN_DECISIONS = 3
# The most recent decisions describe today's queue; older ones describe another team.
RECENT_DECISIONS = 50
DECIDED = (
    SubmissionStatus.PUBLISHED,
    SubmissionStatus.REJECTED,
    SubmissionStatus.CHANGES_REQUESTED,
)


@dataclass(frozen=True)
class ReviewTime:
    """The median time from submitting to a decision, over ``decisions`` recent decisions."""

    median_days: float
    decisions: int

    @property
    def days(self) -> int:
        """The median rounded up to whole days (at least one): what a reader plans with."""
        return max(1, int(-(-self.median_days // 1)))


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def expected_review_time(session: Session) -> ReviewTime | None:
    """The median of the last decisions' waiting times; None while there are too few."""
    rows = session.execute(
        select(Submission.submitted_at, Submission.decided_at)
        .where(
            Submission.status.in_([str(s) for s in DECIDED]),
            Submission.submitted_at.is_not(None),
            Submission.decided_at.is_not(None),
        )
        .order_by(Submission.decided_at.desc())
        .limit(RECENT_DECISIONS)
    ).all()
    # The query leaves out rows without both times; the condition narrows the types to match.
    waits = [
        (_aware(decided) - _aware(submitted)).total_seconds() / 86400
        for submitted, decided in rows
        if submitted is not None and decided is not None
    ]
    waits = [wait for wait in waits if wait >= 0]
    if len(waits) < MIN_DECISIONS:
        return None
    return ReviewTime(median_days=statistics.median(waits), decisions=len(waits))


def _news_query(user: User) -> Select[int]:
    query = (
        select(ReviewComment.submission_id)
        .join(Submission, Submission.id == ReviewComment.submission_id)
        .where(
            Submission.author_id == user.id,
            or_(ReviewComment.author_id.is_(None), ReviewComment.author_id != user.id),
        )
    )
    if user.news_seen_at is not None:
        query = query.where(ReviewComment.created_at > user.news_seen_at)
    return query


def news_count(session: Session, user: User) -> int:
    """How many of the user's submissions have a comment or decision by someone else, unseen."""
    subquery = _news_query(user).distinct().subquery()
    return int(session.scalar(select(func.count()).select_from(subquery)) or 0)


def submissions_with_news(session: Session, user: User) -> set[int]:
    """The ids of the user's submissions with news they have not seen."""
    return {int(i) for i in session.scalars(_news_query(user).distinct())}


def mark_news_seen(session: Session, user_id: int) -> dt.datetime:
    """The user has seen the news on their submissions now; returns that moment."""
    moment = dt.datetime.now(dt.UTC)
    user = session.get(User, user_id)
    if user is not None:
        user.news_seen_at = moment
        session.flush()
    return moment


def author_address(session: Session, submission: Submission) -> str | None:
    """The e-mail address of a submission's author, when the account is still active."""
    if submission.author_id is None:
        return None
    author = session.get(User, submission.author_id)
    return author.email if author is not None and author.active else None


def reviewer_addresses(session: Session, *, except_user_id: int | None = None) -> list[str]:
    """The addresses of the active reviewers, who hear of a new submission."""
    query = select(User.email).where(User.active.is_(True), User.role == Role.REVIEWER.value)
    if except_user_id is not None:
        query = query.where(User.id != except_user_id)
    return sorted(session.scalars(query))
