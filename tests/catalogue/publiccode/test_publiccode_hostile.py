"""Hostile and broken input: parse() must refuse it safely, quickly and with a location."""

from __future__ import annotations

import time
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.publiccode import MAX_BYTES, MAX_DEPTH, ParseResult, parse

VALID = """\
publiccodeYmlVersion: "0"
name: Medusa
url: "https://github.com/italia/developers.italia.it.git"
platforms: [web]
developmentStatus: development
softwareType: "standalone/other"
description:
  en:
    shortDescription: A short description.
    longDescription: >
      Very long description of this software, also split on multiple rows. You should note
      what the software is and why one should need it. It is long enough to pass the check.
    features: [One feature]
legal:
  license: EUPL-1.2
maintenance:
  type: community
  contacts:
    - name: Francesco Rossi
localisation:
  localisationReady: true
  availableLanguages: [en]
"""


def _codes(result: ParseResult) -> list[str]:
    return [issue.code for issue in result.errors]


def test_the_baseline_document_is_valid_in_both_modes() -> None:
    assert parse(VALID, strict=True).valid
    assert parse(VALID).valid


def test_billion_laughs_is_refused_fast() -> None:
    lines = ['lol0: &lol0 "lol"']
    for level in range(1, 10):
        refs = ", ".join([f"*lol{level - 1}"] * 10)
        lines.append(f"lol{level}: &lol{level} [{refs}]")
    bomb = VALID + "\n".join(lines) + "\n"
    started = time.perf_counter()
    result = parse(bomb)
    assert time.perf_counter() - started < 1.0
    assert not result.valid and result.record is None
    assert _codes(result) == ["alias-not-allowed"]
    assert result.errors[0].line == VALID.count("\n") + 1


def test_a_single_alias_is_refused_too() -> None:
    result = parse("name: &n Medusa\nurl: https://example.org/x\nother: *n\n")
    assert _codes(result) == ["alias-not-allowed"]
    assert (result.errors[0].line, result.errors[0].column) == (1, 7)


def test_five_mebibytes_are_refused_before_decoding() -> None:
    data = b"name: x\n" + b"#" * (5 * 1024 * 1024)
    started = time.perf_counter()
    result = parse(data)
    assert time.perf_counter() - started < 1.0
    assert _codes(result) == ["too-large"]
    assert _codes(parse(data.decode("ascii"))) == ["too-large"]


def test_the_size_limit_counts_utf8_bytes_for_text() -> None:
    # 600 000 characters, but 1 200 000 bytes once encoded
    text = "name: " + "é" * 600_000
    assert len(text) < MAX_BYTES < len(text.encode("utf-8"))
    assert _codes(parse(text)) == ["too-large"]


def test_latin1_is_refused_with_the_place_of_the_first_bad_byte() -> None:
    data = "url: https://example.org/x\nname: Gemeente Súdwest-Fryslân\n".encode("latin-1")
    result = parse(data)
    assert _codes(result) == ["not-utf8"]
    issue = result.errors[0]
    assert (issue.line, issue.column) == (2, 17)  # the "ú" of Súdwest
    assert "UTF-8" in issue.message and "regel 2" in issue.message_nl


def test_utf8_with_bom_is_fine() -> None:
    assert parse(b"\xef\xbb\xbf" + VALID.encode("utf-8"), strict=True).valid


def test_binary_is_refused() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
    result = parse(png)
    assert _codes(result) in (["binary"], ["not-utf8"])
    assert result.errors[0].line is not None


def test_control_characters_are_refused_with_a_location() -> None:
    result = parse("name: a\x07b\nurl: https://example.org/x\n")
    assert _codes(result) == ["control-character"]
    assert (result.errors[0].line, result.errors[0].column) == (1, 8)


@pytest.mark.parametrize("text", ["- name: x\n- url: y\n", "just a string\n", "42\n", "", "# c\n"])
def test_a_document_that_is_not_a_mapping_is_refused(text: str) -> None:
    for strict in (False, True):
        result = parse(text, strict=strict)
        assert _codes(result) == ["not-a-mapping"]
        assert result.errors[0].line is not None


def test_deep_nesting_is_refused() -> None:
    nested = "name: x\nurl: https://example.org/x\nextra: " + "[" * 200 + "]" * 200 + "\n"
    result = parse(nested)
    assert _codes(result) == ["too-deep"]
    assert result.errors[0].line == 3
    block = "name: x\nurl: https://example.org/x\nextra:\n" + "".join(
        "  " * depth + "k:\n" for depth in range(1, MAX_DEPTH + 5)
    )
    assert _codes(parse(block)) == ["too-deep"]


def test_broken_yaml_is_located() -> None:
    result = parse("name: x\nurl: https://example.org/x\n  bad: indentation\n")
    assert _codes(result) == ["yaml-syntax"]
    assert result.errors[0].line == 3


def test_html_in_descriptions_is_kept_as_text() -> None:
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    text = VALID.replace("A short description.", f"'{hostile}'")
    result = parse(text)
    assert result.record is not None
    assert result.record["descriptions"]["en"]["short_description"] == hostile


def test_explicit_tags_do_not_construct_objects() -> None:
    text = VALID + "extraThing: !!python/object/apply:os.system ['echo hi']\n"
    result = parse(text)
    assert result.record is not None
    assert result.record["extra"]["extraThing"] == ["echo hi"]
    assert "yaml-tag" in {w.code for w in result.warnings}


def test_wrong_input_types_do_not_raise() -> None:
    for value in (None, 42, 3.5, ["name: x"], {"name": "x"}):
        result = parse(value)  # type: ignore[arg-type]
        assert not result.valid and result.errors


def _assert_sane(result: ParseResult) -> None:
    assert isinstance(result, ParseResult)
    assert result.valid is (not result.errors)
    assert (result.record is None) is (not result.valid)
    for issue in (*result.errors, *result.warnings):
        assert isinstance(issue.key, str) and issue.message and issue.message_nl and issue.code


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=2048), st.booleans())
def test_random_bytes_never_raise(data: bytes, strict: bool) -> None:
    _assert_sane(parse(data, strict=strict))


@FUZZ
@given(st.text(max_size=2048), st.booleans())
def test_random_text_never_raises(text: str, strict: bool) -> None:
    _assert_sane(parse(text, strict=strict))


_KEYS = st.sampled_from(
    [
        "name",
        "url",
        "publiccodeYmlVersion",
        "description",
        "en",
        "nl",
        "legal",
        "license",
        "maintenance",
        "type",
        "contacts",
        "contractors",
        "localisation",
        "localisationReady",
        "availableLanguages",
        "platforms",
        "categories",
        "dependsOn",
        "open",
        "versionMin",
        "intendedAudience",
        "countries",
        "IT",
        "it",
        "riuso",
        "commonground",
        "layerType",
        "gemma",
        "upl",
        "releaseDate",
        "logo",
        "isBasedOn",
        "organisation",
        "uri",
        "supports",
        "id",
        "fundedBy",
        "features",
        "shortDescription",
        "longDescription",
        "genericName",
    ]
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=40),
    st.sampled_from(["2021-22-02", "https://example.org", "nl", "EUPL-1.2", "yes", "alias:x"]),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(_KEYS, children, max_size=5)
    ),
    max_leaves=25,
)


@FUZZ
@given(st.dictionaries(_KEYS, _VALUES, max_size=12), st.booleans())
def test_random_publiccode_shaped_documents_never_raise(doc: dict[str, Any], strict: bool) -> None:
    text = yaml.safe_dump(doc, allow_unicode=True)
    _assert_sane(parse(text, strict=strict))
    _assert_sane(parse(VALID + text, strict=strict))
