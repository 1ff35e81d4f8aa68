"""The publiccode.yml parser's issues on the pages: worded in the reader's language from their
template and params (through Flask-Babel, the one catalogue); issues stored before those were
kept read as they were stored, in the language the page asks for."""

from __future__ import annotations

from typing import Any

import pytest
from markupsafe import escape

from catalogue.models import ImportRecord, Submission
from catalogue.publiccode import Issue, parse
from catalogue.services import importing
from tests.accounts import Account, csrf_of, sign_in
from tests.conftest import ROOT

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
