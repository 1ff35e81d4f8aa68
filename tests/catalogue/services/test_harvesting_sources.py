"""SOURCES.yaml's own refusals: a code with its parameters and the place in the file, English in
the report (their Dutch is in the one gettext table; tests/catalogue/test_component_document.py
checks that every code has both)."""

from __future__ import annotations

import pytest

from catalogue.errors import ENGLISH, ErrorCode
from catalogue.services.harvesting.sources import read_sources

GOOD = "- url: https://example.org/publiccode.yml\n"


@pytest.mark.parametrize(
    ("entry", "code", "params"),
    [
        ("- just text\n", ErrorCode.SOURCE_ENTRY_SHAPE, {}),
        ("- {}\n", ErrorCode.SOURCE_ENTRY_SHAPE, {}),
        ("- url: https://a.example\n  github_org: b\n", ErrorCode.SOURCE_ENTRY_SHAPE, {}),
        ("- url: https://a.example\n  branch: main\n", ErrorCode.SOURCE_ENTRY_UNKNOWN_KEYS, None),
        ("- github_org: [a, b]\n", ErrorCode.SOURCE_VALUE_NOT_TEXT, {"key": "github_org"}),
        ("- gitlab_group: '  '\n", ErrorCode.SOURCE_VALUE_NOT_TEXT, {"key": "gitlab_group"}),
        ("- url: ftp://example.org/p.yml\n", ErrorCode.SOURCE_URL_NOT_HTTP, {}),
    ],
)
def test_a_bad_entry_is_refused_at_its_place_and_the_good_ones_stay(
    entry: str, code: ErrorCode, params: dict[str, str] | None
) -> None:
    specs, failed = read_sources(GOOD + entry + GOOD, "SOURCES.yaml")
    assert [(s.kind, s.line) for s in specs] == [("url", 1), ("url", 2 + entry.count("\n"))]
    [result] = failed
    assert result.source == "SOURCES.yaml: item 2"
    [error] = result.errors
    assert (error["code"], error["line"], error["column"]) == (code.value, 2, 3)
    if code is ErrorCode.SOURCE_ENTRY_UNKNOWN_KEYS:
        assert error["params"] == {"keys": "branch"}
    else:
        assert error["params"] == params
    assert error["message"] == ENGLISH[code].format(**error["params"])
    # The report shows the contract's keys only.
    assert set(result.as_json()["errors"][0]) == {"key", "line", "column", "message"}


def test_a_file_that_is_no_yaml_or_no_list_is_refused_with_line_and_column() -> None:
    specs, [broken] = read_sources(GOOD + "- url: [unclosed\n", "SOURCES.yaml")
    assert specs == []
    [error] = broken.errors
    assert error["code"] == ErrorCode.SOURCES_NOT_YAML.value
    assert error["params"]["name"] == "SOURCES.yaml"
    assert (error["line"], error["column"]) == (3, 1)
    assert error["message"].startswith("SOURCES.yaml is not valid YAML: ")

    specs, [mapping] = read_sources("url: https://example.org/p.yml\n", "SOURCES.yaml")
    assert specs == []
    [error] = mapping.errors
    assert (error["code"], error["line"], error["column"]) == (
        ErrorCode.SOURCES_NOT_A_LIST.value,
        1,
        1,
    )
