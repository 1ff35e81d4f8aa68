"""What every command module shares: the ``catalogue`` group and the app's database."""

from __future__ import annotations

from flask import current_app
from flask.cli import AppGroup

from catalogue.db import Database

catalogue_cli = AppGroup("catalogue", help="Manage the component catalogue.")


def database() -> Database:
    """The current app's database."""
    found: Database = current_app.extensions["catalogue_db"]
    return found
