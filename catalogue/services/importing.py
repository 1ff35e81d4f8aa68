"""Importing publiccode.yml files: parse leniently, keep the raw text, create or update by URL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from catalogue import documents
from catalogue.models import Component, ImportRecord, SourceKind
from catalogue.progress import Progress, report_each
from catalogue.publiccode import MAX_BYTES, ParseResult, parse
from catalogue.services.components import apply_document, document_of, find_by_url
from catalogue.services.facts import apply_derived_facts

# Keys of a component document that a publiccode.yml speaks for; the rest is catalogue knowledge
# (GEMMA links, hosting, offers) that an import must not wipe.
PUBLICCODE_KEYS = (
    *(field for field in documents.SCALAR_FIELDS if field not in documents.CATALOGUE_FIELDS),
    "platforms",
    "categories",
    "descriptions",
    "maintenance",
    "localisation",
    "dependencies",
    "extra",
)


def merge_publiccode(
    base: Mapping[str, Any] | None, incoming: Mapping[str, Any], *, file_source: str
) -> dict[str, Any]:
    """Lay a publiccode.yml's document over a component's document.

    The file speaks for PUBLICCODE_KEYS (and for the Common Ground layer when it names one);
    everything else in ``base`` stays. Each field the file fills records ``file_source``.
    """
    base = dict(base or {})
    merged = {**base, **{key: incoming.get(key) for key in PUBLICCODE_KEYS}}
    merged["field_sources"] = {
        **(base.get("field_sources") or {}),
        **{
            key: file_source
            for key in PUBLICCODE_KEYS
            if key != "extra" and incoming.get(key) not in (None, "", [], {})
        },
    }
    if incoming.get("common_ground_layer"):
        merged["common_ground_layer"] = incoming["common_ground_layer"]
        merged["field_sources"]["common_ground_layer"] = file_source
    return merged


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did, or (dry run) would do."""

    result: ParseResult
    source: str
    component: Component | None = None
    created: bool = False
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)
    record: ImportRecord | None = None
    dry_run: bool = False

    @property
    def accepted(self) -> bool:
        """True when the file was understood."""
        return self.result.record is not None


def raw_text(data: bytes | str) -> str:
    """The received text, verbatim when it is UTF-8; undecodable bytes kept as escapes."""
    if isinstance(data, str):
        return data
    return data.decode("utf-8", errors="backslashreplace")


def read_publiccode(path: Path) -> bytes:
    """Read at most one byte over the parser's limit, so a huge file cannot fill memory."""
    with path.open("rb") as handle:
        return handle.read(MAX_BYTES + 1)


def import_files(
    session: Session,
    paths: Sequence[Path],
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> list[ImportOutcome]:
    """Import these publiccode.yml files in order, each named by its path (see
    :func:`import_publiccode`); ``progress`` is told ``(done, total)`` over the files."""
    return [
        import_publiccode(session, read_publiccode(path), source=str(path), dry_run=dry_run)
        for path in report_each(paths, progress)
    ]


def import_publiccode(
    session: Session,
    data: bytes | str,
    *,
    source: str,
    actor: str | None = None,
    overlay: Mapping[str, Any] | None = None,
    dry_run: bool = False,
    source_kind: str = SourceKind.FILE,
) -> ImportOutcome:
    """Import one publiccode.yml. ``overlay`` adds catalogue facts (from components.yaml) on top.

    A rejected file still leaves an :class:`ImportRecord` with its located errors, so nothing
    is lost and the reason can be shown. A dry run writes nothing.
    """
    result = parse(data)
    if result.record is None:
        record = None
        if not dry_run:
            record = _record(session, data, source, result, actor, None)
        return ImportOutcome(result=result, source=source, record=record, dry_run=dry_run)

    incoming = documents.document_from_publiccode(result.record)
    existing = find_by_url(session, str(incoming["url"]))
    base = document_of(existing) if existing is not None else {}
    merged = merge_publiccode(base, incoming, file_source=f"publiccode.yml: {source}")
    if overlay:
        merged = documents.merge(merged, overlay)
        overlay_source = str(overlay.get("source") or source)
        for key in overlay:
            if key not in ("source", "publiccode", "slug") and overlay[key] not in (
                None,
                "",
                [],
                {},
            ):
                merged["field_sources"].setdefault(key, overlay_source)
    merged.setdefault("source", f"publiccode.yml: {source}")

    if dry_run:
        preview = {**merged, "url": merged["url"]}
        return ImportOutcome(
            result=result,
            source=source,
            component=existing,
            created=existing is None,
            changes=documents.diff(base or None, preview),
            dry_run=True,
        )
    applied = apply_document(session, merged, source_ref=source, source_kind=source_kind)
    # The file may have stated a fact that was derived before, or dropped one: re-settle them.
    apply_derived_facts(session, applied.component)
    record = _record(session, data, source, result, actor, applied.component)
    return ImportOutcome(
        result=result,
        source=source,
        component=applied.component,
        created=applied.created,
        changes=applied.changes,
        record=record,
    )


def _record(
    session: Session,
    data: bytes | str,
    source: str,
    result: ParseResult,
    actor: str | None,
    component: Component | None,
) -> ImportRecord:
    text = raw_text(data)
    latest = (
        component.import_records[-1] if component is not None and component.import_records else None
    )
    if latest is not None and latest.raw_text == text and latest.source == source:
        # Re-importing the same bytes from the same place (a repeated seed) adds no history.
        return latest
    record = ImportRecord(
        component=component,
        source=source,
        raw_text=text,
        mode="lenient",
        accepted=result.record is not None,
        publiccode_version=result.version,
        errors=[issue.as_dict() for issue in result.errors],
        warnings=[issue.as_dict() for issue in result.warnings],
        actor=actor,
    )
    session.add(record)
    session.flush()
    return record
