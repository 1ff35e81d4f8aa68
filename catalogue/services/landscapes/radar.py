"""The contract radar: contract ends and notice deadlines, and their private iCalendar feed."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from catalogue import ameff
from catalogue.errors import NotFound
from catalogue.models import Component, LandscapeFeed, Organisation, Realisation, User
from catalogue.services.landscapes.access import NO_LANDSCAPE, require_member
from catalogue.services.landscapes.reading import landscape_of


@dataclass(frozen=True)
class Deadline:
    """One contract on the radar."""

    application: ameff.Application
    contract_end: dt.date
    notice_deadline: dt.date | None  # None when the notice period is unknown
    soon: bool  # the notice deadline (or the end) falls in the next 18 months
    alternatives: tuple[Component, ...]


def _minus_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for candidate in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    msg = "unreachable"
    raise AssertionError(msg)


def radar(
    session: Session,
    organisation: Organisation,
    *,
    actor: User | None,
    today: dt.date | None = None,
    horizon_months: int = 18,
) -> list[Deadline]:
    """Contracts with an end date, by notice deadline (or end), with catalogue alternatives
    that fill the same reference components."""
    view = landscape_of(session, organisation, actor=actor)
    today = today or dt.datetime.now(dt.UTC).date()
    horizon = _minus_months(today, -horizon_months)
    components = list(
        session.scalars(
            select(Component).options(
                selectinload(Component.realisations).selectinload(Realisation.reference_component)
            )
        )
    )
    by_ref: dict[str, list[Component]] = {}
    for component in components:
        for realisation in component.realisations:
            by_ref.setdefault(realisation.reference_component.slug, []).append(component)
    found = []
    for app in view.applications:
        if app.contract_end is None:
            continue
        deadline = (
            _minus_months(app.contract_end, app.notice_months)
            if app.notice_months is not None
            else None
        )
        key_date = deadline or app.contract_end
        alternatives: dict[str, Component] = {}
        for slug in app.reference_components:
            for component in by_ref.get(slug, []):
                if component.slug != app.component:
                    alternatives.setdefault(component.slug, component)
        found.append(
            Deadline(
                application=app,
                contract_end=app.contract_end,
                notice_deadline=deadline,
                soon=today <= key_date <= horizon or key_date < today <= app.contract_end,
                alternatives=tuple(sorted(alternatives.values(), key=lambda c: c.name.casefold())),
            )
        )
    return sorted(found, key=lambda d: (d.notice_deadline or d.contract_end, d.application.name))


# ---------------------------------------------------------------- iCalendar feed


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_feed(session: Session, organisation: Organisation, *, actor: User | None) -> str:
    """A new secret feed address for this member (their older ones are revoked); the secret is
    shown once and only its hash is kept."""
    require_member(actor, organisation)
    assert actor is not None  # noqa: S101 - require_member refused None
    revoke_feeds(session, organisation, actor=actor)
    secret = secrets.token_urlsafe(32)
    session.add(
        LandscapeFeed(user_id=actor.id, organisation_id=organisation.id, token_hash=_hash(secret))
    )
    session.flush()
    return secret


def revoke_feeds(session: Session, organisation: Organisation, *, actor: User | None) -> int:
    """Revoke every feed address of this member for this organisation."""
    require_member(actor, organisation)
    assert actor is not None  # noqa: S101 - require_member refused None
    now = dt.datetime.now(dt.UTC)
    feeds = session.scalars(
        select(LandscapeFeed).where(
            LandscapeFeed.user_id == actor.id,
            LandscapeFeed.organisation_id == organisation.id,
            LandscapeFeed.revoked_at.is_(None),
        )
    ).all()
    for feed in feeds:
        feed.revoked_at = now
    session.flush()
    return len(feeds)


def has_feed(session: Session, organisation: Organisation, actor: User | None) -> bool:
    """Whether this member has a live feed address."""
    if actor is None:
        return False
    return (
        session.scalar(
            select(LandscapeFeed.id).where(
                LandscapeFeed.user_id == actor.id,
                LandscapeFeed.organisation_id == organisation.id,
                LandscapeFeed.revoked_at.is_(None),
            )
        )
        is not None
    )


def feed_deadlines(session: Session, secret: str) -> tuple[Organisation, list[Deadline]]:
    """The radar behind a feed secret, while its member still is one; NotFound otherwise."""
    feed = session.scalar(
        select(LandscapeFeed).where(
            LandscapeFeed.token_hash == _hash(secret), LandscapeFeed.revoked_at.is_(None)
        )
    )
    if feed is None:
        raise NotFound(NO_LANDSCAPE)
    user = session.get(User, feed.user_id)
    organisation = session.get(Organisation, feed.organisation_id)
    if user is None or organisation is None:
        raise NotFound(NO_LANDSCAPE)
    # A member who left (or lost confirmation) loses the feed with it.
    return organisation, radar(session, organisation, actor=user)
