"""SOURCES.yaml, and what the harvester says about each source: a status, errors, warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from catalogue.errors import ErrorCode, FieldError

CREATED, UPDATED, UNCHANGED, FAILED = "created", "updated", "unchanged", "failed"
STATUSES = (CREATED, UPDATED, UNCHANGED, FAILED)
SOURCE_KEYS = ("url", "github_org", "gitlab_group")
# The keys of an error or warning in the report (the CLI's --json, HarvestRun.results).
ISSUE_KEYS = ("key", "line", "column", "message")


GONE = frozenset({404, 410})


@dataclass
class SourceSpec:
    """One entry of SOURCES.yaml, with where it stands in the file."""

    kind: str
    value: str
    line: int
    column: int


@dataclass
class SourceResult:
    """The outcome of one source: the contract's JSON object.

    An error met while fetching or importing also carries ``code``, ``params`` and ``url``
    (:func:`coded_issue`), which the source keeps (``HarvestSource.last_errors``) so pages can
    word it in the reader's language; the report shows the contract's keys only.
    """

    source: str
    status: str
    component: str | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """``{"source", "status", "component", "errors", "warnings"}``."""
        return {
            "source": self.source,
            "status": self.status,
            "component": self.component,
            "errors": [_reported(item) for item in self.errors],
            "warnings": [_reported(item) for item in self.warnings],
        }


def issue(
    message: str, *, key: str = "", line: int | None = None, column: int | None = None
) -> dict[str, Any]:
    """One error or warning in the contract's shape; a refusal (:class:`FieldError`) also
    carries its ``code`` and ``params`` (the report shows the contract's keys, ``message`` the
    English text)."""
    found: dict[str, Any] = {"key": key, "line": line, "column": column, "message": str(message)}
    if isinstance(message, FieldError):
        found |= {"code": message.code.value, "params": message.params_as_json()}
    return found


def coded_issue(
    error: FieldError,
    *,
    url: str,
    key: str = "",
    line: int | None = None,
    column: int | None = None,
) -> dict[str, Any]:
    """An error the source keeps: the contract's keys (``message`` is the English text) with the
    error's ``code`` and ``params`` and the ``url`` it concerns (the source, or where a redirect
    led)."""
    return {**issue(error, key=key, line=line, column=column), "url": url}


def _reported(item: dict[str, Any]) -> dict[str, Any]:
    return {key: item.get(key) for key in ISSUE_KEYS}


def read_sources(text: str, name: str) -> tuple[list[SourceSpec], list[SourceResult]]:
    """Parse SOURCES.yaml: (good entries, failed results for the bad ones, with line/column)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = str(getattr(error, "problem", None) or error)
        return [], [
            SourceResult(
                source=name,
                status=FAILED,
                errors=[
                    issue(
                        FieldError(ErrorCode.SOURCES_NOT_YAML, name=name, problem=problem),
                        line=mark.line + 1 if mark else None,
                        column=mark.column + 1 if mark else None,
                    )
                ],
            )
        ]
    if root is None:
        return [], []
    if not isinstance(root, yaml.SequenceNode):
        return [], [
            SourceResult(
                source=name,
                status=FAILED,
                errors=[
                    issue(
                        FieldError(ErrorCode.SOURCES_NOT_A_LIST, name=name),
                        line=root.start_mark.line + 1,
                        column=root.start_mark.column + 1,
                    )
                ],
            )
        ]
    specs: list[SourceSpec] = []
    failed: list[SourceResult] = []
    for number, node in enumerate(root.value, start=1):
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        spec = _spec_of(node, line, column)
        if isinstance(spec, SourceSpec):
            specs.append(spec)
            continue
        failed.append(
            SourceResult(
                source=f"{name}: item {number}",
                status=FAILED,
                errors=[issue(spec, line=line, column=column)],
            )
        )
    return specs, failed


def _spec_of(node: yaml.Node, line: int, column: int) -> SourceSpec | FieldError:
    """The entry at ``node``, or why it is refused."""
    if not isinstance(node, yaml.MappingNode):
        return FieldError(ErrorCode.SOURCE_ENTRY_SHAPE)
    pairs = [(k.value, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]
    keys = [key for key, _ in pairs if key in SOURCE_KEYS]
    unknown = [str(key) for key, _ in pairs if key not in SOURCE_KEYS]
    if unknown:
        return FieldError(ErrorCode.SOURCE_ENTRY_UNKNOWN_KEYS, keys=", ".join(unknown))
    if len(keys) != 1:
        return FieldError(ErrorCode.SOURCE_ENTRY_SHAPE)
    value_node = dict(pairs)[keys[0]]
    if not isinstance(value_node, yaml.ScalarNode) or not str(value_node.value).strip():
        return FieldError(ErrorCode.SOURCE_VALUE_NOT_TEXT, key=keys[0])
    value = str(value_node.value).strip()
    if keys[0] == "url" and not value.startswith(("http://", "https://")):
        return FieldError(ErrorCode.SOURCE_URL_NOT_HTTP)
    return SourceSpec(kind=keys[0], value=value, line=line, column=column)
