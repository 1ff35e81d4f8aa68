"""The results of a parse and the located, bilingual issues they carry."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from catalogue.publiccode.nodes import _Node


@dataclass(frozen=True)
class Issue:
    """One problem found in a publiccode.yml file, located where possible."""

    key: str
    line: int | None
    column: int | None
    message: str
    message_nl: str
    code: str

    def as_dict(self) -> dict[str, object]:
        """Return the issue as a plain dict (for JSON and templates)."""
        return {
            "key": self.key,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "message_nl": self.message_nl,
            "code": self.code,
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


def _issue(code: str, key: str, where: _Node | tuple[int, int] | None, en: str, nl: str) -> Issue:
    line: int | None
    column: int | None
    if isinstance(where, _Node):
        line, column = where.line, where.column
    elif where is None:
        line = column = None
    else:
        line, column = where
    return Issue(key=key, line=line, column=column, message=en, message_nl=nl, code=code)


def _expected_nl(expected: str) -> str:
    return {
        "text": "tekst",
        "a list": "een lijst",
        "a mapping": "een groep velden",
        "true or false": "true of false",
        "a text key": "een veldnaam als tekst",
    }.get(expected, expected)


def _nl_when(when: str) -> str:
    match = re.search(r'"type" is "(\w+)"', when)
    return f' als type "{match.group(1)}" is' if match else ""


def _quoted_list(values: tuple[str, ...] | list[str]) -> str:
    quoted = [f'"{value}"' for value in values]
    return ", ".join(quoted[:-1]) + f" or {quoted[-1]}" if len(quoted) > 1 else quoted[0]
