"""Peers: what comparable organisations (by size band) publish that they use."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from catalogue.models import Component, GemmaElement, Organisation, Realisation, Usage, User
from catalogue.services.landscapes.reading import landscape_of, reference_index

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
