"""``catalogue reindex``, ``check-index`` and ``search-sync``: the search index."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click
from flask import current_app

from catalogue.cli.common import catalogue_cli
from catalogue.cli.progress import progress_bar

if TYPE_CHECKING:
    from catalogue.search import SearchService


def _search_service() -> SearchService:
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
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as one JSON object.")
def reindex_command(wait: float, as_json: bool) -> None:
    """Build a new search index beside the live one and swap it in."""
    service = _search_service()
    with progress_bar("Indexing components", quiet=as_json) as progress:
        count = service.rebuild(wait=wait, progress=progress)
    if count is None:
        click.echo(
            f"another writer kept the search index locked for {wait:g} s; try again", err=True
        )
        sys.exit(1)
    if as_json:
        click.echo(json.dumps({"documents": count, "backend": service.backend.name}))
        return
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
