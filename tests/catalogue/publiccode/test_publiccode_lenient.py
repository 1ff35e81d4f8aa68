"""Lenient mode (the default) against the 33 real Dutch publiccode.yml files, and its rules.

For every file that OBSERVATIONS.tsv has remarks on, EXPECTED_WARNINGS below lists the warnings
(key, code) those remarks translate to, written out by hand after reading each file.
"""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from catalogue.publiccode import parse
from tests.conftest import DATA_DIR

DUTCH = DATA_DIR / "publiccode" / "dutch"
DUTCH_FILES = sorted(path.name for path in DUTCH.glob("*.yml"))

_CG_LEGACY = [  # the shared template of the CommonGateway bundles
    ("publiccodeYmlVersion", "unsupported-version"),
    ("intendedaudience", "key-case"),
    ("nl", "country-extension"),
    ("downloadUrls", "unknown-key"),
    ("softwareType", "legacy-value"),
    ("description.en.genericName", "deprecated-key"),
    ("description.nl.genericName", "deprecated-key"),
    ("legal.repoOwner", "deprecated-key"),
    ("legal.authorsFile", "deprecated-key"),
    ("maintenance.contractors", "excluded-key"),
    ("maintenance.contractors[0].email", "invalid-email"),
    ("maintenance.contacts[0].email", "invalid-email"),
    ("monochromeLogo", "deprecated-key"),
    ("inputTypes", "deprecated-key"),
    ("outputTypes", "deprecated-key"),
]
_NO_SECTIONS = [  # "missing/empty legal | maintenance | localisation"
    ("legal.license", "missing-key"),
    ("maintenance.type", "missing-key"),
    ("localisation.localisationReady", "missing-key"),
    ("localisation.availableLanguages", "missing-key"),
]
_NO_TEXTS = [  # "description.{nl,en}.{longDescription,features} missing/empty"
    ("description.nl.longDescription", "missing-key"),
    ("description.nl.features", "missing-key"),
    ("description.en.longDescription", "missing-key"),
    ("description.en.features", "missing-key"),
]
_MAYKIN = [
    ("description.nl.genericName", "deprecated-key"),
    ("description.en.genericName", "deprecated-key"),
    ("intendedAudience.countries[0]", "lowercase-country"),
    ("legal.repoOwner", "deprecated-key"),
    ("inputTypes", "deprecated-key"),
    ("outputTypes", "deprecated-key"),
]

EXPECTED_WARNINGS: dict[str, list[tuple[str, str]]] = {
    "Amsterdam__alletaal-lint.yml": [
        ("categories[0]", "unknown-category"),  # text-processing
        ("categories[1]", "unknown-category"),  # natural-language-processing
        ("categories[2]", "unknown-category"),  # accessibility
        ("description.en.genericName", "deprecated-key"),
        ("legal.repoOwner", "deprecated-key"),
        ("maintenance.contacts", "missing-key"),
        ("maintenance.contractors", "excluded-key"),
    ],
    "Amsterdam__signals-frontend.yml": [
        ("description.en.genericName", "deprecated-key"),
        ("description.nl.genericName", "deprecated-key"),
        ("legal.repoOwner", "deprecated-key"),
    ],
    "CommonGateway__CoreBundle.yml": [
        *_CG_LEGACY,
        ("releaseDate", "invalid-date"),  # 2021-08-2
        ("description.en.longDescription", "too-short"),
        ("description.en.features", "empty-list"),  # features: []
        ("description.nl.longDescription", "too-short"),
        ("description.nl.features", "empty-list"),
    ],
    "CommonGateway__HuwelijksplannerBundle.yml": _CG_LEGACY,
    "CommonGateway__KissBundle.yml": [
        ("publiccodeYmlVersion", "unsupported-version"),
        *_NO_SECTIONS,
        *_NO_TEXTS,
    ],
    "CommonGateway__OpenBelastingBundle.yml": [
        *_CG_LEGACY,
        ("description.en.longDescription", "too-short"),
        ("description.en.features", "empty-list"),
        ("description.nl.longDescription", "too-short"),
        ("description.nl.features", "empty-list"),
    ],
    "CommonGateway__PetStoreBundle.yml": [
        *_CG_LEGACY,
        ("description.en.longDescription", "too-short"),
        ("description.nl.longDescription", "too-short"),
    ],
    "CommonGateway__ZGWBundle.yml": [
        ("publiccodeYmlVersion", "unsupported-version"),
        ("nl", "country-extension"),
        ("downloadUrls", "unknown-key"),
        ("description.en.longDescription", "missing-key"),  # longDescription: ''
        ("description.en.features", "empty-list"),
        ("description.en.genericName", "deprecated-key"),
        ("description.nl.longDescription", "missing-key"),
        ("description.nl.features", "missing-key"),
        ("legal.license", "missing-key"),  # license: ''
        ("legal.repoOwner", "deprecated-key"),
        ("legal.authorsFile", "deprecated-key"),
    ],
    "CommonGateway__gateway.yml": [
        ("publiccodeYmlVersion", "missing-key"),
        ("nl", "country-extension"),
        ("developmentStatus", "missing-key"),
        ("legal.license", "missing-key"),
        ("localisation.localisationReady", "missing-key"),
        ("localisation.availableLanguages", "missing-key"),
        ("platforms", "string-for-list"),
        ("categories", "string-for-list"),
        ("description", "description-without-language"),
        ("intendedAudience.scope", "string-for-list"),
        ("maintenance.contacts", "missing-key"),
    ],
    "ConductionNL__Agendas.yml": [
        ("installations", "unknown-key"),
        ("releaseDate", "invalid-date"),  # 2021-22-02
        ("description.en.longDescription", "missing-key"),
        ("description.en.features", "missing-key"),
        ("legal.repoOwner", "deprecated-key"),
        ("legal.authorsFile", "deprecated-key"),
        ("maintenance.contractors", "excluded-key"),
        ("localisation.localisationReady", "yaml11-bool"),
        ("monochromeLogo", "deprecated-key"),
        ("inputTypes", "deprecated-key"),
        ("outputTypes", "deprecated-key"),
    ],
    "ConductionNL__MRC_publiccode.yml": [
        ("publiccodeYmlVersion", "unsupported-version"),
        *_NO_SECTIONS,
        *_NO_TEXTS,
        ("inputTypes", "deprecated-key"),
        ("outputTypes", "deprecated-key"),
    ],
    "ConductionNL__bag_publiccode.yml": [
        ("publiccodeYmlVersion", "unsupported-version"),
        *_NO_SECTIONS,
        *_NO_TEXTS,
    ],
    "ConductionNL__betaalservice.yml": [
        ("releaseDate", "invalid-date"),  # 2021-16-02
        ("description.en.longDescription", "missing-key"),
        ("description.en.features", "missing-key"),
        ("legal.repoOwner", "deprecated-key"),
        ("legal.authorsFile", "deprecated-key"),
        ("maintenance.contractors", "excluded-key"),
        ("localisation.localisationReady", "yaml11-bool"),
        ("monochromeLogo", "deprecated-key"),
        ("inputTypes", "deprecated-key"),
        ("outputTypes", "deprecated-key"),
    ],
    "ConductionNL__drc_publiccode.yml": [
        ("publiccodeYmlVersion", "unsupported-version"),
        *_NO_SECTIONS,
        *_NO_TEXTS,
    ],
    "Klantinteractie-Servicesysteem__KISS-frontend.yml": [
        ("publiccodeYmlVersion", "number-for-string"),  # 1.0 as a YAML float
        ("nl", "country-extension"),
        ("developmentStatus", "missing-key"),
        ("legal.license", "missing-key"),
        ("localisation.localisationReady", "missing-key"),
        ("localisation.availableLanguages", "missing-key"),
        ("description.nl.longDescription", "too-short"),
        ("description.nl.features", "missing-key"),
        ("intendedAudience.scope", "string-for-list"),
        ("maintenance.contacts", "missing-key"),
        ("inputTypes", "deprecated-key"),
        ("outputTypes", "deprecated-key"),
    ],
    "MinBZK__amt.yml": [("description.en.genericName", "deprecated-key")],
    "developer-overheid-nl__don-api-register.yml": [("legal.repoOwner", "deprecated-key")],
    "developer-overheid-nl__don-crawler.yml": [("description.nl.features", "missing-key")],
    "developer-overheid-nl__don-register-site.yml": [
        ("description.en.longDescription", "missing-key"),
        ("description.en.features", "missing-key"),
    ],
    "developer-overheid-nl__publiccode-checker.yml": [
        ("platforms", "missing-key"),
        ("description.nl.features", "missing-key"),
    ],
    "infonl__dimpact-zaakafhandelcomponent.yml": [
        ("description.en.features", "missing-key"),
        ("intendedAudience.countries[0]", "lowercase-country"),
        ("legal.repoOwner", "deprecated-key"),
        ("url", "not-https"),  # git://
    ],
    "maykinmedia__objects-api.yml": [*_MAYKIN, ("url", "not-https")],
    "maykinmedia__objecttypes-api.yml": [*_MAYKIN, ("url", "not-https")],
    "maykinmedia__open-inwoner.yml": [
        ("softwareType", "legacy-value"),  # standalone
        ("releaseDate", "invalid-date"),  # t.b.d.
        ("description.en.genericName", "deprecated-key"),
        ("intendedAudience.countries[0]", "lowercase-country"),
        ("legal.repoOwner", "deprecated-key"),
        ("inputTypes", "deprecated-key"),
        ("outputTypes", "deprecated-key"),
        ("url", "not-https"),
    ],
    "open-formulieren__open-forms.yml": [*_MAYKIN, ("url", "not-https")],
    "open-zaak__open-notificaties.yml": _MAYKIN,
    "open-zaak__open-zaak.yml": _MAYKIN,
}


def _observations() -> dict[str, str]:
    with (DUTCH / "OBSERVATIONS.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    return {row[0]: row[2] if len(row) > 2 else "" for row in rows[1:]}


def test_there_are_33_dutch_files_and_every_observed_file_has_expectations() -> None:
    assert len(DUTCH_FILES) == 33
    observed = {name for name, remarks in _observations().items() if remarks.strip()}
    assert observed == set(EXPECTED_WARNINGS)


@pytest.mark.parametrize("name", DUTCH_FILES)
def test_dutch_file_imports_or_is_rejected_with_a_location(name: str) -> None:
    result = parse((DUTCH / name).read_bytes())
    if result.valid:
        assert result.record is not None
        assert result.record["name"] and result.record["url"]
    else:
        assert result.record is None
        assert all(issue.line is not None for issue in result.errors)
    found = {(issue.key, issue.code) for issue in result.warnings}
    missing = [pair for pair in EXPECTED_WARNINGS.get(name, []) if pair not in found]
    assert not missing, missing
    assert all(issue.line is not None and issue.column is not None for issue in result.warnings)


def test_dutch_files_import_count(capsys: pytest.CaptureFixture[str]) -> None:
    results = {name: parse((DUTCH / name).read_bytes()) for name in DUTCH_FILES}
    imported = sorted(name for name, result in results.items() if result.valid)
    rejected = sorted(name for name, result in results.items() if not result.valid)
    with capsys.disabled():
        print(f"\nDutch files imported: {len(imported)}, rejected: {len(rejected)} {rejected}")
    assert len(imported) + len(rejected) == 33


def _record(name: str) -> dict:
    result = parse((DUTCH / name).read_bytes())
    assert result.record is not None
    return result.record


def test_dutch_extension_shapes_are_mapped() -> None:
    assert _record("CommonGateway__CoreBundle.yml")["nl"]["common_ground_layer"] == "service"
    assert _record("CommonGateway__PetStoreBundle.yml")["nl"]["common_ground_layer"] == "data"
    # lowercase "layertype", and the non-standard "interface" for the interaction layer
    gateway = _record("CommonGateway__gateway.yml")
    assert gateway["nl"]["common_ground_layer"] == "integration"
    kiss = parse((DUTCH / "Klantinteractie-Servicesysteem__KISS-frontend.yml").read_bytes())
    assert kiss.record is not None
    assert kiss.record["nl"]["common_ground_layer"] == "interaction"
    assert ("nl.commonground.layertype", "nonstandard-value") in {
        (w.key, w.code) for w in kiss.warnings
    }
    # nl.vng with empty lists, and nulls everywhere: nothing to map, nothing lost
    zgw = _record("CommonGateway__ZGWBundle.yml")
    assert zgw["nl"]["raw"] == {"vng": {"commonground": [], "gemma": []}}
    assert zgw["nl"]["gemma"]["business_functions"] == []
    core = _record("CommonGateway__CoreBundle.yml")
    assert core["nl"]["raw"]["countryExtensionVersion"] is None
    assert core["nl"]["upl"] == [] and core["nl"]["installation_type"] is None


def test_dutch_extension_with_values() -> None:
    text = """\
name: Zaakregistratie
url: https://github.com/example/zaken
nl:
  countryExtensionVersion: "1.0"
  commonground:
    layerType: service
    installationType: helm
    intendedOrganisations: [Gemeente Utrecht]
  gemma:
    referentieComponenten: [Zaakregistratiecomponent]
    bedrijfsfuncties: Zaakafhandeling
    bedrijfsservices: []
    applicatiefunctie: Zaken registreren
    model: null
  upl: [Paspoort aanvragen]
  apm:
    owner: team
  vng:
    commonground:
      layertype: data
  somethingElse: 1
"""
    result = parse(text)
    assert result.valid and result.record is not None
    nl = result.record["nl"]
    assert nl["installation_type"] == "helm"
    assert nl["intended_organisations"] == ["Gemeente Utrecht"]
    assert nl["gemma"]["reference_components"] == ["Zaakregistratiecomponent"]
    assert nl["gemma"]["business_functions"] == ["Zaakafhandeling"]
    assert nl["gemma"]["application_function"] == "Zaken registreren"
    assert nl["upl"] == ["Paspoort aanvragen"]
    assert nl["common_ground_layer"] == "data"  # the later nl.vng.commonground wins
    assert nl["raw"]["apm"] == {"owner": "team"}
    codes = {(w.key, w.code) for w in result.warnings}
    assert ("nl.gemma.bedrijfsfuncties", "string-for-list") in codes
    assert ("nl.somethingElse", "unknown-key") in codes
    assert result.record["extra"]["nl.somethingElse"] == 1


def test_unknown_layer_is_warned_and_kept() -> None:
    result = parse("name: x\nurl: https://a.example/x\nnl:\n  commonground:\n    layerType: top\n")
    assert result.record is not None
    assert result.record["nl"]["common_ground_layer"] is None
    assert result.record["extra"]["nl.commonground.layerType"] == "top"
    assert ("nl.commonground.layerType", "unknown-layer") in {
        (w.key, w.code) for w in result.warnings
    }


def test_impossible_date_is_dropped_warned_and_kept_in_extra() -> None:
    record = _record("ConductionNL__Agendas.yml")
    assert record["release_date"] is None
    assert record["extra"]["releaseDate"] == "2021-22-02"
    assert record["extra"]["installations"][0]["type"] == "helm"
    assert record["localisation"]["localisation_ready"] is True  # "yes", read with a warning


def test_lowercase_countries_are_normalised() -> None:
    record = _record("open-zaak__open-zaak.yml")
    assert record["intended_audience"]["countries"] == ["NL"]
    assert record["used_by"][5] == "Gemeente Súdwest-Fryslân"


def test_versions_written_as_numbers_become_text() -> None:
    record = _record("CommonGateway__HuwelijksplannerBundle.yml")
    first = record["dependencies"][0]
    assert (first["version_min"], first["version_max"], first["version"]) == (
        "1.2",
        "1.3",
        "1.2.47",
    )
    result = parse(
        "name: x\nurl: https://a.example/x\ndependsOn:\n  open:\n    - name: a\n"
        "      versionMin: 1.10\n"
    )
    assert result.record is not None
    assert result.record["dependencies"][0]["version_min"] == "1.10"  # not the float 1.1


def test_kiss_frontend_version_1_0_is_read_with_warnings() -> None:
    result = parse((DUTCH / "Klantinteractie-Servicesysteem__KISS-frontend.yml").read_bytes())
    assert result.valid and result.version == "1.0"
    codes = {(w.key, w.code) for w in result.warnings}
    assert ("publiccodeYmlVersion", "unsupported-version") in codes


def test_legacy_software_type_and_organisation() -> None:
    record = _record("CommonGateway__CoreBundle.yml")
    assert record["software_type"] == "addon"
    assert record["organisation"] == {"name": "CommonGateway", "uri": None}  # from repoOwner
    assert record["repo_owner"] == "CommonGateway"
    assert record["extra"]["maintenance.contacts[0].email"] == "info\\x64conduction.nl"
    assert record["maintenance"]["contacts"][0]["email"] is None
    assert record["maintenance"]["contractors"][0]["until"] == dt.date(2035, 1, 1)
    assert _record("maykinmedia__open-inwoner.yml")["software_type"] == "standalone/other"


def test_description_without_language_is_read_as_undetermined() -> None:
    record = _record("CommonGateway__gateway.yml")
    assert list(record["descriptions"]) == ["und"]
    assert record["descriptions"]["und"]["short_description"].startswith("The Common Gateway")
    assert record["platforms"] == ["web"]
    assert record["intended_audience"]["scope"] == ["government"]


MINIMAL = "name: Example\nurl: https://github.com/example/example\n"


@pytest.mark.parametrize(
    ("text", "key", "code"),
    [
        ('publiccodeYmlVersion: "0.1"\n', "publiccodeYmlVersion", "unsupported-version"),
        ('publiccodeYmlVersion: "9"\n', "publiccodeYmlVersion", "unsupported-version"),
        ("", "publiccodeYmlVersion", "missing-key"),
        (
            "intendedAudience:\n  countries: [nl]\n",
            "intendedAudience.countries[0]",
            "lowercase-country",
        ),
        ("platforms: web\n", "platforms", "string-for-list"),
        (
            "description:\n  en:\n    genericName: x\n",
            "description.en.genericName",
            "deprecated-key",
        ),
        ("softwareType: softwareAddon\n", "softwareType", "legacy-value"),
        (
            "legal:\n  license: EUPL-1.2\n  repoOwner: Gemeente\n",
            "legal.repoOwner",
            "deprecated-key",
        ),
        ("releaseDate: 2021-22-02\n", "releaseDate", "invalid-date"),
        ("categories: [no-such-category]\n", "categories[0]", "unknown-category"),
        ("downloadUrls: [https://a.example/x.zip]\n", "downloadUrls", "unknown-key"),
        ("landingURL: http://example.org\n", "landingURL", "not-https"),
        ("maintenance:\n  type: internal\n", "maintenance.contacts", "missing-key"),
        (
            "localisation:\n  localisationReady: no\n",
            "localisation.localisationReady",
            "yaml11-bool",
        ),
    ],
)
def test_deviation_becomes_a_warning(text: str, key: str, code: str) -> None:
    result = parse(MINIMAL + text)
    assert result.valid, [e.as_dict() for e in result.errors]
    assert result.record is not None
    assert (key, code) in {(w.key, w.code) for w in result.warnings}
    located = [w for w in result.warnings if w.key == key]
    assert all(w.line is not None and w.message_nl for w in located)


def test_deviations_keep_their_meaning() -> None:
    text = MINIMAL + (
        "releaseDate: 2021-22-02\n"
        "categories: [no-such-category]\n"
        "landingURL: http://example.org\n"
        "intendedAudience:\n  countries: [nl, de]\n"
        "downloadUrls: [https://a.example/x.zip]\n"
        "description:\n  nl:\n    shortDescription: <b>Kort</b>\n"
    )
    record = parse(text).record
    assert record is not None
    assert record["release_date"] is None and record["extra"]["releaseDate"] == "2021-22-02"
    assert record["categories"] == ["no-such-category"]
    assert record["landing_url"] == "http://example.org"
    assert record["intended_audience"]["countries"] == ["NL", "DE"]
    assert record["extra"]["downloadUrls"] == ["https://a.example/x.zip"]
    assert record["descriptions"]["nl"]["short_description"] == "<b>Kort</b>"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("url: https://github.com/example/example\n", "name"),
        ("name: Example\n", "url"),
        ("name: Example\nurl: not a url\n", "url"),
        ("name: [a, b]\nurl: https://github.com/example/example\n", "name"),
        ("name: ''\nurl: https://github.com/example/example\n", "name"),
    ],
)
def test_what_cannot_be_understood_is_rejected_with_a_location(text: str, key: str) -> None:
    result = parse(text)
    assert not result.valid and result.record is None
    assert key in {issue.key for issue in result.errors}
    assert all(issue.line is not None for issue in result.errors)


def test_record_has_the_contract_shape() -> None:
    record = _record("open-zaak__open-zaak.yml")
    for key in (
        "publiccode_version",
        "name",
        "url",
        "landing_url",
        "logo",
        "roadmap",
        "is_based_on",
        "software_version",
        "release_date",
        "development_status",
        "software_type",
        "platforms",
        "categories",
        "used_by",
        "input_types",
        "output_types",
        "license",
        "main_copyright_owner",
        "repo_owner",
        "authors_file",
        "organisation",
        "descriptions",
        "maintenance",
        "localisation",
        "dependencies",
        "nl",
        "it",
        "extra",
    ):
        assert key in record, key
    assert record["release_date"] == dt.date(2026, 8, 20)
    assert set(record["descriptions"]["en"]) >= {
        "short_description",
        "long_description",
        "features",
        "documentation",
        "api_documentation",
        "generic_name",
        "screenshots",
        "videos",
        "awards",
    }
    assert record["maintenance"]["contractors"][0] == {
        "name": "Maykin",
        "until": None,
        "email": "info@maykin.nl",
        "website": "https://www.maykin.nl/",
    }
    assert set(record["maintenance"]["contacts"][0]) == {"name", "email", "phone", "affiliation"}
    assert record["localisation"] == {
        "localisation_ready": True,
        "available_languages": ["nl", "en"],
    }
    assert record["dependencies"][0] == {
        "kind": "open",
        "name": "PostgreSQL",
        "version_min": "14.0",
        "version_max": None,
        "version": None,
        "optional": True,
    }
    assert record["nl"] is None and record["it"] is None
