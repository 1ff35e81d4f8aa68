"""Validation checks: what publishing a submission would meet, found without writing anything.

The dry run (:func:`preview`), the completeness score with its hints, the check of a
publiccode.yml file, and whether the component changed since the submission started.

The issues found here carry an error code and its parameters (``code``/``params``), which the
web layer words through gettext; those the publiccode.yml parser found (``file_issues``) carry
the parser's own code, the template of their text and its params (worded through the same
catalogue), with the English and Dutch text as worded when the file was read
(``message``/``message_nl``; issues stored before templates were kept have only those).
Completeness hints are codes the web layer words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue import documents
from catalogue.errors import ErrorCode, FieldError, ValidationError, parser_issue
from catalogue.models import Component, DevelopmentStatus, Organisation, Submission, User
from catalogue.publiccode import ParseResult, is_spdx_expression, parse
from catalogue.services.components import document_of, find_by_url
from catalogue.services.gemma import elements_by_gemma_id
from catalogue.services.submissions.queries import (
    components_by_slug,
    current_document,
    get_submission,
)
from catalogue.text import slugify


@dataclass(frozen=True)
class Hint:
    """A concrete way to make the entry more complete, worth ``points``."""

    code: str
    points: int


@dataclass(frozen=True)
class Completeness:
    """How complete a document is, with what would make it more so."""

    score: int
    maximum: int
    hints: list[Hint]

    @property
    def percent(self) -> int:
        """The score as a whole percentage."""
        return round(100 * self.score / self.maximum) if self.maximum else 100


@dataclass(frozen=True)
class Preview:
    """What publishing the submission would do, and what is wrong with it (a dry run)."""

    submission: Submission
    created: bool
    changes: list[tuple[str, Any, Any]]
    issues: list[dict[str, Any]]
    resolved: list[dict[str, Any]]
    completeness: Completeness
    stale: bool

    @property
    def errors(self) -> list[dict[str, Any]]:
        """Issues that stop publication."""
        return [i for i in self.issues if i["level"] == "error"]

    @property
    def warnings(self) -> list[dict[str, Any]]:
        """Issues that do not stop publication."""
        return [i for i in self.issues if i["level"] == "warning"]


@dataclass(frozen=True)
class ConflictView:
    """Both versions of a component when a submission is out of date."""

    submission: Submission
    current: dict[str, Any]
    proposed: dict[str, Any]
    theirs: list[tuple[str, Any, Any]]
    mine: list[tuple[str, Any, Any]]
    both: list[str] = field(default_factory=list)


def completeness(document: Mapping[str, Any]) -> Completeness:
    """Score a document and list concrete hints, most valuable first."""
    descriptions = document.get("descriptions") or {}

    def text(language: str, key: str) -> bool:
        return bool(((descriptions.get(language) or {}).get(key) or "").strip())

    features = any((texts or {}).get("features") for texts in descriptions.values())
    licence = str(document.get("license") or "")
    maintenance = document.get("maintenance") or {}
    checks = [
        ("reference_component", 3, bool(document.get("reference_components"))),
        ("short_description_nl", 2, text("nl", "short_description")),
        ("long_description_nl", 2, text("nl", "long_description")),
        ("description_en", 2, text("en", "short_description")),
        ("license", 2, is_spdx_expression(licence) if licence else False),
        ("long_description_en", 1, text("en", "long_description")),
        ("features", 1, features),
        ("standards", 1, bool(document.get("standards"))),
        ("common_ground_layer", 1, bool(document.get("common_ground_layer"))),
        ("hosting_models", 1, bool(document.get("hosting_models"))),
        ("development_status", 1, bool(document.get("development_status"))),
        ("maintenance", 1, bool(maintenance.get("type"))),
        ("landing_url", 1, bool(document.get("landing_url"))),
    ]
    score = sum(points for _code, points, done in checks if done)
    maximum = sum(points for _code, points, _done in checks)
    hints = [Hint(code, points) for code, points, done in checks if not done]
    return Completeness(score=score, maximum=maximum, hints=hints)


def preview(session: Session, submission_id: int, *, actor: User) -> Preview:
    """A dry run: the diff against the published version, every issue, the completeness score."""
    submission = get_submission(session, submission_id, actor=actor)
    current = current_document(session, submission)
    proposed = submission.document
    remaining, resolved = _file_issues(submission)
    return Preview(
        submission=submission,
        created=submission.component_id is None,
        changes=documents.diff(current, proposed),
        issues=remaining + check_document(session, submission),
        resolved=resolved,
        completeness=completeness(proposed),
        stale=_is_stale(session, submission),
    )


def _file_issues(submission: Submission) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The issues the parser stored with the submission's file: (remaining, resolved), those
    whose field was edited since resolved."""
    file_issues = [dict(i) for i in submission.file_issues or []]
    edited = set(submission.edited_fields or [])
    resolved = [i for i in file_issues if field_of_key(str(i.get("key") or "")) in edited]
    return [i for i in file_issues if i not in resolved], resolved


def blocking_issues(session: Session, submission: Submission) -> list[dict[str, Any]]:
    """The errors that stop submitting and publishing, as the preview lists them: those the
    parser stored with the file that no edit resolved, then those of :func:`check_document`."""
    remaining, _resolved = _file_issues(submission)
    issues = remaining + check_document(session, submission)
    return [i for i in issues if i.get("level") == "error"]


def check_document(session: Session, submission: Submission) -> list[dict[str, Any]]:
    """Problems publishing would meet, found without writing anything.

    Each issue carries its ``code`` (an :class:`ErrorCode` value) and ``params``, not words: the
    pages word it in the reader's language, and :func:`issue_error` makes it a ``FieldError``.
    """
    document = submission.document
    issues: list[dict[str, Any]] = []
    name = str(document.get("name") or "").strip()
    url = str(document.get("url") or "").strip()
    if not name:
        issues.append(_issue("error", "name", ErrorCode.NAME_REQUIRED))
    if not url:
        issues.append(_issue("error", "url", ErrorCode.URL_REQUIRED))
    elif not url.startswith(("https://", "http://")):
        issues.append(_issue("error", "url", ErrorCode.URL_NOT_HTTPS))
    if url and submission.component_id is None:
        existing = find_by_url(session, url)
        if existing is not None:
            issues.append(
                _issue("error", "url", ErrorCode.REPOSITORY_IN_CATALOGUE, name=existing.name)
            )
        elif name and session.scalar(select(Component.id).where(Component.slug == slugify(name))):
            issues.append(_issue("error", "name", ErrorCode.NAME_TAKEN))
    licence = str(document.get("license") or "")
    if licence and not is_spdx_expression(licence):
        issues.append(_issue("warning", "license", ErrorCode.LICENCE_NOT_SPDX, licence=licence))
    organisation = document.get("maintaining_organisation")
    if organisation and not _organisation_exists(session, str(organisation)):
        issues.append(
            _issue(
                "error",
                "maintaining_organisation",
                ErrorCode.MAINTAINER_UNKNOWN,
                organisation=str(organisation),
            )
        )
    gemma_ids = [str(link.get("gemma_id")) for link in document.get("reference_components") or []]
    gemma_ids += [str(s["gemma_id"]) for s in document.get("standards") or [] if s.get("gemma_id")]
    known = elements_by_gemma_id(session, gemma_ids)
    for gemma_id in gemma_ids:
        if gemma_id not in known:
            issues.append(
                _issue(
                    "error", "reference_components", ErrorCode.GEMMA_ID_UNKNOWN, gemma_id=gemma_id
                )
            )
    slugs = [str(r.get("component")) for r in document.get("requires") or []]
    found = components_by_slug(session, slugs)
    for slug in slugs:
        if slug not in found:
            issues.append(_issue("error", "requires", ErrorCode.REQUIRES_UNKNOWN, slug=slug))
    status = document.get("development_status")
    if status and status not in {s.value for s in DevelopmentStatus}:
        issues.append(
            _issue("error", "development_status", ErrorCode.STATUS_UNKNOWN, status=str(status))
        )
    if name and url:
        for path, messages in documents.validate(document, "").items():
            key = path.lstrip(".")
            for message in messages:
                issues.append(
                    _issue("error", key, ErrorCode.DOCUMENT_FIELD, key=key, message=str(message))
                )
    return issues


def _issue(level: str, key: str, code: ErrorCode, /, **params: Any) -> dict[str, Any]:
    return {
        "level": level,
        "key": key,
        "line": None,
        "column": None,
        "code": code.value,
        "params": params,
    }


_CHECK_CODES = frozenset(code.value for code in ErrorCode)


def is_check_issue(issue: Mapping[str, Any]) -> bool:
    """True for an issue of :func:`check_document` (an ``ErrorCode`` and its params); False for
    one the publiccode parser found (its own codes, a template and params: ``Issue.as_dict``)."""
    return issue.get("code") in _CHECK_CODES and "template" not in issue


def issue_error(issue: Mapping[str, Any]) -> FieldError:
    """An issue as a field's refusal: its own code for one of :func:`check_document`;
    ``publiccode_issue`` for one the publiccode parser stored, with its place, its texts and
    the template and params a page words it from (``errors.parser_issue``)."""
    if is_check_issue(issue):
        return FieldError(ErrorCode(issue["code"]), **issue["params"])
    return _parser_error(ErrorCode.PUBLICCODE_ISSUE, issue)


def _parser_error(code: ErrorCode, issue: Mapping[str, Any]) -> FieldError:
    """A parser's issue as a refusal: its place (key, line and column, or ``(document)`` and
    ``-`` where it has none), its texts, and what words it anew (``errors.parser_issue``)."""
    return parser_issue(
        code,
        issue,
        key=issue.get("key") or "(document)",
        line=issue.get("line") or "-",
        column=issue.get("column") or "-",
    )


def _organisation_exists(session: Session, reference: str) -> bool:
    column = Organisation.cbs_code if reference.upper().startswith("GM") else Organisation.slug
    value = reference.upper() if column is Organisation.cbs_code else reference
    return session.scalar(select(Organisation.id).where(column == value)) is not None


def _is_stale(session: Session, submission: Submission) -> bool:
    """True when the component changed (or appeared) since the submission started."""
    if submission.component_id is None:
        if submission.base_version is not None:
            return True  # the component it edits was removed or merged away
        url = str(submission.document.get("url") or "")
        return bool(url) and find_by_url(session, url) is not None
    component = session.get(Component, submission.component_id)
    return component is None or component.version != submission.base_version


def conflict_view(session: Session, submission_id: int, *, actor: User) -> ConflictView:
    """The published version and the proposed one side by side, with who changed what."""
    submission = get_submission(session, submission_id, actor=actor)
    current = current_document(session, submission)
    if current is None:
        existing = find_by_url(session, str(submission.document.get("url") or ""))
        current = documents.jsonable(document_of(existing)) if existing is not None else {}
    base = submission.base_document or {}
    theirs = documents.diff(base, current) if base else documents.diff(None, current)
    mine = documents.diff(base or None, submission.document)
    both = sorted({f for f, _a, _b in theirs} & {f for f, _a, _b in mine})
    return ConflictView(
        submission=submission,
        current=current,
        proposed=submission.document,
        theirs=theirs,
        mine=mine,
        both=both,
    )


# A publiccode.yml key (its first parts) -> the document key it fills.
_PUBLICCODE_FIELDS = {
    "name": "name",
    "url": "url",
    "landingURL": "landing_url",
    "developmentStatus": "development_status",
    "softwareType": "software_type",
    "softwareVersion": "software_version",
    "releaseDate": "release_date",
    "logo": "logo",
    "roadmap": "roadmap",
    "platforms": "platforms",
    "categories": "categories",
    "legal.license": "license",
    "legal.mainCopyrightOwner": "main_copyright_owner",
    "legal.repoOwner": "repo_owner",
    "maintenance": "maintenance",
    "localisation": "localisation",
    "description": "descriptions",
    "dependsOn": "dependencies",
    "nl.commonground": "common_ground_layer",
    "NL.commonground": "common_ground_layer",
}


def field_of_key(key: str) -> str | None:
    """The document key that a publiccode.yml key fills, if any (``legal.license`` -> ``license``)."""
    parts = key.split(".")
    for length in (2, 1):
        found = _PUBLICCODE_FIELDS.get(".".join(parts[:length]).split("[")[0])
        if found:
            return found
    return None


def check_publiccode(data: bytes | str) -> ParseResult:
    """Read a publiccode.yml leniently, as the importer does; never raises on bad input."""
    return parse(data)


def _file_document(result: ParseResult) -> dict[str, Any]:
    """The component document a read publiccode.yml proposes; a file the parser cannot
    understand raises ValidationError with its located errors."""
    if result.record is None:
        raise ValidationError(
            {
                "publiccode": [
                    _parser_error(ErrorCode.PUBLICCODE_UNREADABLE, issue.as_dict())
                    for issue in result.errors
                ]
            }
        )
    return documents.document_from_publiccode(result.record)


def issues_of(result: ParseResult) -> list[dict[str, Any]]:
    """The located issues of a parse, with their level, as plain dicts."""
    return [
        {**issue.as_dict(), "level": level}
        for level, issues in (("error", result.errors), ("warning", result.warnings))
        for issue in issues
    ]
