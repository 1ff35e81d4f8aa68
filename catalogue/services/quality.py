"""Data quality: per kind of fact, how many components have it stated, derived or unknown.

A fact is **unknown** when the component has no value for it; unknown is counted as such,
never as "no". A known fact is **derived** when its recorded source says so, and **stated**
otherwise (a publiccode.yml, a data file, a maintainer's submission). Sources are recorded per
field in ``Component.field_sources``; a source counts as derived when it is a mapping whose
``kind`` is "afgeleid" or "derived" (the shape the harvester stores with its rule and
evidence), or a text that starts with one of those words. Hosting forms carry a source each,
and a reference component's realisation carries its basis: hosting is derived when every form's
source is derived, reference components when every realisation's basis is "derived".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from catalogue.models import Component, SourceKind

STATED = "stated"
DERIVED = "derived"
UNKNOWN = "unknown"
DERIVED_KINDS = ("afgeleid", "derived")


def is_derived_source(source: object) -> bool:
    """Whether a recorded source marks its fact as derived (provenance kind "afgeleid").

    >>> is_derived_source({"kind": "afgeleid", "rule": "LICENSE text", "evidence": {}})
    True
    >>> is_derived_source("publiccode.yml: data/publiccode/x.yml")
    False
    """
    if isinstance(source, Mapping):
        kind = source.get("kind") or source.get("provenance") or source.get("basis")
        return isinstance(kind, str) and kind.strip().lower() in DERIVED_KINDS
    if isinstance(source, str):
        return source.strip().lower().startswith(DERIVED_KINDS)
    return False


def _field(key: str, value: Callable[[Component], Any]) -> Callable[[Component], str]:
    def judge(component: Component) -> str:
        if value(component) in (None, "", [], {}):
            return UNKNOWN
        source = (component.field_sources or {}).get(key)
        return DERIVED if is_derived_source(source) else STATED

    return judge


def _hosting(component: Component) -> str:
    forms = component.hosting_models or []
    offered = [o for o in component.offers if o.kind in ("saas", "paas", "iaas", "on-premise")]
    if not forms and not offered:
        return UNKNOWN
    if is_derived_source((component.field_sources or {}).get("hosting_models")):
        return DERIVED
    if forms and not offered and all(is_derived_source(f.get("source")) for f in forms):
        return DERIVED
    return STATED


def _reference_components(component: Component) -> str:
    if not component.realisations:
        return UNKNOWN
    if all(r.basis == SourceKind.DERIVED for r in component.realisations):
        return DERIVED
    return STATED


def _usage(component: Component) -> str:
    # No claim is not proof of no use: zero claims is "unknown".
    return STATED if component.usages else UNKNOWN


# The kinds of fact, in the order the page shows them: (key, how to judge a component).
FACT_KINDS: tuple[tuple[str, Callable[[Component], str]], ...] = (
    ("licence", _field("license", lambda c: c.license)),
    ("development_status", _field("development_status", lambda c: c.development_status)),
    ("hosting", _hosting),
    ("maintainer", _field("maintaining_organisation", lambda c: c.maintaining_organisation_id)),
    ("software_version", _field("software_version", lambda c: c.software_version)),
    ("reference_components", _reference_components),
    ("usage", _usage),
)


@dataclass(frozen=True)
class FactCount:
    """How many components have one kind of fact stated, derived or unknown."""

    kind: str
    stated: int
    derived: int
    unknown: int

    @property
    def total(self) -> int:
        """Every component, once."""
        return self.stated + self.derived + self.unknown


@dataclass(frozen=True)
class ComponentGaps:
    """One component and the kinds of fact the catalogue does not know for it."""

    slug: str
    name: str
    unknown: tuple[str, ...]


@dataclass(frozen=True)
class QualityReport:
    """The data-quality overview: counts per kind of fact and the components with most gaps."""

    components: int
    facts: tuple[FactCount, ...]
    most_unknown: tuple[ComponentGaps, ...]


def quality_report(session: Session, *, limit: int = 25) -> QualityReport:
    """Count stated, derived and unknown facts; list the ``limit`` components with most gaps."""
    components = list(
        session.scalars(
            select(Component)
            .options(
                selectinload(Component.realisations),
                selectinload(Component.offers),
                selectinload(Component.usages),
            )
            .order_by(Component.name)
        )
    )
    tallies: dict[str, dict[str, int]] = {
        kind: {STATED: 0, DERIVED: 0, UNKNOWN: 0} for kind, _judge in FACT_KINDS
    }
    gaps: list[ComponentGaps] = []
    for component in components:
        unknown: list[str] = []
        for kind, judge in FACT_KINDS:
            verdict = judge(component)
            tallies[kind][verdict] += 1
            if verdict == UNKNOWN:
                unknown.append(kind)
        if unknown:
            gaps.append(ComponentGaps(component.slug, component.name, tuple(unknown)))
    gaps.sort(key=lambda item: (-len(item.unknown), item.name.casefold(), item.slug))
    return QualityReport(
        components=len(components),
        facts=tuple(
            FactCount(kind, tally[STATED], tally[DERIVED], tally[UNKNOWN])
            for kind, tally in tallies.items()
        ),
        most_unknown=tuple(gaps[:limit]),
    )
