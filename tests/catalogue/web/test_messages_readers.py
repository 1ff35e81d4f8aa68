"""The publiccode.yml parser's issues on the pages: worded in the reader's language from their
template and params (through Flask-Babel, the one catalogue); issues stored before those were
kept read as they were stored, in the language the page asks for. So are the refusals that
carry one (``publiccode_unreadable``, ``publiccode_issue``) and a rejected import's status."""

from __future__ import annotations

import re
from typing import Any

import pytest
from markupsafe import escape

from catalogue.errors import ErrorCode, ValidationError
from catalogue.models import ImportRecord, Submission, SubmissionStatus
from catalogue.publiccode import Issue, parse
from catalogue.services import accounts, importing, submissions
from catalogue.web.errors import coded
from tests.accounts import Account, csrf_of, sign_in
from tests.conftest import ROOT
from tests.factories import make_component

BAG = ROOT / "data" / "publiccode" / "dutch" / "ConductionNL__bag_publiccode.yml"
SIGNALEN = ROOT / "data" / "municipalities" / "raw" / "signals-frontend_publiccode.yml"
# As an issue was stored before its template and params were kept.
OLD_ISSUE = {
    "key": "legal.license",
    "line": 1,
    "column": 1,
    "message": "As the parser worded it then",
    "message_nl": "Zoals de lezer het toen zei",
    "code": "missing-key",
    "level": "warning",
}
# Texts stored beside a template and params, which the pages do not show: they word anew.
STALE = {"message": "Stale English", "message_nl": "Verouderd Nederlands"}
# A file the parser refuses: a YAML syntax error on line 2.
BROKEN = "name: x\nurl: [unclosed\n"


def _page(client: Any, path: str, lang: str) -> str:
    response = client.get(f"{path}?lang={lang}")
    assert response.status_code == 200, path
    return str(response.get_data(as_text=True))


def _shows(page: str, text: str) -> bool:
    return str(escape(text)) in page


def _only_in_its_language(client: Any, path: str, issue: Issue | dict[str, Any]) -> None:
    english, dutch = (
        (issue.message, issue.message_nl)
        if isinstance(issue, Issue)
        else (issue["message"], issue["message_nl"])
    )
    assert english != dutch
    nl = _page(client, path, "nl")
    assert _shows(nl, dutch) and not _shows(nl, english)
    en = _page(client, path, "en")
    assert _shows(en, english) and not _shows(en, dutch)


@pytest.mark.both_backends
def test_a_submissions_file_issues_read_in_the_readers_language(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    text = BAG.read_text(encoding="utf-8")
    licence = next(i for i in parse(text).warnings if i.key == "legal.license")
    assert licence.code == "missing-key" and licence.params == {"name": "license"}
    client = sign_in(app.test_client(), accounts_of["outsider"])
    path = "/bijdragen/publiccode"
    uploaded = client.post(path, data={"csrf_token": csrf_of(client, path), "text": text})
    assert uploaded.status_code == 302
    number = int(uploaded.headers["Location"].rstrip("/").split("/")[-1])
    preview = f"/bijdragen/{number}"
    _only_in_its_language(client, preview, licence)

    # The page words an issue from its template and params, not from the texts stored beside
    # them; one stored before templates were kept is shown as stored, per language.
    with app.extensions["catalogue_db"].session() as session:
        submission = session.get(Submission, number)
        assert submission is not None
        assert all("template" in i and "params" in i for i in submission.file_issues)
        submission.file_issues = [
            {**i, **STALE} if i["key"] == "legal.license" else i for i in submission.file_issues
        ] + [OLD_ISSUE]
        session.commit()
    _only_in_its_language(client, preview, licence)
    _only_in_its_language(client, preview, OLD_ISSUE)
    assert not any(_shows(_page(client, preview, lang), STALE["message"]) for lang in ("nl", "en"))


@pytest.mark.both_backends
def test_the_component_page_words_its_last_import_in_the_readers_language(app: Any) -> None:
    text = SIGNALEN.read_text(encoding="utf-8") + "\nfooBar: 1\n"
    unknown = next(i for i in parse(text).warnings if i.code == "unknown-key")
    assert unknown.params == {"name": "fooBar"} and unknown.template == "unknown-key.kept"
    with app.extensions["catalogue_db"].session() as session:
        outcome = importing.import_publiccode(session, text, source="test: signalen")
        assert outcome.component is not None and outcome.record is not None
        slug, record_id = outcome.component.slug, outcome.record.id
        session.commit()
    client = app.test_client()
    path = f"/componenten/{slug}"
    _only_in_its_language(client, path, unknown)

    with app.extensions["catalogue_db"].session() as session:
        record = session.get(ImportRecord, record_id)
        assert record is not None
        record.warnings = [
            {**i, **STALE} if i["code"] == "unknown-key" else i for i in record.warnings
        ] + [OLD_ISSUE]
        session.commit()
    client = app.test_client()  # no page kept from before
    _only_in_its_language(client, path, unknown)
    _only_in_its_language(client, path, OLD_ISSUE)
    assert not any(_shows(_page(client, path, lang), STALE["message"]) for lang in ("nl", "en"))


def _upload(client: Any, text: str) -> int:
    """Upload a publiccode.yml as a new submission; its number."""
    path = "/bijdragen/publiccode"
    uploaded = client.post(path, data={"csrf_token": csrf_of(client, path), "text": text})
    assert uploaded.status_code == 302
    return int(uploaded.headers["Location"].rstrip("/").split("/")[-1])


def _lock(client: Any, path: str) -> str:
    found = re.search(
        r'name="lock_version"[^>]*value="(\d+)"', client.get(path).get_data(as_text=True)
    )
    assert found is not None
    return found.group(1)


def _refusal(key: str, line: object, column: object, message: str, lang: str) -> str:
    place = f"regel {line}, kolom {column}" if lang == "nl" else f"line {line}, column {column}"
    return str(escape(f"{key} ({place}): {message}"))


@pytest.mark.both_backends
def test_a_stored_parser_error_stops_submitting_and_approving_in_the_readers_language(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    """A parser's error stored with the file (the parser refuses such a file now, but one kept
    before may hold it) stops submitting and approving as the preview says; the refusal has
    the code ``publiccode_issue`` and reads in the reader's language, worded anew from the
    issue's template and params (one stored without them as stored)."""
    text = BAG.read_text(encoding="utf-8")
    licence = next(i for i in parse(text).warnings if i.key == "legal.license")
    author = sign_in(app.test_client(), accounts_of["outsider"])
    number = _upload(author, text)
    database = app.extensions["catalogue_db"]
    with database.session() as session:
        submission = session.get(Submission, number)
        assert submission is not None
        assert submissions.blocking_issues(session, submission) == []  # the file alone is fine
        submission.file_issues = [
            {**i, **STALE, "level": "error"} if i["key"] == "legal.license" else i
            for i in submission.file_issues
        ] + [{**OLD_ISSUE, "level": "error"}]
        session.commit()

    preview = f"/bijdragen/{number}"
    refused = author.post(
        f"{preview}/indienen",
        data={"csrf_token": csrf_of(author, preview), "lock_version": _lock(author, preview)},
    )
    assert refused.status_code == 422
    assert "Indienen lukt nog niet" in refused.get_data(as_text=True)
    with database.session() as session:
        with pytest.raises(ValidationError) as caught:
            submissions.submit_for_review(
                session, number, actor=accounts.get_user(session, accounts_of["outsider"].id)
            )
        submission = session.get(Submission, number)
        assert submission is not None and submission.status == SubmissionStatus.CONCEPT
        # As a reviewer would find it: submitted before the error counted.
        submission.status = SubmissionStatus.SUBMITTED
        session.commit()
    stored, old = caught.value.errors["legal.license"]
    assert (stored.code, old.code) == (ErrorCode.PUBLICCODE_ISSUE, ErrorCode.PUBLICCODE_ISSUE)
    assert coded(stored) == {
        "code": "publiccode_issue",
        "params": {
            "key": "legal.license",
            "line": licence.line,
            "column": licence.column,
            "message": STALE["message"],
            "message_nl": STALE["message_nl"],
            "issue": "missing-key",
            "template": licence.template,
            "params": {"name": "license"},
        },
    }
    assert coded(old)["params"]["template"] is None

    reviewer = sign_in(app.test_client(), accounts_of["reviewer"])
    for lang, fresh, as_stored in (
        ("nl", licence.message_nl, OLD_ISSUE["message_nl"]),
        ("en", licence.message, OLD_ISSUE["message"]),
    ):
        path = f"/beoordelen/{number}?lang={lang}"
        page = reviewer.post(
            path,
            data={
                "csrf_token": csrf_of(reviewer, path),
                "lock_version": _lock(reviewer, path),
                "decision": "approve",
                "reason": "",
            },
        )
        assert page.status_code == 422
        html = page.get_data(as_text=True)
        key = "legal.license"
        assert _refusal(key, licence.line, licence.column, fresh, lang) in html
        assert _refusal(key, OLD_ISSUE["line"], OLD_ISSUE["column"], as_stored, lang) in html
        assert not any(_shows(html, t) for t in STALE.values())
    with database.session() as session:
        submission = session.get(Submission, number)
        assert submission is not None and submission.status == SubmissionStatus.SUBMITTED


@pytest.mark.both_backends
def test_a_refused_new_version_of_the_file_reads_in_the_readers_language(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    """A new version of the file that the parser refuses (``publiccode_unreadable``) is shown
    in the reader's language, worded from the issue's template and params."""
    (error,) = parse(BROKEN).errors
    assert error.template == "yaml-syntax.located" and error.message != error.message_nl
    author = sign_in(app.test_client(), accounts_of["outsider"])
    number = _upload(author, BAG.read_text(encoding="utf-8"))
    for lang, shown, hidden in (
        ("nl", error.message_nl, error.message),
        ("en", error.message, error.message_nl),
    ):
        path = f"/bijdragen/{number}/publiccode?lang={lang}"
        page = author.post(path, data={"csrf_token": csrf_of(author, path), "text": BROKEN})
        assert page.status_code == 422
        html = page.get_data(as_text=True)
        assert _refusal("(document)", error.line, error.column, shown, lang) in html
        assert not _shows(html, hidden)


def test_a_refusal_carrying_a_parser_issue_is_worded_anew(app: Any) -> None:
    """The texts a refusal stored beside the issue's template and params are not what a page
    shows; without a template (kept before), they are, in the page's language."""
    from flask_babel import force_locale

    from catalogue.errors import parser_issue
    from catalogue.web.messages import translate

    (error,) = parse(BROKEN).errors
    place = {"key": "(document)", "line": error.line, "column": error.column}
    kept = parser_issue(ErrorCode.PUBLICCODE_UNREADABLE, {**error.as_dict(), **STALE}, **place)
    old = parser_issue(ErrorCode.PUBLICCODE_UNREADABLE, OLD_ISSUE, **place)
    with app.test_request_context():
        for lang, fresh, as_stored in (
            ("nl", error.message_nl, OLD_ISSUE["message_nl"]),
            ("en", error.message, OLD_ISSUE["message"]),
        ):
            with force_locale(lang):
                assert translate(kept).endswith(f": {fresh}")
                assert translate(old).endswith(f": {as_stored}")


@pytest.mark.both_backends
def test_a_rejected_imports_status_line_reads_in_the_readers_language(app: Any) -> None:
    """The component page's status of its last import, when that was rejected, words the
    stored errors in the reader's language (one stored before templates were kept as stored)."""
    (error,) = parse(BROKEN).errors
    with app.extensions["catalogue_db"].session() as session:
        component = make_component(session)
        slug = component.slug
        session.add(
            ImportRecord(
                component=component,
                source="test: kapot",
                raw_text=BROKEN,
                accepted=False,
                errors=[{**error.as_dict(), **STALE}, OLD_ISSUE],
            )
        )
        session.commit()
    client = app.test_client()
    for lang, reason, fresh, as_stored in (
        ("nl", "Reden", error.message_nl, OLD_ISSUE["message_nl"]),
        ("en", "Reason", error.message, OLD_ISSUE["message"]),
    ):
        page = _page(client, f"/componenten/{slug}", lang)
        assert str(escape(f"{reason}: {fresh}; {as_stored}")) in page
        assert not any(_shows(page, t) for t in STALE.values())
