"""``flask --app app catalogue ...``: validate, import, seed, export, init-db.

The CLI is a third surface on the same services as the pages and the API.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from catalogue.db import Database
from catalogue.errors import ValidationError
from catalogue.publiccode import ParseResult, parse

catalogue_cli = AppGroup("catalogue", help="Manage the component catalogue.")


def _database() -> Database:
    database: Database = current_app.extensions["catalogue_db"]
    return database


def _read(path: Path) -> bytes:
    """Read at most one byte over the parser's limit, so a huge file cannot fill memory."""
    from catalogue.publiccode import MAX_BYTES

    with path.open("rb") as handle:
        return handle.read(MAX_BYTES + 1)


def _issue_lines(result: ParseResult) -> list[str]:
    lines = []
    for label, issues in (("error", result.errors), ("warning", result.warnings)):
        for issue in issues:
            where = f"{issue.line}:{issue.column}" if issue.line is not None else "-:-"
            lines.append(f"  {label:7} {where:>9}  {issue.key or '(document)'}: {issue.message}")
    return lines


@catalogue_cli.command("validate")
@click.option("--strict", is_flag=True, help="Validate against the standard instead of leniently.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON list.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def validate_command(strict: bool, as_json: bool, paths: tuple[Path, ...]) -> None:
    """Validate publiccode.yml files. Exit code 1 when any file is invalid."""
    reports: list[dict[str, Any]] = []
    any_invalid = False
    for path in paths:
        try:
            result = parse(_read(path), strict=strict)
        except OSError as error:
            result = None
            reports.append(
                {
                    "file": str(path),
                    "valid": False,
                    "warnings": [],
                    "errors": [{"key": "", "line": None, "column": None, "message": str(error)}],
                }
            )
            any_invalid = True
            if not as_json:
                click.echo(f"{path}: invalid\n  error         -:-  (file): {error}")
            continue
        valid = result.valid
        any_invalid |= not valid
        reports.append(
            {
                "file": str(path),
                "valid": valid,
                "errors": [_public_issue(i) for i in result.errors],
                "warnings": [_public_issue(i) for i in result.warnings],
            }
        )
        if not as_json:
            verdict = "valid" if valid else "invalid"
            click.echo(
                f"{path}: {verdict} ({len(result.errors)} errors, {len(result.warnings)} warnings)"
            )
            for line in _issue_lines(result):
                click.echo(line)
    if as_json:
        click.echo(json.dumps(reports, ensure_ascii=False, indent=2))
    sys.exit(1 if any_invalid else 0)


def _public_issue(issue: Any) -> dict[str, Any]:
    return {"key": issue.key, "line": issue.line, "column": issue.column, "message": issue.message}


@catalogue_cli.command("import")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def import_command(dry_run: bool, paths: tuple[Path, ...]) -> None:
    """Create or update components from publiccode.yml files, matched by repository URL."""
    from catalogue.migrate import upgrade
    from catalogue.services.importing import import_publiccode

    database = _database()
    upgrade(database.engine)
    rejected = 0
    with database.session() as session:
        for path in paths:
            outcome = import_publiccode(session, _read(path), source=str(path), dry_run=dry_run)
            if not outcome.accepted:
                rejected += 1
                click.echo(f"{path}: rejected")
                for line in _issue_lines(outcome.result):
                    click.echo(line)
                continue
            name = outcome.result.record["name"] if outcome.result.record else "?"
            action = (
                "would create"
                if dry_run and outcome.created
                else ("would update" if dry_run else ("created" if outcome.created else "updated"))
            )
            click.echo(
                f"{path}: {action} {name!r} ({len(outcome.changes)} changes, "
                f"{len(outcome.result.warnings)} warnings)"
            )
            for field, before, after in outcome.changes:
                click.echo(f"  {field}: {_short(before)} -> {_short(after)}")
        if dry_run:
            session.rollback()
    sys.exit(1 if rejected else 0)


def _short(value: Any, limit: int = 70) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@catalogue_cli.command("init-db")
def init_db_command() -> None:
    """Create or upgrade the schema with the migrations."""
    from catalogue.migrate import upgrade

    upgrade(_database().engine)
    click.echo("schema is up to date")


@catalogue_cli.command("seed")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to load; defaults to the project's data/.",
)
def seed_command(data_dir: Path | None) -> None:
    """Load GEMMA, municipalities, components and usage claims. Idempotent."""
    from catalogue.migrate import upgrade
    from catalogue.services.seeding import seed

    database = _database()
    upgrade(database.engine)
    folder = data_dir or Path(current_app.config["DATA_DIR"])
    try:
        with database.session() as session:
            report = seed(session, folder)
    except ValidationError as error:
        for field, messages in error.errors.items():
            click.echo(f"error: {field}: {'; '.join(messages)}", err=True)
        sys.exit(1)
    click.echo(
        f"GEMMA: {report.gemma_elements} elements, {report.gemma_relations} relations; "
        f"{report.municipalities} municipalities; {report.organisations} other organisations; "
        f"{report.components} components ({report.imported_files} from publiccode.yml, "
        f"{len(report.rejected_files)} files rejected); {report.usage_claims} usage claims; "
        f"{report.derived_facts} derived facts"
    )
    for rejected in report.rejected_files:
        click.echo(f"  rejected: {rejected}")
    for skipped in report.skipped_claims:
        click.echo(f"  skipped claim: {skipped}")


@catalogue_cli.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def export_command(directory: Path) -> None:
    """Write the catalogue as files that ``seed --data-dir`` reads back."""
    from catalogue.services.exporting import export

    with _database().session() as session:
        written = export(session, directory, reference_dir=Path(current_app.config["DATA_DIR"]))
    for path in written:
        click.echo(f"wrote {path}")


def _search_service() -> Any:
    from catalogue.search import get_service, init_app

    # The CLI works on an app whose factory has not wired search in (yet).
    init_app(current_app._get_current_object())  # type: ignore[attr-defined]
    return get_service()


@catalogue_cli.command("reindex")
@click.option(
    "--wait",
    type=float,
    default=600.0,
    show_default=True,
    help="Seconds to wait for another writer to finish.",
)
def reindex_command(wait: float) -> None:
    """Build a new search index beside the live one and swap it in."""
    service = _search_service()
    count = service.rebuild(wait=wait)
    if count is None:
        click.echo(
            f"another writer kept the search index locked for {wait:g} s; try again", err=True
        )
        sys.exit(1)
    click.echo(f"search index rebuilt with {count} documents ({service.backend.name})")


@catalogue_cli.command("check-index")
def check_index_command() -> None:
    """Report documents missing from the search index, stale or extra. Exit code 1 if any."""
    service = _search_service()
    if not service.backend.available():
        click.echo(
            f"search index ({service.backend.name}) is missing or corrupt; "
            "run `flask catalogue reindex`"
        )
        sys.exit(1)
    report = service.check()
    for label, slugs in (
        ("missing", report.missing),
        ("stale", report.stale),
        ("extra", report.extra),
    ):
        for slug in slugs:
            click.echo(f"{label:8} {slug}")
    if report.consistent:
        click.echo(f"search index ({service.backend.name}) matches the database")
        return
    click.echo(
        f"{len(report.missing)} missing, {len(report.stale)} stale, "
        f"{len(report.extra)} extra; run `flask catalogue search-sync` or `reindex`"
    )
    sys.exit(1)


@catalogue_cli.command("search-sync")
@click.option(
    "--wait",
    type=float,
    default=60.0,
    show_default=True,
    help="Seconds to wait for another writer to finish.",
)
def search_sync_command(wait: float) -> None:
    """Apply the pending search outbox to the index."""
    applied = _search_service().apply_outbox(wait=wait)
    click.echo(f"applied {applied} pending search changes")


def init_app(app: Flask) -> None:
    """Register the command group."""
    app.cli.add_command(catalogue_cli)


@catalogue_cli.command("harvest")
@click.option("--dry-run", is_flag=True, help="Fetch and judge every source; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON list, one object per source.")
@click.option(
    "--include-registered",
    is_flag=True,
    help="Also harvest the sources maintainers registered through the site (https, public only).",
)
@click.argument("sources", type=click.Path(dir_okay=False, path_type=Path))
def harvest_command(dry_run: bool, as_json: bool, include_registered: bool, sources: Path) -> None:
    """Harvest the publiccode.yml files listed in SOURCES.yaml. Exit code 1 when any failed."""
    from catalogue.errors import Conflict
    from catalogue.harvest_fetch import Fetcher
    from catalogue.migrate import upgrade
    from catalogue.services import harvesting

    config = current_app.config
    contact = config.get("HARVEST_CONTACT_URL")
    if not contact:
        click.echo(
            "error: set CATALOGUE_HARVEST_CONTACT_URL (the contact URL sent in the User-Agent)",
            err=True,
        )
        sys.exit(1)
    database = _database()
    if not dry_run:
        upgrade(database.engine)
    fetcher = Fetcher(
        contact_url=str(contact),
        timeout=float(config["HARVEST_TIMEOUT"]),
        budget=float(config["HARVEST_BUDGET"]),
        retries=int(config["HARVEST_RETRIES"]),
        backoff=float(config["HARVEST_BACKOFF"]),
    )
    settings = harvesting.Settings(
        github_api_url=str(config["GITHUB_API_URL"]),
        gitlab_api_url=str(config["GITLAB_API_URL"]),
        github_token=config.get("GITHUB_TOKEN") or None,
        gitlab_token=config.get("GITLAB_TOKEN") or None,
        dry_run=dry_run,
        include_registered=include_registered,
    )
    try:
        results = harvesting.run(database, sources, fetcher, settings)
    except Conflict as error:
        if as_json:
            click.echo("[]")
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps([r.as_json() for r in results], ensure_ascii=False, indent=2))
    else:
        for result in results:
            target = f" -> {result.component}" if result.component else ""
            prefix = "would be " if dry_run and result.status != harvesting.FAILED else ""
            click.echo(f"{result.source}: {prefix}{result.status}{target}")
            for problem in result.errors:
                where = (
                    f"{problem['line']}:{problem['column']}"
                    if problem["line"] is not None
                    else "-:-"
                )
                click.echo(
                    f"  error   {where:>9}  {problem['key'] or '(file)'}: {problem['message']}"
                )
            for problem in result.warnings:
                where = (
                    f"{problem['line']}:{problem['column']}"
                    if problem["line"] is not None
                    else "-:-"
                )
                click.echo(
                    f"  warning {where:>9}  {problem['key'] or '(file)'}: {problem['message']}"
                )
    sys.exit(1 if any(r.status == harvesting.FAILED for r in results) else 0)
