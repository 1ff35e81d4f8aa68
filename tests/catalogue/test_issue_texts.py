"""The pure readers' texts come from the one gettext catalogue, in both languages.

Every text of the publiccode.yml parser and the ArchiMate reader (and every term they fill in)
is a Dutch msgid marked with ``N_``, extracted into ``messages.po`` with its English, compiled
into the ``messages.mo`` that ``issue_texts.gettext_in`` reads with the standard library.
"""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from catalogue import ameff, issue_texts
from catalogue.issue_texts import N_, gettext_in, quoted_list, render
from catalogue.publiccode import texts as publiccode_texts
from tests.conftest import ROOT

PO = ROOT / "catalogue" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")

# Every msgid the pure readers show: (where, key) -> Dutch msgid.
MSGIDS = {
    **{("publiccode", key): msgid for key, msgid in publiccode_texts.TEXTS.items()},
    **{("publiccode term", key): msgid for key, msgid in publiccode_texts.TERMS.items()},
    **{("ameff", key): msgid for key, msgid in ameff.TEXTS.items()},
    ("list", "or"): issue_texts._LIST,
}


@pytest.fixture(scope="module")
def english() -> dict[str, str]:
    """The English of every translated msgid in the committed .po."""
    with PO.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id and m.string and not m.fuzzy}


@pytest.mark.parametrize("where", list(MSGIDS), ids=lambda w: ":".join(w))
def test_every_text_is_in_the_catalogue_in_english(
    where: tuple[str, str], english: dict[str, str]
) -> None:
    msgid = MSGIDS[where]
    assert msgid in english, f"{msgid!r} is not translated in {PO.name}"
    assert english[msgid] != msgid
    # The compiled catalogue the readers load (standard library gettext) has it too.
    assert gettext_in("en")(msgid) == english[msgid]
    assert gettext_in("nl")(msgid) == msgid


def test_each_msgid_is_one_text() -> None:
    # Two texts with the same Dutch would share one English: the catalogue could not tell them
    # apart. (The same text under two codes names one template, as ``empty-list`` does.)
    texts = [msgid for (where, _key), msgid in MSGIDS.items() if where != "publiccode term"]
    assert len(texts) == len(set(texts))


def test_n_marks_without_changing() -> None:
    assert N_("Het veld %(name)s ontbreekt.") == "Het veld %(name)s ontbreekt."


@pytest.mark.parametrize(
    ("values", "dutch", "english"),
    [
        (["a", "b", "c"], '"a", "b" of "c"', '"a", "b" or "c"'),
        (("a", "b"), '"a" of "b"', '"a" or "b"'),
        (["a"], '"a"', '"a"'),
        ([], "", ""),
    ],
)
def test_a_quoted_list_ends_in_the_languages_or(
    values: list[str], dutch: str, english: str
) -> None:
    assert quoted_list(values, gettext_in("nl")) == dutch
    assert quoted_list(values, gettext_in("en")) == english


def test_render_translates_then_formats_lists_and_values() -> None:
    msgid = publiccode_texts.TEXTS["invalid-value"]
    params = {"name": "type", "allowed": ["internal", "contract"], "value": "x%(y)s"}
    assert render(msgid, params, gettext_in("nl")) == (
        'type moet een van deze waarden hebben: "internal" of "contract" (nu: \'x%(y)s\').'
    )
    assert render(msgid, params, gettext_in("en")) == (
        'type must be one of the following: "internal" or "contract" (found \'x%(y)s\').'
    )


def test_every_text_names_the_same_values_in_both_languages(english: dict[str, str]) -> None:
    # What the English names, the Dutch names too (and the other way round), so a reader of
    # either language learns the same; test_i18n checks the same for every message.
    different = {
        msgid: english[msgid]
        for msgid in MSGIDS.values()
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(english[msgid]))
    }
    assert different == {}
