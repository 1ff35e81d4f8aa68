"""Seeding the catalogue from ``data/``: GEMMA, municipalities, components and usage claims.

Idempotent: running it twice gives the same catalogue. The same loader reads an export
(``catalogue export DIR``), which has the same layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalogue.component_document import CatalogueFile, location
from catalogue.db import Database
from catalogue.errors import ValidationError
from catalogue.models import Component, SourceKind
from catalogue.progress import Progress, report_each
from catalogue.services.components import apply_document, components_by_name, write_requirements
from catalogue.services.facts import DERIVED_FILE, load_derived_facts
from catalogue.services.gemma import load_gemma
from catalogue.services.importing import import_publiccode
from catalogue.services.organisations import (
    load_municipalities,
    load_usage_claims,
    upsert_organisation,
)

COMPONENTS_FILE = "components.yaml"
GEMMA_FILE = Path("gemma") / "gemma.yaml"
MUNICIPALITIES_FILE = Path("municipalities") / "municipalities.csv"
CLAIMS_FILE = Path("municipalities") / "usage_claims.csv"


@dataclass
class SeedReport:
    """What a seed run loaded."""

    gemma_elements: int = 0
    gemma_relations: int = 0
    municipalities: int = 0
    organisations: int = 0
    components: int = 0
    imported_files: int = 0
    rejected_files: list[str] = field(default_factory=list)
    usage_claims: int = 0
    derived_facts: int = 0
    skipped_claims: list[str] = field(default_factory=list)


def read_catalogue_file(path: Path) -> dict[str, Any]:
    """Read components.yaml; a malformed file is a ValidationError naming the file and line.

    The file's shape is :class:`~catalogue.component_document.CatalogueFile`; each refused part is
    named by its line and column in the file, and its path (``components[3]``).
    """
    try:
        with path.open(encoding="utf-8") as handle:
            text = handle.read()
        content = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path.name}:{mark.line + 1}:{mark.column + 1}" if mark else path.name
        raise ValidationError({where: [str(getattr(error, "problem", error))]}) from error
    if not isinstance(content, dict) or not isinstance(content.get("components"), list):
        raise ValidationError({path.name: ["must be a mapping with a 'components' list"]})
    try:
        CatalogueFile.model_validate(content)
    except PydanticValidationError as error:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        if root is None:  # not reached: the text was read as a mapping above
            raise ValidationError(
                {path.name: ["must be a mapping with a 'components' list"]}
            ) from error
        errors: dict[str, list[str]] = {}
        for item in error.errors(include_url=False):
            loc = tuple(item["loc"])
            unknown = item["type"] == "extra_forbidden"
            mark = _node_at(root, loc, key=unknown).start_mark
            message = "unknown key" if unknown else str(item["msg"])
            where = f"{path.name}:{mark.line + 1}:{mark.column + 1}: {location(loc)}"
            errors.setdefault(where, []).append(message)
        raise ValidationError(errors) from error
    return content


def _node_at(node: yaml.Node, loc: tuple[int | str, ...], *, key: bool = False) -> yaml.Node:
    """The deepest YAML node on the path ``loc`` (for its line and column); with ``key``, the
    last step's key rather than its value (where an unknown key is best shown)."""
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = [
                (key, value) for key, value in node.value if getattr(key, "value", None) == part
            ]
            if not found:
                return node
            node = found[0][0] if key and part == loc[-1] else found[0][1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return node
            node = node.value[part]
        else:
            return node
    return node


def seed(session: Session, data_dir: Path, *, progress: Progress | None = None) -> SeedReport:
    """Load everything under ``data_dir`` into the database. Flushes; the caller commits.

    ``progress`` is told ``(done, total)`` over the entries of components.yaml, the bulk of
    the work.
    """
    report = SeedReport()
    gemma = load_gemma(session, data_dir / GEMMA_FILE)
    report.gemma_elements, report.gemma_relations = gemma.elements, gemma.relations
    report.municipalities = load_municipalities(session, data_dir / MUNICIPALITIES_FILE)

    catalogue_path = data_dir / COMPONENTS_FILE
    catalogue = read_catalogue_file(catalogue_path)
    for organisation in catalogue.get("organisations") or []:
        upsert_organisation(session, organisation, source_ref=f"data/{COMPONENTS_FILE}")
        report.organisations += 1
    session.flush()

    entries = catalogue["components"]
    applied: list[tuple[Component, dict[str, Any]]] = []
    for entry in report_each(entries, progress):
        applied.append((_seed_component(session, entry, data_dir, report), entry))
    for component, entry in applied:
        write_requirements(
            session,
            component,
            entry,
            source_kind=SourceKind.FILE,
            source_ref=str(entry.get("source") or f"data/{COMPONENTS_FILE}"),
        )
    report.components = len(applied)
    report.derived_facts = load_derived_facts(
        session, data_dir / DERIVED_FILE, source_ref=f"data/{DERIVED_FILE}"
    ).loaded

    claims = load_usage_claims(session, data_dir / CLAIMS_FILE, components_by_name(session))
    report.usage_claims, report.skipped_claims = claims.loaded, claims.skipped
    session.flush()
    return report


def _seed_component(
    session: Session, entry: dict[str, Any], data_dir: Path, report: SeedReport
) -> Component:
    overlay = {key: value for key, value in entry.items() if key not in ("publiccode", "requires")}
    publiccode_path = entry.get("publiccode")
    if publiccode_path:
        path = data_dir / str(publiccode_path)
        outcome = import_publiccode(
            session, path.read_bytes(), source=f"data/{publiccode_path}", overlay=overlay
        )
        if outcome.component is not None:
            report.imported_files += 1
            return outcome.component
        report.rejected_files.append(str(publiccode_path))
        # The file was not understood; the entry's own facts still describe the component,
        # and the rejected import stays linked to it so its page can say why.
        result = apply_document(
            session, overlay, source_ref=f"data/{COMPONENTS_FILE}", resolve_requirements=False
        )
        if outcome.record is not None:
            outcome.record.component = result.component
        return result.component
    return apply_document(
        session, overlay, source_ref=f"data/{COMPONENTS_FILE}", resolve_requirements=False
    ).component


def is_seeded(session: Session) -> bool:
    """True when the catalogue has at least one component."""
    return (session.scalar(select(func.count(Component.id))) or 0) > 0


def ensure_seeded(database: Database, data_dir: Path) -> SeedReport | None:
    """Migrate to the latest schema, then seed when the catalogue is empty (first start)."""
    from catalogue.migrate import upgrade

    upgrade(database.engine)
    with database.session() as session:
        if is_seeded(session):
            return None
        return seed(session, data_dir)
