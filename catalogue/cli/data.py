"""``catalogue init-db``, ``seed`` and ``export``: the schema, and the catalogue as the files of
``data/`` (``export`` writes what ``seed --data-dir`` reads back)."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import click
from flask import current_app

from catalogue.cli.common import catalogue_cli, database
from catalogue.cli.progress import progress_bar
from catalogue.errors import ValidationError


@catalogue_cli.command("init-db")
def init_db_command() -> None:
    """Create or upgrade the schema with the migrations."""
    from catalogue.migrate import upgrade

    upgrade(database().engine)
    click.echo("schema is up to date")


@catalogue_cli.command("seed")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to load; defaults to the project's data/.",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was loaded as one JSON object.")
def seed_command(data_dir: Path | None, as_json: bool) -> None:
    """Load GEMMA, municipalities, components and usage claims. Idempotent."""
    from catalogue.migrate import upgrade
    from catalogue.services.seeding import seed

    upgrade(database().engine)
    folder = data_dir or Path(current_app.config["DATA_DIR"])
    try:
        with database().session() as session:
            with progress_bar("Seeding components", quiet=as_json) as progress:
                report = seed(session, folder, progress=progress)
    except ValidationError as error:
        for field, messages in error.errors.items():
            click.echo(f"error: {field}: {'; '.join(messages)}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(report), ensure_ascii=False, indent=2))
        return
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
@click.option("--json", "as_json", is_flag=True, help="Print the written files as one JSON list.")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def export_command(as_json: bool, directory: Path) -> None:
    """Write the catalogue as files that ``seed --data-dir`` reads back."""
    from catalogue.services.exporting import export

    reference_dir = Path(current_app.config["DATA_DIR"])
    with database().session() as session:
        with progress_bar("Exporting components", quiet=as_json) as progress:
            written = export(session, directory, reference_dir=reference_dir, progress=progress)
    if as_json:
        click.echo(json.dumps([str(path) for path in written], ensure_ascii=False, indent=2))
        return
    for path in written:
        click.echo(f"wrote {path}")
