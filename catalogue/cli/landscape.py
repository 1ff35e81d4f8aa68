"""``flask --app app catalogue landscape import|export``: an organisation's landscape as AMEFF.

The contract is exact:

- ``flask --app app catalogue landscape import --organisation CODE [--dry-run] [--json] FILE``
- ``flask --app app catalogue landscape export --organisation CODE FILE``

CODE is a CBS code (GM0197) or an organisation's slug. Whoever has shell access is trusted, as
for ``create-user``: the command acts for the organisation without a member account.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from sqlalchemy.orm import Session

from catalogue import ameff
from catalogue.cli.common import catalogue_cli, database
from catalogue.errors import NotFound, ValidationError
from catalogue.models import Organisation
from catalogue.services import landscapes, organisations


@catalogue_cli.group("landscape")
def landscape_group() -> None:
    """An organisation's own application landscape, in and out of ArchiMate (AMEFF 3.x)."""


def _organisation(session: Session, code: str) -> Organisation:
    try:
        return organisations.resolve_organisation(session, code.strip())
    except NotFound as error:
        raise click.ClickException(
            f"no organisation {code!r} (use its CBS code or slug)"
        ) from error


@landscape_group.command("import")
@click.option("--organisation", "code", required=True, help="CBS code (GM0197) or slug.")
@click.option("--dry-run", is_flag=True, help="Read and report; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(code: str, dry_run: bool, as_json: bool, path: Path) -> None:
    """Import an ArchiMate exchange file as the organisation's landscape (a new revision)."""
    with path.open("rb") as handle:
        data = handle.read(ameff.MAX_BYTES + 1)
    with database().session() as session:
        organisation = _organisation(session, code)
        try:
            reading, revision = landscapes.import_file(
                session,
                organisation,
                data,
                actor=None,
                expected_version=None,
                origin="cli",
                dry_run=dry_run,
                trusted=True,
                note=path.name,
            )
        except ameff.AmeffError as error:
            raise click.ClickException(f"{path}: {error}") from error
        except ValidationError as error:
            raise click.ClickException(str(error)) from error
        if as_json:
            click.echo(json.dumps(reading.as_dict(code), ensure_ascii=False, indent=2))
            return
        matched = sum(1 for a in reading.applications if a.component)
        click.echo(
            f"{path}: {len(reading.applications)} applications ({matched} in the catalogue, "
            f"{len(reading.applications) - matched} other), {reading.reference_components} "
            f"reference components, {reading.ignored} other elements ignored, "
            f"{len(reading.warnings)} warnings"
        )
        for warning in reading.warnings:
            where = f"line {warning.line}" if warning.line is not None else "-"
            click.echo(f"  warning  {where:>10}  {warning.element or '(file)'}: {warning.message}")
        if revision is None:
            click.echo("Dry run: nothing was written.")
        else:
            click.echo(f"Saved as revision {revision.number}.")


@landscape_group.command("export")
@click.option("--organisation", "code", required=True, help="CBS code (GM0197) or slug.")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_command(code: str, path: Path) -> None:
    """Write the organisation's landscape as an ArchiMate exchange file (opens in Archi)."""
    with database().session() as session:
        organisation = _organisation(session, code)
        data = landscapes.export_file(session, organisation, actor=None, trusted=True)
        view = landscapes.landscape_of(session, organisation, actor=None, trusted=True)
    path.write_bytes(data)
    click.echo(f"Wrote {len(view.applications)} applications to {path}.")
