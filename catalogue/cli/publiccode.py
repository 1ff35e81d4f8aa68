"""``catalogue validate`` and ``catalogue import``: publiccode.yml files, checked or imported."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from catalogue.cli.common import catalogue_cli, database
from catalogue.cli.progress import progress_bar
from catalogue.publiccode import ParseResult, parse
from catalogue.services.importing import ImportOutcome, read_publiccode


def issue_lines(result: ParseResult) -> list[str]:
    """One line per error and warning, with its line and column."""
    lines = []
    for label, issues in (("error", result.errors), ("warning", result.warnings)):
        for issue in issues:
            where = f"{issue.line}:{issue.column}" if issue.line is not None else "-:-"
            lines.append(f"  {label:7} {where:>9}  {issue.key or '(document)'}: {issue.message}")
    return lines


def _public_issue(issue: Any) -> dict[str, Any]:
    return {"key": issue.key, "line": issue.line, "column": issue.column, "message": issue.message}


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
            result = parse(read_publiccode(path), strict=strict)
        except OSError as error:
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
            for line in issue_lines(result):
                click.echo(line)
    if as_json:
        click.echo(json.dumps(reports, ensure_ascii=False, indent=2))
    sys.exit(1 if any_invalid else 0)


@catalogue_cli.command("import")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON list, one object per file.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def import_command(dry_run: bool, as_json: bool, paths: tuple[Path, ...]) -> None:
    """Create or update components from publiccode.yml files, matched by repository URL."""
    from catalogue.migrate import upgrade
    from catalogue.services.importing import import_files

    upgrade(database().engine)
    with database().session() as session:
        with progress_bar("Importing files", quiet=as_json) as progress:
            outcomes = import_files(session, paths, dry_run=dry_run, progress=progress)
        if as_json:
            click.echo(
                json.dumps([_outcome_json(o) for o in outcomes], ensure_ascii=False, indent=2)
            )
        else:
            for outcome in outcomes:
                _echo_outcome(outcome)
        if dry_run:
            session.rollback()
    sys.exit(1 if any(not outcome.accepted for outcome in outcomes) else 0)


def _action(outcome: ImportOutcome) -> str:
    if not outcome.accepted:
        return "rejected"
    if outcome.dry_run:
        return "would create" if outcome.created else "would update"
    return "created" if outcome.created else "updated"


def _echo_outcome(outcome: ImportOutcome) -> None:
    if not outcome.accepted:
        click.echo(f"{outcome.source}: rejected")
        for line in issue_lines(outcome.result):
            click.echo(line)
        return
    name = outcome.result.record["name"] if outcome.result.record else "?"
    click.echo(
        f"{outcome.source}: {_action(outcome)} {name!r} ({len(outcome.changes)} changes, "
        f"{len(outcome.result.warnings)} warnings)"
    )
    for field, before, after in outcome.changes:
        click.echo(f"  {field}: {_short(before)} -> {_short(after)}")


def _outcome_json(outcome: ImportOutcome) -> dict[str, Any]:
    record = outcome.result.record
    return {
        "file": outcome.source,
        "action": _action(outcome),
        "name": record["name"] if record else None,
        "changes": [field for field, _before, _after in outcome.changes],
        "errors": [_public_issue(i) for i in outcome.result.errors],
        "warnings": [_public_issue(i) for i in outcome.result.warnings],
    }


def _short(value: Any, limit: int = 70) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
