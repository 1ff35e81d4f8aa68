"""Export the catalogue as files in the layout of ``data/``, so ``seed --data-dir`` reads it back."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.models import (
    Component,
    DerivedFact,
    DerivedFactName,
    Organisation,
    OrganisationKind,
    Usage,
)
from catalogue.progress import Progress, report_each
from catalogue.services.components import document_of
from catalogue.services.facts import DERIVED_FILE, is_derived_source
from catalogue.services.organisations import MUNICIPALITIES_SOURCE
from catalogue.services.seeding import CLAIMS_FILE, COMPONENTS_FILE, GEMMA_FILE, MUNICIPALITIES_FILE

MUNICIPALITY_COLUMNS = [
    "code",
    "name",
    "province",
    "inhabitants",
    "inhabitants_year",
    "source",
    "tooi_id",
]
CLAIM_COLUMNS = [
    "component",
    "municipality_name",
    "municipality_code",
    "source",
    "commit",
    "claim_type",
    "kind",
    "quote",
]


def snapshot(session: Session) -> dict[str, Any]:
    """The whole catalogue as plain data: what an export must preserve."""
    organisations = [
        {
            "slug": o.slug,
            "name": o.name,
            "kind": o.kind,
            "cbs_code": o.cbs_code,
            "province": o.province,
            "inhabitants": o.inhabitants,
            "inhabitants_year": o.inhabitants_year,
            "tooi_id": o.tooi_id,
            "website": o.website,
            "source_ref": o.source_ref,
        }
        for o in session.scalars(select(Organisation).order_by(Organisation.slug))
    ]
    components = [
        document_of(c) for c in session.scalars(select(Component).order_by(Component.slug))
    ]
    usages = sorted(
        (
            u.organisation.slug,
            u.component.slug,
            u.status,
            u.source_ref,
            u.source_commit,
            u.claim_type,
            u.kind,
            u.quote,
        )
        for u in session.scalars(select(Usage))
    )
    return {"organisations": organisations, "components": components, "usages": usages}


def export(
    session: Session,
    directory: Path,
    *,
    reference_dir: Path | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Write components.yaml, municipalities.csv and usage_claims.csv to ``directory``.

    The GEMMA extract is reference data that the catalogue does not edit; it is copied from
    ``reference_dir`` (the folder the catalogue was seeded from) so the export is complete.
    ``progress`` is told ``(done, total)`` over the components, the bulk of the work.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written = []

    organisations = [
        {
            k: v
            for k, v in {
                "slug": o.slug,
                "name": o.name,
                "kind": o.kind,
                "website": o.website,
                "source": o.source_ref,
            }.items()
            if v is not None
        }
        for o in session.scalars(
            select(Organisation)
            .where(Organisation.kind != OrganisationKind.MUNICIPALITY)
            .order_by(Organisation.slug)
        )
    ]
    components = [
        _clean(_stated_only(document_of(c)))
        for c in report_each(
            session.scalars(select(Component).order_by(Component.slug)).all(), progress
        )
    ]
    path = directory / COMPONENTS_FILE
    with path.open("w", encoding="utf-8") as handle:
        handle.write(
            "# Exported by `flask --app app catalogue export`. Same format as data/components.yaml.\n"
        )
        yaml.safe_dump(
            {
                "meta": {"version": 1, "exported": dt.date.today()},
                "organisations": organisations,
                "components": components,
            },
            handle,
            allow_unicode=True,
            sort_keys=False,
            width=100,
        )
    written.append(path)

    # Derived facts go to their own file, so the seed derives them again instead of reading the
    # derived values back as stated ones.
    path = directory / DERIVED_FILE
    with path.open("w", encoding="utf-8") as handle:
        handle.write("# Exported by `flask --app app catalogue export`. Format: data/README.md.\n")
        yaml.safe_dump(
            {"meta": {"version": 1}, "derived": derived_entries(session)},
            handle,
            allow_unicode=True,
            sort_keys=False,
            width=100,
        )
    written.append(path)

    path = directory / MUNICIPALITIES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    prefix = f"{MUNICIPALITIES_SOURCE}: "
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=MUNICIPALITY_COLUMNS)
        writer.writeheader()
        for o in session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrganisationKind.MUNICIPALITY)
            .order_by(Organisation.cbs_code)
        ):
            source = o.source_ref or ""
            writer.writerow(
                {
                    "code": o.cbs_code,
                    "name": o.name.removeprefix("Gemeente "),
                    "province": o.province or "",
                    "inhabitants": o.inhabitants or "",
                    "inhabitants_year": o.inhabitants_year or "",
                    "source": source.removeprefix(prefix),
                    "tooi_id": o.tooi_id or "",
                }
            )
    written.append(path)

    path = directory / CLAIMS_FILE
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CLAIM_COLUMNS)
        writer.writeheader()
        for usage in session.scalars(select(Usage).order_by(Usage.id)):
            writer.writerow(
                {
                    "component": usage.component.name,
                    "municipality_name": usage.organisation.name,
                    "municipality_code": usage.organisation.cbs_code or "",
                    "source": usage.source_ref or "",
                    "commit": usage.source_commit or "",
                    "claim_type": usage.claim_type or "",
                    "kind": usage.kind,
                    "quote": usage.quote or "",
                }
            )
    written.append(path)

    if reference_dir is not None and (reference_dir / GEMMA_FILE).exists():
        path = directory / GEMMA_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(reference_dir / GEMMA_FILE, path)
        written.append(path)
    return written


def _stated_only(document: dict[str, Any]) -> dict[str, Any]:
    """The document without the values that were filled from derived facts."""
    sources = dict(document.get("field_sources") or {})
    for key, source in list(sources.items()):
        if is_derived_source(source):
            document[key] = None
            del sources[key]
    document["field_sources"] = sources
    document["hosting_models"] = [
        h for h in document.get("hosting_models") or [] if not is_derived_source(h.get("source"))
    ]
    return document


def derived_entries(session: Session) -> list[dict[str, Any]]:
    """Every derived fact in the data/derived_facts.yaml format."""
    entries = []
    for row in session.scalars(
        select(DerivedFact).order_by(DerivedFact.component_id, DerivedFact.fact, DerivedFact.rule)
    ):
        evidence = {
            k: v
            for k, v in {
                "url": row.evidence_url,
                "commit": row.evidence_commit,
                "path": row.evidence_path,
                "excerpt": row.evidence_excerpt,
            }.items()
            if v is not None
        }
        entry: dict[str, Any] = {"component": row.component.slug, "fact": row.fact}
        if row.fact == DerivedFactName.SELF_HOSTABLE:
            entry["value"] = True
        elif row.rule != "release-history":
            entry["value"] = row.value
        entry.update({"rule": row.rule, "evidence": evidence})
        if row.details.get("releases"):
            entry["releases"] = row.details["releases"]
        entry["derived_on"] = row.derived_on
        entries.append(entry)
    return entries


def _clean(document: dict[str, Any]) -> dict[str, Any]:
    """Leave out empty values so the export reads like the hand-written seed file."""
    return {k: v for k, v in document.items() if v not in (None, "", [], {})}
