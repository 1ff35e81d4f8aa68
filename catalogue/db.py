"""Engine and session handling: one Session per request, committed by the view, never by services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

# The database cannot be reached (or is locked): a passing condition, answered 503, never 500.
UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)


def make_engine(url: str, **options: Any) -> Engine:
    """Create an engine; SQLite gets foreign keys and a busy timeout so two writers wait, not fail."""
    if url.startswith("sqlite"):
        options.setdefault("connect_args", {"timeout": 30})
    engine = create_engine(url, **options)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

    return engine


class Database:
    """Holds the engine and the session factory of one app."""

    def __init__(self, url: str, **options: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **options)
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for CLI and background work: commits on success, rolls back on error."""
        session = self.session_factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def ping(self) -> str | None:
        """None when the database answers a trivial query; otherwise why not, in one line."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("select 1"))
        except UNAVAILABLE_ERRORS as error:
            return str(error).splitlines()[0][:200]
        return None

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
