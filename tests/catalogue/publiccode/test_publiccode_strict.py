"""Strict mode against the official parser's own test files (italia/publiccode-parser-go).

EXPECTED.tsv holds the official verdict and error texts for every file. A file is exempt only
when its verdict cannot be decided offline from the file's bytes alone; each exemption names
its reason next to the file, and a test checks both the count and that the expected error text
really is of that kind.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

import pytest

from catalogue.publiccode import Issue, parse, vocab
from tests.conftest import DATA_DIR

REPO_DATA = DATA_DIR
# A copy kept in the repository, with its source and licence (parser-testdata/README.md).
TESTDATA = REPO_DATA / "publiccode" / "parser-testdata"
REPO_VOCABULARIES = REPO_DATA / "publiccode" / "standard" / "vocabularies"

# file -> (kind, reason). Kinds: "network" (the only error comes from fetching a URL),
# "repository-file" (the error is about a file in the repository checkout: its existence or its
# content), "ipa-register" (needs the Italian iPA register, which was not copied).
EXEMPT: dict[str, tuple[str, str]] = {
    "v0/invalid/logo_missing_url.yml": (
        "network",
        "the only error is an HTTP GET of the logo URL answering 404",
    ),
    "v0/invalid/legal_authorsFile_missing_file.yml": (
        "repository-file",
        "the error is that the AUTHORS file is missing from the repository checkout",
    ),
    "v0/invalid/monochromeLogo_missing_file.yml": (
        "repository-file",
        "the error is that the logo file is missing from the repository checkout",
    ),
    "v0/invalid/no-network/logo_missing_file.yml": (
        "repository-file",
        "the error is that the logo file is missing from the repository checkout",
    ),
    "v0/invalid/no-network/monochromeLogo_invalid_png.yml": (
        "repository-file",
        "the error is about the content of assets/img/not-an-image.png (ASSETS_NOT_COPIED.tsv)",
    ),
    "v0/invalid/it_riuso_codiceIPA_invalid.yml": (
        "ipa-register",
        "NO_SUCH_IPA_CODE is well-formed; only the Italian iPA register can reject it",
    ),
    "v0/invalid/fundedBy_uri_wrong_italian_pa2.yml": (
        "ipa-register",
        "urn:x-italian-pa:no_such_pa is well-formed; only the Italian iPA register can reject it",
    ),
}
EXEMPT_COUNT = 7

# What the expected error text must say for each kind of exemption.
EXEMPT_EVIDENCE = {
    "network": re.compile(r"HTTP GET failed|not reachable|oEmbed"),
    "repository-file": re.compile(r"no such file|does not exist|image: unknown format"),
    "ipa-register": re.compile(r"Italian Public Administration Code"),
}

_LOCATION = re.compile(r"\(line (\d+), col (\d+)\)$")


def _expected_rows() -> list[dict[str, str]]:
    with (TESTDATA / "EXPECTED.tsv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


ROWS = _expected_rows()


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(" | ") if part.strip()]


def _expected_issues(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield (key, line, column) per expected issue; line 0 means the parser gave no place."""
    for part in _split(text):
        key = part.split(":", 1)[0]
        # The official parser names the whole document "<root>"; our contract uses "".
        key = "" if key == "<root>" else key
        match = _LOCATION.search(part)
        line, column = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
        yield key, line, column


@pytest.mark.parametrize("row", ROWS, ids=[row["file"] for row in ROWS])
def test_strict_verdict_matches_official_parser(row: dict[str, str]) -> None:
    if row["file"] in EXEMPT:
        kind, reason = EXEMPT[row["file"]]
        pytest.skip(f"exempt ({kind}): {reason}")
    result = parse((TESTDATA / row["file"]).read_bytes(), strict=True)
    expected_valid = row["expected_valid"] == "true"
    assert result.valid is expected_valid, [issue.as_dict() for issue in result.errors]
    if expected_valid:
        assert result.record is not None
        assert not result.errors
        for key, _, _ in _expected_issues(row["expected_warning_text"]):
            assert key in {warning.key for warning in result.warnings}, key
        return
    assert result.record is None
    for key, line, _ in _expected_issues(row["expected_error_text"]):
        ours = [issue for issue in result.errors if issue.key == key]
        assert ours, f"expected an error for {key!r}, got {[i.key for i in result.errors]}"
        assert all(issue.line is not None and issue.column is not None for issue in ours)
        if line:
            assert line in {issue.line for issue in ours}, (key, line, ours)


def test_exemptions_are_counted_and_justified() -> None:
    assert len(EXEMPT) == EXEMPT_COUNT
    by_file = {row["file"]: row for row in ROWS}
    for name, (kind, reason) in EXEMPT.items():
        assert reason
        row = by_file[name]
        assert row["expected_valid"] == "false"
        # Every expected error of an exempt file must be of the exempt kind; a file with an
        # error we could find offline must not be exempt.
        for part in _split(row["expected_error_text"]):
            assert EXEMPT_EVIDENCE[kind].search(part), (name, part)


def test_files_with_network_and_offline_errors_are_not_exempt() -> None:
    mixed = [
        row["file"]
        for row in ROWS
        if any(EXEMPT_EVIDENCE["network"].search(p) for p in _split(row["expected_error_text"]))
        and not all(
            EXEMPT_EVIDENCE["network"].search(p) for p in _split(row["expected_error_text"])
        )
    ]
    assert mixed, "the test data should hold files with both kinds of error"
    for name in mixed:
        assert name not in EXEMPT
        result = parse((TESTDATA / name).read_bytes(), strict=True)
        assert not result.valid


def test_located_errors_agree_on_lines(capsys: pytest.CaptureFixture[str]) -> None:
    """Count expected errors that we place on the same line (and column) as the official parser.

    Columns differ by design for type errors (the official parser always says column 1; we
    point at the offending value) and for YAML syntax errors (we point at the problem).
    """
    located = same_line = same_place = 0
    for row in ROWS:
        if row["file"] in EXEMPT or row["expected_valid"] == "true":
            continue
        result = parse((TESTDATA / row["file"]).read_bytes(), strict=True)
        for key, line, column in _expected_issues(row["expected_error_text"]):
            if not line:
                continue
            ours = [issue for issue in result.errors if issue.key == key]
            located += 1
            same_line += any(issue.line == line for issue in ours)
            same_place += any(issue.line == line and issue.column == column for issue in ours)
            if not any(issue.line == line and issue.column == column for issue in ours):
                assert any(
                    issue.line == line and issue.code in ("wrong-type", "yaml-syntax")
                    for issue in ours
                ), ours
    with capsys.disabled():
        print(f"\nlocated expected errors: {located}; same line: {same_line}; ", end="")
        print(f"same line and column: {same_place}")
    assert same_line == located


def test_v1_files_are_rejected_on_the_version() -> None:
    for row in ROWS:
        if not row["file"].startswith("v1/"):
            continue
        result = parse((TESTDATA / row["file"]).read_bytes(), strict=True)
        assert not result.valid
        assert "publiccodeYmlVersion" in {issue.key for issue in result.errors}
        assert result.version == "1"


def test_yaml_numbers_in_text_fields_are_read_as_written() -> None:
    # The official parser reads any scalar into a text field by its literal text: the
    # 36-digit genericName is "too long", not "wrong type". We do the same in strict mode.
    text = (TESTDATA / "v0/invalid/description_en_genericName_too_long.yml").read_text()
    result = parse(text, strict=True)
    codes = {(issue.key, issue.code) for issue in result.errors}
    assert ("description.en.genericName", "too-long") in codes
    assert "wrong-type" not in {code for _, code in codes}


def test_yaml11_booleans_are_text_in_strict_mode() -> None:
    valid = (TESTDATA / "v0/valid/valid.minimal.yml").read_text()
    assert parse(valid, strict=True).valid
    changed = valid.replace("localisationReady: true", "localisationReady: yes")
    result = parse(changed, strict=True)
    assert ("localisation.localisationReady", "wrong-type") in {
        (issue.key, issue.code) for issue in result.errors
    }


def test_strict_mode_rejects_the_dutch_extension_as_unknown() -> None:
    valid = (TESTDATA / "v0/valid/valid.minimal.yml").read_text()
    result = parse(valid + "nl:\n  commonground:\n    layerType: service\n", strict=True)
    assert [(issue.key, issue.code) for issue in result.errors] == [("nl", "unknown-key")]
    assert parse(valid + "nl:\n  upl: []\n").valid


def test_valid_record_is_normalised() -> None:
    result = parse((TESTDATA / "v0/valid/valid.yml").read_bytes(), strict=True)
    record = result.record
    assert result.valid and record is not None
    assert record["name"] == "Medusa"
    assert record["release_date"].isoformat() == "2017-04-15"
    assert record["organisation"] == {"name": "PCM", "uri": "urn:x-italian-pa:c_h501"}
    assert record["descriptions"]["en"]["features"][0] == "Very important feature"
    assert record["maintenance"]["contractors"][0]["until"].isoformat() == "2019-01-01"
    assert {d["kind"] for d in record["dependencies"]} == {"open", "proprietary", "hardware"}
    assert record["localisation"]["available_languages"][-1] == "sl-IT-nedis"
    assert record["it"]["piattaforme"]["spid"] is True
    assert record["extra"] == {}


def test_issue_as_dict_has_the_contract_keys() -> None:
    result = parse((TESTDATA / "v0/invalid/name_missing.yml").read_bytes(), strict=True)
    issue = result.errors[0]
    assert isinstance(issue, Issue)
    assert set(issue.as_dict()) == {
        "key",
        "line",
        "column",
        "message",
        "message_nl",
        "code",
        "template",
        "params",
    }
    assert issue.message_nl and issue.message_nl != issue.message
    assert issue.as_dict()["params"] == {"name": "name"}


def _tsv_column(name: str, column: str) -> set[str]:
    with (REPO_VOCABULARIES / name).open(encoding="utf-8", newline="") as handle:
        return {row[column] for row in csv.DictReader(handle, delimiter="\t")}


def test_embedded_vocabularies_match_the_data_files() -> None:
    assert _tsv_column("categories.tsv", "category") == vocab.CATEGORIES
    assert _tsv_column("scopes.tsv", "scope") == vocab.SCOPES
    with (REPO_VOCABULARIES / "aliases.tsv").open(encoding="utf-8", newline="") as handle:
        aliases = {row["alias"]: row["resource"] for row in csv.DictReader(handle, delimiter="\t")}
    assert aliases == vocab.ALIASES
