"""Side-by-side comparison of 2 to 4 components, as rows a page and a CSV both render."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.errors import ValidationError
from catalogue.models import Component, GemmaRelation, GemmaRelationKind
from catalogue.services.components import get_component

MIN_COMPONENTS, MAX_COMPONENTS = 2, 4
# Marks a value we do not know; pages show "onbekend", the CSV the label for unknown.
UNKNOWN = "?"
# Characters that make a spreadsheet treat a cell as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Cell:
    """One component's value in a row: display lines, and warnings to flag."""

    lines: tuple[str, ...]
    # (code, subject): "missing_standard" or "contract_ended", rendered in the reader's language.
    warnings: tuple[tuple[str, str], ...] = ()

    @property
    def text(self) -> str:
        """The cell as one line of text."""
        return "; ".join(self.lines)


@dataclass(frozen=True)
class Row:
    """One aspect compared across the components."""

    key: str
    cells: tuple[Cell, ...]

    @property
    def differs(self) -> bool:
        """True when not every component has the same value."""
        return len({cell.lines for cell in self.cells}) > 1


@dataclass
class Comparison:
    """The components and the rows comparing them."""

    components: list[Component]
    rows: list[Row] = field(default_factory=list)


def parse_selection(slugs: Sequence[str]) -> list[str]:
    """The distinct slugs asked for, in order; 2 to 4 of them or a ValidationError."""
    chosen = list(dict.fromkeys(s.strip() for s in slugs if s and s.strip()))
    if not MIN_COMPONENTS <= len(chosen) <= MAX_COMPONENTS:
        raise ValidationError(
            {"c": [f"choose {MIN_COMPONENTS} to {MAX_COMPONENTS} components, not {len(chosen)}"]}
        )
    return chosen


def compare(session: Session, slugs: Sequence[str]) -> Comparison:
    """Load the components and build the comparison rows. Unknown slugs raise NotFound."""
    components = [get_component(session, slug) for slug in parse_selection(slugs)]
    mandatory = _mandatory_standards(session, components)
    comparison = Comparison(components=components)
    rows = comparison.rows

    def row(key: str, values: list[Cell]) -> None:
        rows.append(Row(key=key, cells=tuple(values)))

    def unknown_or(values: Sequence[str]) -> tuple[str, ...]:
        return tuple(values) if values else (UNKNOWN,)

    row("license", [Cell(unknown_or([c.license] if c.license else [])) for c in components])
    row(
        "hosting",
        [Cell(unknown_or(sorted(h["model"] for h in c.hosting_models))) for c in components],
    )
    row(
        "status",
        [
            Cell(unknown_or([c.development_status] if c.development_status else []))
            for c in components
        ],
    )
    row(
        "version",
        [Cell((c.software_version or UNKNOWN, str(c.release_date or UNKNOWN))) for c in components],
    )
    row(
        "maintenance",
        [
            Cell(
                (
                    c.maintenance_type or UNKNOWN,
                    *[f"{k.name} → {k.until or UNKNOWN}" for k in c.contractors],
                ),
                tuple(
                    ("contract_ended", f"{k.name} ({k.until})")
                    for k in c.contractors
                    if k.until and k.until.isoformat() < _today()
                ),
            )
            for c in components
        ],
    )
    row(
        "reference_components",
        [
            Cell(unknown_or(sorted(r.reference_component.name for r in c.realisations)))
            for c in components
        ],
    )
    standard_cells = []
    for component in components:
        claimed = {s.standard.gemma_id for s in component.standards if s.standard}
        missing = sorted(
            name for gemma_id, name in mandatory[component.id].items() if gemma_id not in claimed
        )
        standard_cells.append(
            Cell(
                unknown_or(sorted({s.name for s in component.standards})),
                tuple(("missing_standard", name) for name in missing),
            )
        )
    row("standards", standard_cells)
    row(
        "brings_along", [Cell(tuple(sorted(_requirement_closure(c))) or ("—",)) for c in components]
    )
    row(
        "users",
        [
            Cell(
                (
                    str(len({u.organisation_id for u in c.usages})),
                    *sorted({f"{u.organisation.name} ({u.source_ref})" for u in c.usages}),
                )
            )
            for c in components
        ],
    )
    row(
        "layer",
        [
            Cell(unknown_or([c.common_ground_layer] if c.common_ground_layer else []))
            for c in components
        ],
    )
    row(
        "languages",
        [
            Cell(
                unknown_or(
                    sorted(set(c.available_languages or []) | {d.language for d in c.descriptions})
                )
            )
            for c in components
        ],
    )
    return comparison


def _today() -> str:
    import datetime as dt

    return dt.date.today().isoformat()


def _requirement_closure(component: Component) -> set[str]:
    """Names of every catalogue component this one needs, directly or through others."""
    seen: dict[int, str] = {}
    stack = [r.required_component for r in component.requirements]
    while stack:
        current = stack.pop()
        if current.id in seen or current.id == component.id:
            continue
        seen[current.id] = current.name
        stack.extend(r.required_component for r in current.requirements)
    return set(seen.values())


def _mandatory_standards(
    session: Session, components: Sequence[Component]
) -> dict[int, dict[str, str]]:
    """For each component: the standards its reference components make mandatory (id -> name)."""
    reference_ids = {r.reference_component_id for c in components for r in c.realisations}
    relations = session.scalars(
        select(GemmaRelation).where(
            GemmaRelation.kind == GemmaRelationKind.STANDARD,
            GemmaRelation.source_id.in_(reference_ids or {-1}),
        )
    ).all()
    by_reference: dict[int, dict[str, str]] = {}
    for relation in relations:
        if (relation.role or "").lower() == "verplicht":
            by_reference.setdefault(relation.source_id, {})[relation.target.gemma_id] = (
                relation.target.name
            )
    result: dict[int, dict[str, str]] = {}
    for component in components:
        merged: dict[str, str] = {}
        for realisation in component.realisations:
            merged.update(by_reference.get(realisation.reference_component_id, {}))
        result[component.id] = merged
    return result


def neutralise(cell: str) -> str:
    """Make a cell safe for spreadsheets: a leading formula character is quoted away."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def to_csv(comparison: Comparison, labels: dict[str, str]) -> str:
    """The comparison as CSV text with a UTF-8 BOM, one row per aspect, formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            neutralise(labels.get("aspect", "aspect")),
            *(neutralise(c.name) for c in comparison.components),
        ]
    )
    unknown = labels.get("unknown", "unknown")
    for row in comparison.rows:
        writer.writerow(
            [
                neutralise(str(labels.get(row.key, row.key))),
                *(
                    neutralise(
                        "; ".join(
                            [unknown if line == UNKNOWN else line for line in cell.lines]
                            + [
                                labels.get(code, code) % {"subject": subject}
                                for code, subject in cell.warnings
                            ]
                        )
                    )
                    for cell in row.cells
                ),
            ]
        )
    return "\ufeff" + buffer.getvalue()
