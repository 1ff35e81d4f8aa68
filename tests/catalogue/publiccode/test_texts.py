"""The parser's issues are worded from the catalogue only: a code, a template and params.

The source check below fails when a text is written inline again: every issue the parser makes
(``_issue(...)``, ``self.report(...)``) names its code and template as ids of ``texts.TEXTS``
and passes no prose; every text is used, and renders in Dutch and English from its params.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

import pytest

from catalogue.issue_texts import gettext_in
from catalogue.publiccode import parse, schema
from catalogue.publiccode.texts import TERM_PARAMS, TERMS, TEXTS, issue_text, text
from tests.conftest import ROOT

PACKAGE = ROOT / "catalogue" / "publiccode"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
ISSUE_CALLS = {"_issue", "report"}
ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)?")


def _sample(name: str) -> Any:
    if name in TERM_PARAMS:
        return "mapping"
    if name == "allowed":
        return ["a", "b"]
    return f"<{name}>"


def _params(template: str) -> dict[str, Any]:
    return {name: _sample(name) for name in PLACEHOLDER.findall(TEXTS[template])}


@pytest.mark.parametrize("template", sorted(TEXTS))
def test_every_text_renders_in_dutch_and_english(template: str) -> None:
    params = _params(template)
    dutch = text(template, params, gettext_in("nl"))
    english = text(template, params, gettext_in("en"))
    assert dutch != english
    for shown in (dutch, english):
        assert "%(" not in shown
        for name, value in params.items():
            if name not in TERM_PARAMS and name != "allowed":
                assert value in shown, (name, shown)
    if "expected" in params or "found" in params:
        assert "een groep velden" in dutch and "a mapping" in english


@pytest.mark.parametrize("term", sorted(TERMS))
def test_terms_are_translated(term: str) -> None:
    params = {"expected": term, "found": term}
    assert text("wrong-type", params, gettext_in("nl")).count(TERMS[term]) == 2
    assert TERMS[term] not in text("wrong-type", params, gettext_in("en"))


def test_the_layers_named_in_english_are_the_schemas() -> None:
    english = text("unknown-layer", {"value": "x"}, gettext_in("en"))
    assert f"({', '.join(schema.COMMON_GROUND_LAYERS)})" in english


# ---------------------------------------------------------------- the source names ids only


def _strings(node: ast.AST | None) -> list[str]:
    """The literal text in an argument: constants, f-string parts, both sides of an ``if``."""
    if node is None:
        return []
    return [
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


class _Call:
    """An issue made in the source, with its variables resolved to what the function assigns
    them (``template = "a" if x else "b"``); None for a parameter passed through."""

    def __init__(self, where: str, call: ast.Call, function: ast.FunctionDef) -> None:
        self.where = where
        arguments = function.args
        parameters = {
            a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)
        }
        assigned = {
            node.targets[0].id: node.value
            for node in ast.walk(function)
            if isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        }

        def resolve(node: ast.expr) -> ast.expr | None:
            if isinstance(node, ast.Name) and node.id in parameters:
                return None
            return assigned.get(node.id, node) if isinstance(node, ast.Name) else node

        self.code = resolve(call.args[0])
        self.template = resolve(call.args[3]) if len(call.args) > 3 else self.code
        # What the call itself writes (a variable's own value is checked as code or template).
        self.arguments = [*call.args, *(k.value for k in call.keywords)]


def _issue_calls() -> list[_Call]:
    """Every issue the parser makes, but the one ``_issue`` call ``report`` passes its own
    parameters to."""
    calls: dict[tuple[str, int], _Call] = {}
    for path in sorted(PACKAGE.glob("*.py")):
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(function, ast.FunctionDef):
                continue
            for node in ast.walk(function):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if name in ISSUE_CALLS:
                    where = (path.name, node.lineno)
                    calls.setdefault(where, _Call(f"{path.name}:{node.lineno}", node, function))
    return list(calls.values())


def _templates_named() -> set[str]:
    named = set()
    for call in _issue_calls():
        if call.code is None:
            continue  # report() handing its own parameters to _issue
        ids = _strings(call.code) + _strings(call.template)
        assert ids and all(ID.fullmatch(i) for i in ids), (call.where, ids)
        named.update(_strings(call.template))
    return named


def test_the_walk_sees_the_issues() -> None:
    # Guards the guard: if the calls were renamed, the checks below would pass on nothing.
    calls = _issue_calls()
    assert len(calls) > 60
    assert len([call for call in calls if call.code is None]) == 1  # report()'s own _issue


def test_no_issue_is_worded_inline() -> None:
    prose = [
        (call.where, s)
        for call in _issue_calls()
        for argument in call.arguments
        for s in _strings(argument)
        if re.search(r"\s", s)
    ]
    assert prose == [], "word an issue in texts.TEXTS (a Dutch msgid), not at the call"


def test_every_template_named_has_a_text_and_every_text_is_named() -> None:
    named = _templates_named()
    assert named - set(TEXTS) == set()
    assert set(TEXTS) - named == set()


def test_every_wrong_type_names_a_term() -> None:
    expected = set()
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "wrong_type":
                expected.update(_strings(node.args[-1]))
    assert expected and expected <= set(TERMS)


# ---------------------------------------------------------------- issues, stored and worded again


DOCUMENT = b"""publiccodeYmlVersion: "0"
name: Test
url: https://example.org/repo
developmentStatus: bogus
categories: [nonsense]
maintenance: {type: internal, contractors: [{name: A, until: "2020-01-01"}]}
platforms: web
nl: {commonground: {layerType: Proces}}
"""


def test_a_stored_issue_is_worded_again_as_it_was() -> None:
    result = parse(DOCUMENT)
    issues = [*result.errors, *result.warnings]
    codes = {issue.code for issue in issues}
    assert {"invalid-value", "unknown-category", "excluded-key", "string-for-list"} <= codes
    for issue in issues:
        stored = json.loads(json.dumps(issue.as_dict()))  # as a JSON column keeps it
        assert issue_text(stored, gettext_in("en")) == issue.message == stored["message"]
        assert issue_text(stored, gettext_in("nl")) == issue.message_nl == stored["message_nl"]
    status = next(i for i in issues if i.code == "invalid-value")
    assert status.params == {
        "name": "developmentStatus",
        "allowed": ["concept", "development", "beta", "stable", "obsolete"],
        "value": "bogus",
    }
    assert status.message_nl.endswith('"stable" of "obsolete" (nu: \'bogus\').')
    assert status.message.endswith('"stable" or "obsolete" (found \'bogus\').')


@pytest.mark.parametrize(
    "stored",
    [
        {"key": "name", "code": "missing-key", "message": "name is a required field."},
        {"key": "name", "code": "missing-key", "template": "gone", "params": {"name": "n"}},
        {"key": "name", "code": "missing-key", "template": "missing-key", "params": {}},
        {"key": "name", "code": "missing-key", "template": "missing-key", "params": None},
    ],
    ids=["stored before templates", "unknown template", "params missing", "params null"],
)
def test_an_issue_that_cannot_be_worded_again_says_so(stored: dict[str, Any]) -> None:
    assert issue_text(stored, gettext_in("en")) is None
