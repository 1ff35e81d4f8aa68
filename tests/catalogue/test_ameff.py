"""The pure AMEFF reader and writer: real Open Group files, our own GEMMA file, hostile input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from catalogue import ameff
from tests.conftest import ROOT

FILES = Path(__file__).resolve().parent / "ameff"
GEMMA_FILE = FILES / "gemeente-met-gemma.xml"


@pytest.fixture(scope="module")
def references() -> dict[str, ameff.ReferenceComponent]:
    """The reference components of data/gemma/gemma.yaml (slugs as the seed makes them)."""
    from catalogue.text import slugify

    # libyaml's loader when PyYAML has it, as catalogue/services/gemma.py reads the file: the
    # pure-Python loader takes three times as long on these 1.5 MB.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    text = (ROOT / "data" / "gemma" / "gemma.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    found = {}
    for item in data["reference_components"]:
        slug = slugify(item["name"])
        found[slug] = ameff.ReferenceComponent(
            slug, item["name"], item.get("object_id"), (item.get("category") or "").split("/")[-1]
        )
    return found


CATALOGUE = [
    ameff.CatalogueEntry("open-zaak", "Open Zaak", (), ("https://github.com/open-zaak/open-zaak",)),
    ameff.CatalogueEntry(
        "signalen",
        "Signalen",
        ("Signalen frontend",),
        ("https://github.com/Amsterdam/signals-frontend",),
    ),
]


def _read(data: bytes, references: dict[str, ameff.ReferenceComponent]) -> ameff.Reading:
    return ameff.read(data, reference_components=references.values(), catalogue=CATALOGUE)


@pytest.mark.parametrize("name", ["archisurance.xml", "sample1.xml"])
def test_the_open_group_test_files_are_valid_offline(name: str) -> None:
    assert ameff.schema_problems((FILES / name).read_bytes()) == []


def test_archisurance_counts_every_element(references: dict[str, ameff.ReferenceComponent]) -> None:
    data = (FILES / "archisurance.xml").read_bytes()
    reading = _read(data, references)
    total = data.count(b"<element ")
    assert len(reading.applications) + reading.reference_components + reading.ignored == total
    assert len(reading.applications) == data.count(b'xsi:type="ApplicationComponent"')
    assert all(app.status == "other" for app in reading.applications)


def test_the_gemma_file_is_read_as_meant(references: dict[str, ameff.ReferenceComponent]) -> None:
    reading = _read(GEMMA_FILE.read_bytes(), references)
    by_element = {app.element: app for app in reading.applications}
    assert set(by_element) == {"id-app-oz", "id-app-sig", "id-app-form", "id-app-unknown"}
    assert reading.reference_components == 3  # by Object ID, by name (any case), by id-<guid>
    assert reading.ignored == 2  # a BusinessActor and a DataObject
    open_zaak = by_element["id-app-oz"]
    assert (open_zaak.status, open_zaak.component) == ("matched", "open-zaak")  # by name
    assert open_zaak.reference_components == ["zaakregistratiecomponent"]
    assert open_zaak.contract_end == dt.date(2026, 12, 31)  # dd-mm-yyyy
    assert (open_zaak.notice_months, open_zaak.hosting) == (6, "saas")
    assert (open_zaak.supplier, open_zaak.version) == ("Maykin Media", "1.15")
    assert open_zaak.properties == {"Eigenaar": "Team Zaakgericht Werken"}  # kept, not lost
    assert open_zaak.notes == "Zaakregistratie voor alle afdelingen."
    signalen = by_element["id-app-sig"]
    assert signalen.component == "signalen"  # by URL, trailing slash and all
    assert signalen.reference_components == ["meldingen-openbare-ruimtecomponent"]
    form = by_element["id-app-form"]
    assert (form.status, form.hosting, form.contract_end) == (
        "other",
        "on-premise",
        dt.date(2027, 3, 31),
    )
    assert form.reference_components == ["e-formulieren-publicatie-en-beheercomponent"]


def test_every_unreadable_value_is_a_warning_naming_its_element(
    references: dict[str, ameff.ReferenceComponent],
) -> None:
    reading = _read(GEMMA_FILE.read_bytes(), references)
    warned = [(w.element, w.message.split(" ")[0]) for w in reading.warnings]
    assert ("id-app-sig", "contract") in warned  # "onbekend" is no date
    assert ("id-app-sig", "notice") in warned
    assert ("id-app-sig", "hosting") in warned
    assert ("id-app-unknown", "Object") in warned
    signalen = next(a for a in reading.applications if a.element == "id-app-sig")
    # Nothing is lost: the unreadable values stay as notes.
    assert signalen.properties == {
        "Contract End": "onbekend",
        "Notice period (months)": "drie",
        "hosting": "cloud",
    }
    assert signalen.contract_end is None and signalen.notice_months is None


def test_the_export_is_valid_and_round_trips(
    references: dict[str, ameff.ReferenceComponent],
) -> None:
    first = _read(GEMMA_FILE.read_bytes(), references)
    exported = ameff.write(first.applications, model_name="Test", reference_components=references)
    assert ameff.schema_problems(exported) == []
    assert b'xsi:type="Diagram"' in exported
    assert b"a97b6545-d5a7-485d-9b13-3ce22db5b9cf" in exported  # the GEMMA Object ID
    again = _read(exported, references)
    assert [a.as_dict() for a in again.applications] == [a.as_dict() for a in first.applications]
    assert again.reference_components == 3


def test_an_empty_landscape_exports_a_valid_file(
    references: dict[str, ameff.ReferenceComponent],
) -> None:
    exported = ameff.write([], model_name="Leeg", reference_components=references)
    assert ameff.schema_problems(exported) == []
    assert _read(exported, references).applications == []


def test_schema_violations_are_located_warnings_and_the_rest_is_still_read(
    references: dict[str, ameff.ReferenceComponent],
) -> None:
    data = GEMMA_FILE.read_bytes().replace(
        b'<element identifier="id-actor" xsi:type="BusinessActor">',
        b'<element identifier="id-actor" xsi:type="BusinessActor" kleur="rood">',
    )
    reading = _read(data, references)
    schema = [w for w in reading.warnings if "schema" in w.message]
    line = data[: data.index(b'kleur="rood"')].count(b"\n") + 1
    assert schema and schema[0].line == line and f"line {line}" in schema[0].message
    assert len(reading.applications) == 4


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (
            b"<model xmlns='http://www.opengroup.org/xsd/archimate/3.0/'><name>x</nam></model>",
            "well-formed",
        ),
        (b"<other/>", "no ArchiMate 3 exchange file"),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE model [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
            b"<model xmlns='http://www.opengroup.org/xsd/archimate/3.0/'><name>&e;</name></model>",
            "DTD",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            b"<model xmlns='http://www.opengroup.org/xsd/archimate/3.0/'><name>&b;</name></model>",
            "DTD",
        ),
    ],
    ids=["empty", "malformed", "not-ameff", "external-entity", "entity-expansion"],
)
def test_unsafe_or_broken_files_are_refused_clearly(data: bytes, words: str) -> None:
    with pytest.raises(ameff.AmeffError) as caught:
        ameff.read(data, reference_components=[], catalogue=[])
    assert words in caught.value.message
    assert b"root:" not in str(caught.value).encode()


def test_a_malformed_file_is_located() -> None:
    data = b"<model xmlns='http://www.opengroup.org/xsd/archimate/3.0/'>\n<name>x\n</model>"
    with pytest.raises(ameff.AmeffError) as caught:
        ameff.read(data, reference_components=[], catalogue=[])
    assert caught.value.line == 3 and caught.value.column is not None


def test_a_file_over_the_limit_is_refused_before_parsing() -> None:
    with pytest.raises(ameff.AmeffError, match="larger than"):
        ameff.read(b" " * (ameff.MAX_BYTES + 1), reference_components=[], catalogue=[])
