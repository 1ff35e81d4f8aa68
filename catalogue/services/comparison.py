"""Side-by-side comparison of 2 to 4 components, as rows a page and a CSV both render."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.orm import Session

from advisor.model import Obligation
from catalogue.errors import ErrorCode, FieldError, ValidationError
from catalogue.models import Component, GemmaRelation, GemmaRelationKind, OfferKind
from catalogue.services.components import get_component
from catalogue.services.graphs import GRAPHS, component_key

MIN_COMPONENTS, MAX_COMPONENTS = 2, 4
# Marks a value we do not know; pages show "onbekend", the CSV the label for unknown.
UNKNOWN = "?"
# Characters that make a spreadsheet treat a cell as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Cell:
    """One component's value in a row: display lines, warnings to flag, and where it came from."""

    lines: tuple[str, ...]
    # (code, subject): "contract_ended", rendered in the reader's language. Only known facts warn.
    warnings: tuple[tuple[str, str], ...] = ()
    # Where each fact in this cell came from, in the words of the source (a file, a commit, GEMMA).
    sources: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The cell as one line of text."""
        return ", ".join(self.lines)


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


# Rows whose lines are web addresses; pages render them as links.
LINK_ROWS = frozenset({"source_code", "website"})
# The source of a GEMMA fact (what GEMMA expects of a reference component).
GEMMA_SOURCE = (
    "data/gemma/gemma.yaml (GEMMA-model van VNG Realisatie, zie data/gemma/SOURCES.tsv):"
    " standaard met rol 'Verplicht' bij de referentiecomponent"
)


def parse_selection(slugs: Sequence[str]) -> list[str]:
    """The distinct slugs asked for, in order; 2 to 4 of them or a ValidationError."""
    chosen = list(dict.fromkeys(s.strip() for s in slugs if s and s.strip()))
    if not MIN_COMPONENTS <= len(chosen) <= MAX_COMPONENTS:
        refused = FieldError(
            ErrorCode.COMPARE_COUNT,
            minimum=MIN_COMPONENTS,
            maximum=MAX_COMPONENTS,
            count=len(chosen),
        )
        raise ValidationError({"c": [refused]})
    return chosen


def _distinct(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def _field_source(component: Component, name: str) -> tuple[str, ...]:
    """Where one field of a component came from: its own note, else the component's source."""
    sources = component.field_sources or {}
    return _distinct([sources.get(name) or component.source_ref])


def compare(session: Session, slugs: Sequence[str]) -> Comparison:
    """Load the components and build the comparison rows. Unknown slugs raise NotFound.

    A warning is raised only for a known fact (a contract that has ended). A standard that GEMMA
    expects and a component does not mention is "not stated", never "missing": no statement is
    not proof of absence, so the best-documented component is not the one that looks worst.
    """
    components = [get_component(session, slug) for slug in parse_selection(slugs)]
    expected = _mandatory_standards(session, components)
    brings_along = _brings_along(session, components)
    comparison = Comparison(components=components)
    rows = comparison.rows

    def row(key: str, values: list[Cell]) -> None:
        rows.append(Row(key=key, cells=tuple(values)))

    def unknown_or(values: Sequence[str]) -> tuple[str, ...]:
        return tuple(values) if values else (UNKNOWN,)

    def field_cell(c: Component, name: str, value: str | None) -> Cell:
        return Cell(unknown_or([value] if value else []), sources=_field_source(c, name))

    row("license", [field_cell(c, "license", c.license) for c in components])
    row(
        "status",
        [field_cell(c, "development_status", c.development_status) for c in components],
    )
    row(
        "version",
        [
            Cell(
                (c.software_version or UNKNOWN, str(c.release_date or UNKNOWN)),
                sources=_distinct(
                    [*_field_source(c, "software_version"), *_field_source(c, "release_date")]
                ),
            )
            for c in components
        ],
    )
    row(
        "supplier",
        [
            Cell(
                unknown_or(
                    _distinct(
                        [c.maintaining_organisation.name if c.maintaining_organisation else None]
                        + [o.supplier.name for o in c.offers if o.kind == OfferKind.SUPPORT]
                    )
                ),
                sources=_distinct(
                    [*_field_source(c, "maintaining_organisation")]
                    + [o.source_ref for o in c.offers if o.kind == OfferKind.SUPPORT]
                ),
            )
            for c in components
        ],
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
                sources=_distinct(
                    [*_field_source(c, "maintenance_type"), *(k.source_ref for k in c.contractors)]
                ),
            )
            for c in components
        ],
    )
    row(
        "hosting",
        [
            Cell(
                unknown_or(sorted(h["model"] for h in c.hosting_models)),
                sources=_distinct(h.get("source") for h in c.hosting_models),
            )
            for c in components
        ],
    )
    row(
        "hosting_offers",
        [
            Cell(
                unknown_or(
                    sorted(
                        f"{o.supplier.name}: {o.kind}"
                        + (f" ({o.jurisdiction})" if o.jurisdiction else "")
                        for o in c.offers
                        if o.kind != OfferKind.SUPPORT
                    )
                ),
                sources=_distinct(o.source_ref for o in c.offers if o.kind != OfferKind.SUPPORT),
            )
            for c in components
        ],
    )
    row(
        "reference_components",
        [
            Cell(
                unknown_or(sorted(r.reference_component.name for r in c.realisations)),
                sources=_distinct(r.source_ref for r in c.realisations),
            )
            for c in components
        ],
    )
    row(
        "gemma_expects",
        [
            Cell(
                (tuple(sorted(expected[c.id].values())) or ("—",))
                if c.realisations
                else (UNKNOWN,),
                sources=(GEMMA_SOURCE,) if c.realisations else (),
            )
            for c in components
        ],
    )
    row(
        "standards",
        [
            Cell(
                unknown_or(sorted({s.name for s in c.standards})),
                sources=_distinct(s.source_ref for s in c.standards),
            )
            for c in components
        ],
    )
    not_stated = []
    for component in components:
        claimed = {s.standard.gemma_id for s in component.standards if s.standard}
        not_stated.append(
            Cell(
                tuple(
                    sorted(
                        name
                        for gemma_id, name in expected[component.id].items()
                        if gemma_id not in claimed
                    )
                )
                or ("—",)
                if component.realisations
                else (UNKNOWN,)
            )
        )
    row("standards_not_stated", not_stated)
    row(
        "brings_along",
        [
            Cell(
                tuple(sorted(brings_along[c.id])) or ("—",),
                sources=_distinct(r.source_ref for r in c.requirements),
            )
            for c in components
        ],
    )
    row(
        "users",
        [
            Cell(
                (
                    str(len({u.organisation_id for u in c.usages})),
                    *sorted({u.organisation.name for u in c.usages}),
                ),
                sources=_distinct(sorted(u.source_ref for u in c.usages if u.source_ref)),
            )
            for c in components
        ],
    )
    row(
        "layer",
        [field_cell(c, "common_ground_layer", c.common_ground_layer) for c in components],
    )
    row(
        "languages",
        [
            Cell(
                unknown_or(
                    sorted(set(c.available_languages or []) | {d.language for d in c.descriptions})
                ),
                sources=_field_source(c, "available_languages"),
            )
            for c in components
        ],
    )
    row("source_code", [Cell((c.url,), sources=_field_source(c, "url")) for c in components])
    row(
        "website",
        [field_cell(c, "landing_url", c.landing_url) for c in components],
    )
    return comparison


def _today() -> str:
    import datetime as dt

    return dt.date.today().isoformat()


def _brings_along(session: Session, components: Sequence[Component]) -> dict[int, set[str]]:
    """For each component: the names of every catalogue component it needs, directly or
    through others (optional requirements included)."""
    catalogue = GRAPHS.get(session, components=True)  # only its requirement edges are walked
    return {
        component.id: {
            catalogue.shown[key].label
            for key in catalogue.graph.required_components(component_key(component.slug))
        }
        for component in components
    }


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
        if Obligation.of(relation.role) is Obligation.VERPLICHT:
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


@dataclass(frozen=True)
class Stamp:
    """What every export and printout carries: the date it was made and the page it shows."""

    made_on: str  # ISO date
    link: str  # the comparison page's full address


def _cell_text(cell: Cell, labels: Mapping[str, str]) -> str:
    unknown = labels.get("unknown", "unknown")
    return ", ".join(
        [unknown if line == UNKNOWN else line for line in cell.lines]
        + [labels.get(code, code) % {"subject": subject} for code, subject in cell.warnings]
    )


def table(comparison: Comparison, labels: Mapping[str, str]) -> list[list[str]]:
    """The comparison as a grid of texts: a header row, then one row per aspect."""
    grid = [[labels.get("aspect", "aspect"), *(c.name for c in comparison.components)]]
    for row in comparison.rows:
        grid.append(
            [str(labels.get(row.key, row.key)), *(_cell_text(cell, labels) for cell in row.cells)]
        )
    return grid


def sources(comparison: Comparison, labels: Mapping[str, str]) -> list[list[str]]:
    """Every fact's source as (aspect, component, source) rows, in the table's order."""
    result = []
    for row in comparison.rows:
        for component, cell in zip(comparison.components, row.cells, strict=True):
            for source in cell.sources:
                result.append([str(labels.get(row.key, row.key)), component.name, source])
    return result


def _heading(stamp: Stamp, labels: Mapping[str, str]) -> list[list[str]]:
    return [
        [labels.get("title", "comparison")],
        [labels.get("made_on", "date"), stamp.made_on],
        [labels.get("link", "link"), stamp.link],
    ]


def to_csv(comparison: Comparison, labels: Mapping[str, str], stamp: Stamp) -> str:
    """The comparison as CSV for Dutch-locale Excel: ";"-separated, UTF-8 with a BOM.

    Excel in a Dutch locale splits on ";" (the list separator there), so "," may stand inside a
    cell. First the title, date and link; then the table; then every fact's source. Every line has
    the same number of cells, and formula characters are neutralised.
    """
    width = len(comparison.components) + 1
    lines = [
        *_heading(stamp, labels),
        [],
        *table(comparison, labels),
        [],
        [labels.get("sources", "sources")],
        [labels.get("aspect", "aspect"), labels.get("component", "component"), labels["source"]],
        *sources(comparison, labels),
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for line in lines:
        padded = [*line, *[""] * (max(width, 3) - len(line))]
        writer.writerow([neutralise(str(value)) for value in padded])
    return "\ufeff" + buffer.getvalue()


def to_xlsx(comparison: Comparison, labels: Mapping[str, str], stamp: Stamp) -> bytes:
    """The comparison as an .xlsx workbook: the table, and a second sheet with every source."""
    workbook = Workbook()
    sheet = workbook.active
    if not isinstance(sheet, Worksheet):  # a new workbook starts with one worksheet, active
        raise TypeError("a new workbook has no active worksheet")
    sheet.title = str(labels.get("sheet_comparison", "comparison"))[:31]
    heading = _heading(stamp, labels)
    for line in heading:
        sheet.append([neutralise(value) for value in line])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.append([])
    first = len(heading) + 2
    for line in table(comparison, labels):
        sheet.append([neutralise(value) for value in line])
    for cell in sheet[first]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=first + 1):
        row[0].font = Font(bold=True)
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 34
    for index in range(len(comparison.components)):
        sheet.column_dimensions[chr(ord("B") + index)].width = 40
    sheet.freeze_panes = sheet.cell(row=first + 1, column=2).coordinate

    listed = workbook.create_sheet(str(labels.get("sources", "sources"))[:31])
    for line in heading:
        listed.append([neutralise(value) for value in line])
    listed.append([])
    listed.append(
        [labels.get("aspect", "aspect"), labels.get("component", "component"), labels["source"]]
    )
    for cell in listed[len(heading) + 2]:
        cell.font = Font(bold=True)
    for line in sources(comparison, labels):
        listed.append([neutralise(value) for value in line])
    listed.column_dimensions["A"].width = 34
    listed.column_dimensions["B"].width = 28
    listed.column_dimensions["C"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
