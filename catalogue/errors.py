"""Domain errors raised by services; each surface (pages, API, CLI) maps them once."""

from __future__ import annotations


class CatalogueError(Exception):
    """Base class of the domain errors."""


class NotFound(CatalogueError):
    """The record does not exist."""


class NotAuthorized(CatalogueError):
    """The actor may not do this."""


class Conflict(CatalogueError):
    """Someone else changed the record since it was read."""


class ValidationError(CatalogueError):
    """Input was refused; ``errors`` maps a field name to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        summary = "; ".join(f"{field}: {', '.join(msgs)}" for field, msgs in errors.items())
        super().__init__(summary)
