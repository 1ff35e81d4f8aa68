"""``catalogue harvest``: fetch and import the publiccode.yml files listed in SOURCES.yaml."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from flask import current_app

from catalogue.cli.common import catalogue_cli, database
from catalogue.cli.progress import progress_bar


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
    if not dry_run:
        upgrade(database().engine)
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
        with progress_bar("Harvesting sources", quiet=as_json) as progress:
            results = harvesting.run(database(), sources, fetcher, settings, progress=progress)
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
                click.echo(_problem_line("error  ", problem))
            for problem in result.warnings:
                click.echo(_problem_line("warning", problem))
    sys.exit(1 if any(r.status == harvesting.FAILED for r in results) else 0)


def _problem_line(label: str, problem: dict[str, Any]) -> str:
    where = f"{problem['line']}:{problem['column']}" if problem["line"] is not None else "-:-"
    return f"  {label} {where:>9}  {problem['key'] or '(file)'}: {problem['message']}"
