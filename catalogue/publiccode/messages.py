"""The results of a parse and the located issues they carry, each worded in English and Dutch
from the one gettext catalogue (``texts``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from catalogue.issue_texts import gettext_in
from catalogue.publiccode.nodes import _Node
from catalogue.publiccode.texts import text


@dataclass(frozen=True)
class Issue:
    """One problem found in a publiccode.yml file, located where possible.

    ``code`` is stable (clients and tests may rely on it); ``template`` names the issue's text
    (``texts.TEXTS``) and ``params`` fill it (JSON-safe values). ``message`` (English) and
    ``message_nl`` (Dutch) are that text worded from the catalogue.
    """

    key: str
    line: int | None
    column: int | None
    code: str
    template: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def message(self) -> str:
        """The text in English."""
        return text(self.template, self.params, gettext_in("en"))

    @property
    def message_nl(self) -> str:
        """The text in Dutch."""
        return text(self.template, self.params, gettext_in("nl"))

    def as_dict(self) -> dict[str, object]:
        """Return the issue as a plain dict (for JSON and templates): the texts in both
        languages as worded now, and the template and params to word it again."""
        return {
            "key": self.key,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "message_nl": self.message_nl,
            "code": self.code,
            "template": self.template,
            "params": dict(self.params),
        }


@dataclass(frozen=True)
class ParseResult:
    """The outcome of `parse`: a verdict, the normalised record and the located issues."""

    valid: bool
    version: str | None
    record: dict[str, Any] | None
    errors: tuple[Issue, ...]
    warnings: tuple[Issue, ...]


class PubliccodeError(Exception):
    """Raised inside the reader to stop at an input it must refuse; never escapes `parse`."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.message)
        self.issue = issue


def _issue(
    code: str,
    key: str,
    where: _Node | tuple[int, int] | None,
    template: str | None = None,
    /,
    **params: Any,
) -> Issue:
    """An issue with its code, place, text (``template``, the code when not given) and the
    parameters of that text."""
    line: int | None
    column: int | None
    if isinstance(where, _Node):
        line, column = where.line, where.column
    elif where is None:
        line = column = None
    else:
        line, column = where
    values = {name: list(v) if isinstance(v, tuple) else v for name, v in params.items()}
    return Issue(key, line, column, code, template or code, values)
