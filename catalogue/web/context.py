"""The request's database session: opened on first use, closed at teardown, committed by views."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g
from sqlalchemy.orm import Session


def db_session() -> Session:
    """The Session of the current request."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["catalogue_db"].session_factory()
    session: Session = g.db_session
    return session


def init_app(app: Flask) -> None:
    """Close the request's session when the request ends."""

    @app.teardown_appcontext
    def _close_session(_error: BaseException | None) -> None:
        session: Any = g.pop("db_session", None)
        if session is not None:
            session.close()
