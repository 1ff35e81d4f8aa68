"""``flask --app app catalogue ...``: the CLI, a third surface on the same services as the pages
and the API.

One module per area, each registering its commands on the ``catalogue`` group:

- ``publiccode``: validate, import (publiccode.yml files);
- ``data``: init-db, seed, export (the catalogue as the files of ``data/``);
- ``search``: reindex, check-index, search-sync;
- ``harvest``: harvest (SOURCES.yaml);
- ``accounts``: create-user;
- ``landscape``: landscape import, landscape export (AMEFF).

Long work shows a progress bar on a terminal (``progress.py``).
"""

from __future__ import annotations

from flask import Flask

from catalogue.cli import accounts, data, harvest, landscape, publiccode, search
from catalogue.cli.common import catalogue_cli

__all__ = ["catalogue_cli", "init_app"]

# Imported for the commands they register on the group.
COMMAND_MODULES = (accounts, data, harvest, landscape, publiccode, search)


def init_app(app: Flask) -> None:
    """Register the command group."""
    app.cli.add_command(catalogue_cli)
