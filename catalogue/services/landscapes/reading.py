"""Reading a landscape: what a member sees, and what an exchange file is read against."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from catalogue import ameff
from catalogue.models import (
    Component,
    GemmaElement,
    GemmaKind,
    Landscape,
    LandscapeRevision,
    Organisation,
    OrgRole,
    Usage,
    User,
)
from catalogue.services.landscapes.access import require_member
from catalogue.services.permissions import is_confirmed_member

# The claim_type of a usage claim published from a landscape.
CLAIM_TYPE = "landschap"


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
