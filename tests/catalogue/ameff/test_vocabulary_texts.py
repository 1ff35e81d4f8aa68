"""The ArchiMate reader's findings and refusals: a code and params, worded from the catalogue.

The source check fails when a finding's text is written inline again: every ``Finding``,
``AmeffError`` and ``warn`` in the reader names a code of ``vocabulary.TEXTS`` and no prose.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from catalogue import ameff
from catalogue.ameff import TEXTS
from catalogue.issue_texts import gettext_in, render
from tests.conftest import ROOT

READER = ROOT / "catalogue" / "ameff" / "reader.py"
FILES = Path(__file__).parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.mark.parametrize("code", sorted(TEXTS))
def test_every_text_renders_in_dutch_and_english(code: str) -> None:
    params = {name: f"<{name}>" for name in PLACEHOLDER.findall(TEXTS[code])}
    dutch = render(TEXTS[code], params, gettext_in("nl"))
    english = render(TEXTS[code], params, gettext_in("en"))
    assert dutch != english
    assert all(value in dutch and value in english for value in params.values())


def _code_arguments() -> list[tuple[int, ast.expr | None, list[ast.expr]]]:
    """(line, code argument, every argument) of each Finding, AmeffError and warn call."""
    found = []
    for node in ast.walk(ast.parse(READER.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            position = {"Finding": 1, "AmeffError": 0, "warn": 0}.get(node.func.id)
            if position is not None:
                code = node.args[position] if len(node.args) > position else None
                found.append((node.lineno, code, [*node.args, *(k.value for k in node.keywords)]))
    return found


def _literals(node: ast.AST) -> list[str]:
    return [
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def test_every_finding_names_a_code_and_every_code_is_used() -> None:
    calls = _code_arguments()
    assert len(calls) >= 10  # guards the walk
    passed_on = [line for line, code, _ in calls if isinstance(code, ast.Name)]
    assert len(passed_on) == 1  # warn(code, value) hands its own code to Finding
    used = {code.value for _, code, _ in calls if isinstance(code, ast.Constant)}
    assert len(used) + len(passed_on) == len(calls), "a code is named by a literal"
    assert used == set(TEXTS)


def test_no_finding_is_worded_inline() -> None:
    prose = [
        (line, text)
        for line, _code, arguments in _code_arguments()
        for argument in arguments
        for text in _literals(argument)
        if re.search(r"\s", text)
    ]
    assert prose == []


def test_a_finding_carries_its_code_and_values_and_words_them() -> None:
    references = [ameff.ReferenceComponent("zaaksysteem", "Zaaksysteem", None)]
    reading = ameff.read(
        (FILES / "gemeente-met-gemma.xml").read_bytes(),
        reference_components=references,
        catalogue=[],
    )
    by_code = {finding.code: finding for finding in reading.warnings}
    contract = by_code["contract-end-not-date"]
    assert contract.params == {"value": "onbekend"}
    assert contract.message == (
        "contract end 'onbekend' is no date (YYYY-MM-DD or dd-mm-yyyy); kept as a note"
    )
    assert contract.message_nl == (
        "einddatum contract 'onbekend' is geen datum (JJJJ-MM-DD of dd-mm-jjjj); bewaard als "
        "notitie"
    )
    assert contract.as_dict() == {"element": contract.element, "message": contract.message}
    assert {"notice-not-months", "unknown-hosting", "unknown-object-id"} <= set(by_code)


def test_a_refusal_carries_its_code_and_words_it() -> None:
    with pytest.raises(ameff.AmeffError) as caught:
        ameff.read(b"<a><b></a>", reference_components=[], catalogue=[])
    error = caught.value
    assert error.code == "not-xml"
    assert (error.line, error.column) == (1, 11)
    assert error.message.startswith("this is not well-formed XML: Opening and ending tag")
    assert error.message_nl.startswith("dit is geen goed gevormde XML: Opening and ending tag")
    assert str(error) == f"{error.message} (line 1, column 11)"
