"""An organisation's own application landscape: private to its confirmed members.

Who may do what is decided by :func:`catalogue.services.permissions.is_confirmed_member` and
nothing else: viewers read, editors write. To anyone else a landscape does not exist: reading
raises NotFound with the same message whether or not the organisation has one, so an error
never tells an outsider anything. The command line (someone with shell access) is ``trusted``.

Every save adds a revision (who, how, when, what changed); ``expected_version`` is the
optimistic lock, as for submissions. Publishing an application adds a sourced usage claim to
the public catalogue; withdrawing removes it again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from catalogue import ameff
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
    GemmaElement,
    GemmaKind,
    Landscape,
    LandscapeFeed,
    LandscapeRevision,
    Organisation,
    OrgRole,
    Realisation,
    SourceKind,
    Usage,
    User,
    public_label,
)
from catalogue.services import organisations
from catalogue.services.permissions import is_confirmed_member

# The claim_type of a usage claim published from a landscape.
CLAIM_TYPE = "landschap"
NO_LANDSCAPE = "no landscape here"  # the same words for "none" and "not yours"
ORGANISATION_KINDS = frozenset({"municipality", "government", "cooperation"})


@dataclass
class LandscapeView:
    """What a member sees: the newest revision, its history and what is published."""

    organisation: Organisation
    version: int
    revision: int
    applications: list[ameff.Application]
    revisions: list[LandscapeRevision] = field(default_factory=list)
    # Component slug -> the published usage claim.
    published: dict[str, Usage] = field(default_factory=dict)
    can_edit: bool = False


# ---------------------------------------------------------------- who may


def require_member(
    actor: User | None,
    organisation: Organisation,
    *,
    at_least: OrgRole = OrgRole.VIEWER,
    trusted: bool = False,
) -> None:
    """NotFound for anyone who is not a confirmed member; NotAuthorized for a viewer who writes."""
    if trusted:
        return
    if not is_confirmed_member(actor, organisation.id, at_least=OrgRole.VIEWER):
        raise NotFound(NO_LANDSCAPE)
    if not is_confirmed_member(actor, organisation.id, at_least=at_least):
        msg = "only the organisation's editors may change its landscape"
        raise NotAuthorized(msg)


def organisation_for(session: Session, code: str) -> Organisation:
    """The organisation by CBS code (GM0197) or slug; NotFound otherwise."""
    try:
        return organisations.resolve_organisation(session, code)
    except NotFound:
        raise NotFound(NO_LANDSCAPE) from None


def may_view(actor: User | None, organisation: Organisation) -> bool:
    """Whether ``actor`` sees this organisation's landscape (for links, not for guarding)."""
    return is_confirmed_member(actor, organisation.id)


def own_landscape_code(session: Session, actor: User | None) -> str | None:
    """The CBS code (or slug) of the actor's own organisation when they may see its landscape."""
    if actor is None or not is_confirmed_member(actor, actor.organisation_id):
        return None
    organisation = session.get(Organisation, actor.organisation_id)
    if organisation is None:
        return None
    return organisation.cbs_code or organisation.slug


# ---------------------------------------------------------------- reading


def _landscape(session: Session, organisation: Organisation) -> Landscape | None:
    return session.scalar(
        select(Landscape)
        .where(Landscape.organisation_id == organisation.id)
        .options(selectinload(Landscape.revisions))
    )


def _published(session: Session, organisation: Organisation) -> dict[str, Usage]:
    rows = session.scalars(
        select(Usage)
        .where(Usage.organisation_id == organisation.id, Usage.claim_type == CLAIM_TYPE)
        .options(selectinload(Usage.component))
    )
    return {usage.component.slug: usage for usage in rows}


def landscape_of(
    session: Session, organisation: Organisation, *, actor: User | None, trusted: bool = False
) -> LandscapeView:
    """The landscape as its members see it (an empty one when nothing was saved yet)."""
    require_member(actor, organisation, trusted=trusted)
    landscape = _landscape(session, organisation)
    revisions = list(landscape.revisions) if landscape else []
    newest = revisions[-1] if revisions else None
    return LandscapeView(
        organisation=organisation,
        version=landscape.version if landscape else 0,
        revision=newest.number if newest else 0,
        applications=[
            ameff.Application.from_dict(a) for a in (newest.applications if newest else [])
        ],
        revisions=list(reversed(revisions)),
        published=_published(session, organisation),
        can_edit=trusted or is_confirmed_member(actor, organisation.id, at_least=OrgRole.EDITOR),
    )


def reference_index(session: Session) -> dict[str, ameff.ReferenceComponent]:
    """Every GEMMA reference component by slug, as the AMEFF reader and writer need it."""
    rows = session.scalars(
        select(GemmaElement).where(GemmaElement.kind == GemmaKind.REFERENCE_COMPONENT)
    )
    return {
        row.slug: ameff.ReferenceComponent(
            slug=row.slug,
            name=row.name,
            object_id=row.object_id,
            group=(row.category or "").rsplit("/", 1)[-1] or None,
        )
        for row in rows
    }


def catalogue_index(session: Session) -> list[ameff.CatalogueEntry]:
    """Every catalogue component with its names and URLs, for matching."""
    return [
        ameff.CatalogueEntry(
            slug=component.slug,
            name=component.name,
            aliases=tuple(str(alias) for alias in component.aliases or ()),
            urls=tuple(u for u in (component.url, component.landing_url) if u),
        )
        for component in session.scalars(select(Component).order_by(Component.id))
    ]


def read_file(session: Session, data: bytes) -> ameff.Reading:
    """Read an exchange file against our GEMMA and catalogue; AmeffError when unreadable."""
    return ameff.read(
        data,
        reference_components=reference_index(session).values(),
        catalogue=catalogue_index(session),
    )


# ---------------------------------------------------------------- writing


def _summary(before: Sequence[ameff.Application], after: Sequence[ameff.Application]) -> str:
    old = {a.name.casefold(): a.as_dict() for a in before}
    new = {a.name.casefold(): a.as_dict() for a in after}
    added = len(new.keys() - old.keys())
    removed = len(old.keys() - new.keys())
    changed = sum(1 for key in new.keys() & old.keys() if old[key] != new[key])
    return f"+{added} -{removed} ~{changed}"


def save_landscape(
    session: Session,
    organisation: Organisation,
    applications: Sequence[ameff.Application],
    *,
    actor: User | None,
    expected_version: int | None,
    origin: str,
    trusted: bool = False,
    note: str | None = None,
) -> LandscapeRevision:
    """Save the applications as a new revision; the previous ones are kept.

    ``expected_version`` is the version the editor started from (0 for "no landscape yet");
    None skips the check (the command line). A mismatch raises Conflict.
    """
    require_member(actor, organisation, at_least=OrgRole.EDITOR, trusted=trusted)
    _check(applications, session)
    landscape = _landscape(session, organisation)
    current = landscape.version if landscape else 0
    if expected_version is not None and expected_version != current:
        msg = "someone else saved this landscape since you opened it; look again and retry"
        raise Conflict(msg)
    if landscape is None:
        landscape = Landscape(organisation=organisation, current_revision=0)
        session.add(landscape)
        session.flush()
    before = (
        [ameff.Application.from_dict(a) for a in landscape.revisions[-1].applications]
        if landscape.revisions
        else []
    )
    number = landscape.current_revision + 1
    summary = _summary(before, applications)
    revision = LandscapeRevision(
        number=number,
        actor_id=actor.id if actor is not None else None,
        origin=origin,
        summary=f"{summary} {note}".strip() if note else summary,
        applications=[a.as_dict() for a in applications],
    )
    landscape.revisions.append(revision)
    landscape.current_revision = number
    session.flush()
    return revision


def _check(applications: Sequence[ameff.Application], session: Session) -> None:
    errors: dict[str, list[str]] = {}
    known_refs = set(reference_index(session))
    known_components = set(session.scalars(select(Component.slug)))
    for index, app in enumerate(applications):
        if not app.name.strip():
            errors.setdefault(f"applications.{index}.name", []).append("a name is required")
        if app.hosting is not None and app.hosting not in ameff.HOSTING:
            errors.setdefault(f"applications.{index}.hosting", []).append(
                f"must be one of {', '.join(ameff.HOSTING)}"
            )
        if app.component is not None and app.component not in known_components:
            errors.setdefault(f"applications.{index}.component", []).append("unknown component")
        unknown = [s for s in app.reference_components if s not in known_refs]
        if unknown:
            errors.setdefault(f"applications.{index}.reference_components", []).append(
                "unknown reference component: " + ", ".join(unknown)
            )
        if app.notice_months is not None and not 0 <= app.notice_months <= 120:
            errors.setdefault(f"applications.{index}.notice_months", []).append(
                "must be 0 to 120 months"
            )
    if errors:
        raise ValidationError(errors)


def import_file(
    session: Session,
    organisation: Organisation,
    data: bytes,
    *,
    actor: User | None,
    expected_version: int | None,
    origin: str,
    dry_run: bool = False,
    trusted: bool = False,
    note: str | None = None,
) -> tuple[ameff.Reading, LandscapeRevision | None]:
    """Read a file and (unless ``dry_run``) save it as a new revision."""
    require_member(
        actor, organisation, at_least=OrgRole.VIEWER if dry_run else OrgRole.EDITOR, trusted=trusted
    )
    reading = read_file(session, data)
    if dry_run:
        return reading, None
    revision = save_landscape(
        session,
        organisation,
        reading.applications,
        actor=actor,
        expected_version=expected_version,
        origin=origin,
        trusted=trusted,
        note=note,
    )
    return reading, revision


def export_file(
    session: Session,
    organisation: Organisation,
    *,
    actor: User | None,
    trusted: bool = False,
    view_name: str = "Landschap per referentiecomponentgroep",
    no_group: str = "Zonder referentiecomponent",
) -> bytes:
    """The landscape as an exchange file, valid against the Open Group's Diagram schema."""
    view = landscape_of(session, organisation, actor=actor, trusted=trusted)
    return ameff.write(
        view.applications,
        model_name=f"Landschap {organisation.name}",
        reference_components=reference_index(session),
        view_name=view_name,
        no_group=no_group,
    )


# ---------------------------------------------------------------- publishing usage


def claim_source(organisation: Organisation, actor: User, day: dt.date) -> str:
    """The source of a published claim, naming the member as everywhere in public: by display
    name, or "medewerker <id>" without one (catalogue.models.public_label). No e-mail
    address ever appears on a public page, not even one typed in as a display name."""
    name = actor.display_name if actor.display_name and "@" not in actor.display_name else None
    member = public_label(actor.id, name, None)
    return f"landschap van {organisation.name}, gepubliceerd door {member} op {day.isoformat()}"


def publish_usage(
    session: Session, organisation: Organisation, component_slug: str, *, actor: User | None
) -> Usage:
    """Publish "we use this component" as a sourced usage claim; the application must be in
    the landscape and matched to the catalogue."""
    require_member(actor, organisation, at_least=OrgRole.EDITOR)
    assert actor is not None  # noqa: S101 - require_member refused None
    view = landscape_of(session, organisation, actor=actor)
    if component_slug not in {a.component for a in view.applications if a.component}:
        raise ValidationError({"component": [FieldError(ErrorCode.NOT_IN_LANDSCAPE)]})
    if component_slug in view.published:
        return view.published[component_slug]
    component = session.scalar(select(Component).where(Component.slug == component_slug))
    if component is None:
        raise NotFound(component_slug)
    usage = Usage(
        organisation=organisation,
        component=component,
        status="claimed",
        claim_type=CLAIM_TYPE,
        source_kind=SourceKind.CLAIM,
        source_ref=claim_source(organisation, actor, dt.datetime.now(dt.UTC).date()),
    )
    session.add(usage)
    session.flush()
    return usage


def withdraw_usage(
    session: Session, organisation: Organisation, component_slug: str, *, actor: User | None
) -> None:
    """Withdraw a usage claim published from the landscape."""
    require_member(actor, organisation, at_least=OrgRole.EDITOR)
    usage = _published(session, organisation).get(component_slug)
    if usage is None:
        raise NotFound(component_slug)
    session.delete(usage)
    session.flush()


# ---------------------------------------------------------------- contract radar


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


# ---------------------------------------------------------------- peers


# CBS's municipality size classes (gemeentegrootteklassen, by inhabitants): the lower bound
# of each band; a municipality falls in the last band whose bound it reaches.
SIZE_BANDS: tuple[int, ...] = (0, 5_000, 10_000, 20_000, 50_000, 100_000, 150_000, 250_000)
# Below this many peers with any published claim, a comparison says too little.
ENOUGH_PEERS = 3


def size_band(inhabitants: int | None) -> tuple[int, int | None] | None:
    """The CBS size band (lower bound, upper bound or None) of a number of inhabitants."""
    if inhabitants is None:
        return None
    lower = max(b for b in SIZE_BANDS if inhabitants >= b)
    index = SIZE_BANDS.index(lower)
    upper = SIZE_BANDS[index + 1] if index + 1 < len(SIZE_BANDS) else None
    return lower, upper


@dataclass
class PeerUse:
    """What peers use for one reference component: each component with its claims."""

    reference: GemmaElement
    uses: list[tuple[Component, list[Usage]]]


@dataclass
class PeersView:
    """Municipalities like ours, and what they use, from published claims only."""

    organisation: Organisation
    band: tuple[int, int | None] | None
    same_size: list[Organisation]
    same_province: list[Organisation]
    rows: list[PeerUse]
    peers_with_claims: int
    # Reference components of our landscape for which no peer published anything.
    without_data: list[str] = field(default_factory=list)

    @property
    def enough(self) -> bool:
        """Whether there are enough peers with published claims to compare at all."""
        return self.peers_with_claims >= ENOUGH_PEERS


def peers(session: Session, organisation: Organisation, *, actor: User | None) -> PeersView:
    """Municipalities of the same CBS size band and of the same province, and what they use
    for the reference components of our landscape (or any, while it names none)."""
    view = landscape_of(session, organisation, actor=actor)
    band = size_band(organisation.inhabitants)
    municipalities = [
        o
        for o in session.scalars(
            select(Organisation)
            .where(Organisation.kind == "municipality", Organisation.id != organisation.id)
            .order_by(Organisation.name)
        )
    ]
    same_size = [o for o in municipalities if band and size_band(o.inhabitants) == band]
    same_province = [
        o for o in municipalities if organisation.province and o.province == organisation.province
    ]
    peer_ids = {o.id for o in (*same_size, *same_province)}
    usages = list(
        session.scalars(
            select(Usage)
            .where(Usage.organisation_id.in_(peer_ids))
            .options(
                selectinload(Usage.organisation),
                selectinload(Usage.component)
                .selectinload(Component.realisations)
                .selectinload(Realisation.reference_component),
            )
        )
    )
    wanted = {slug for app in view.applications for slug in app.reference_components}
    by_ref: dict[int, PeerUse] = {}
    for usage in usages:
        for realisation in usage.component.realisations:
            reference = realisation.reference_component
            if wanted and reference.slug not in wanted:
                continue
            row = by_ref.setdefault(reference.id, PeerUse(reference, []))
            for component, claims in row.uses:
                if component.id == usage.component_id:
                    claims.append(usage)
                    break
            else:
                row.uses.append((usage.component, [usage]))
    rows = sorted(by_ref.values(), key=lambda r: r.reference.name.casefold())
    for row in rows:
        row.uses.sort(key=lambda item: (-len({u.organisation_id for u in item[1]}), item[0].name))
    references = reference_index(session)
    covered = {row.reference.slug for row in rows}
    return PeersView(
        organisation=organisation,
        band=band,
        same_size=same_size,
        same_province=same_province,
        rows=rows,
        peers_with_claims=len({u.organisation_id for u in usages}),
        without_data=sorted(references[s].name for s in wanted - covered if s in references),
    )
