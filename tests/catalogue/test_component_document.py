"""The typed component document: each refusal names its field; the seed file's shape is located;
error codes have English text and a Dutch message that gettext translates."""

from __future__ import annotations

import copy
import pickle
import string
from pathlib import Path
from typing import Any

import pytest

from catalogue import component_document, documents
from catalogue.errors import ENGLISH, ErrorCode, FieldError, ValidationError
from catalogue.services.seeding import read_catalogue_file
from tests.conftest import ROOT


def _valid() -> dict[str, Any]:
    return {"name": "Open Zaak", "url": "https://github.com/open-zaak/open-zaak"}


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"name": "  "}, "oz.name", "is required and must be text"),
        ({"url": None}, "oz.url", "is required and must be text"),
        ({"colour": "red"}, "oz.colour", "unknown key"),
        ({"aliases": None}, "oz.aliases", "must be a list"),
        ({"release_date": "2026-13-01"}, "oz.release_date", "must be a date (YYYY-MM-DD)"),
        (
            {"development_status": "ready"},
            "oz.development_status",
            "'ready' is not one of: concept, development, beta, stable, obsolete",
        ),
        (
            {"hosting_models": [{"model": "cloud"}]},
            "oz.hosting_models[0].model",
            "'cloud' is not one of: saas, paas, iaas, on-premise",
        ),
        ({"offers": [{"kind": "saas"}]}, "oz.offers[0].supplier", "is required"),
        ({"requires": [{"optional": True}]}, "oz.requires[0].component", "is required"),
        ({"standards": [{"version": "1"}]}, "oz.standards[0].name", "is required"),
        (
            {"reference_components": [{"gemma_id": "id-1", "basis": "manual"}]},
            "oz.reference_components[0].reason",
            "a link added by hand needs its reason",
        ),
        (
            {"reference_components": [{"gemma_id": "id-1", "basis": "derived"}]},
            "oz.reference_components[0].via_interface",
            "a derived link names the interface it came from",
        ),
    ],
)
def test_each_refusal_names_its_field(change: dict[str, Any], path: str, message: str) -> None:
    document = {**_valid(), **change}
    assert component_document.check(document, "oz") == {path: [message]}
    assert documents.validate(document, "oz") == {path: [message]}


def test_a_valid_document_passes_with_every_key() -> None:
    document = {
        **_valid(),
        "slug": "open-zaak",
        "release_date": "2026-03-01",
        "development_status": "stable",
        "maintenance": {"type": "contract", "contractors": [{"name": "Maykin", "until": None}]},
        "contacts": None,
    }
    document.pop("contacts")
    assert component_document.check(document, "oz") == {}
    assert set(component_document.ComponentDocument.model_fields) == documents.ALL_KEYS


def test_the_seed_file_fits_the_model() -> None:
    content = read_catalogue_file(ROOT / "data" / "components.yaml")
    component_document.CatalogueFile.model_validate(content)


def test_a_malformed_seed_file_names_line_column_and_path(tmp_path: Path) -> None:
    path = tmp_path / "components.yaml"
    path.write_text("components:\n  - name: a\n  - 3\norganisations: 5\nfoo: 1\n", encoding="utf-8")
    with pytest.raises(ValidationError) as refused:
        read_catalogue_file(path)
    assert refused.value.errors == {
        "components.yaml:3:5: components[1]": ["Input should be a valid dictionary"],
        "components.yaml:4:16: organisations": ["Input should be a valid list"],
        "components.yaml:5:1: foo": ["unknown key"],
    }


def test_a_field_error_is_its_code_and_reads_as_its_english_text() -> None:
    error = FieldError(ErrorCode.PASSWORD_TOO_SHORT, minimum=12)
    assert error == "use at least 12 characters"
    assert (error.code, error.params) == (ErrorCode.PASSWORD_TOO_SHORT, {"minimum": 12})
    for again in (copy.deepcopy(error), pickle.loads(pickle.dumps(error))):  # noqa: S301 - our own bytes
        assert (again, again.code, again.params) == (error, error.code, error.params)
    assert set(ENGLISH) == set(ErrorCode)


def _sample(code: ErrorCode) -> FieldError:
    """The code's error with a value for each placeholder of its English text."""
    names = {name for _text, name, _spec, _conv in string.Formatter().parse(ENGLISH[code]) if name}
    return FieldError(code, **{name: f"<{name}>" for name in names})


def test_every_code_has_a_message_in_both_languages() -> None:
    from flask import Flask
    from flask_babel import force_locale

    from catalogue import i18n
    from catalogue.extensions import babel
    from catalogue.web.messages import MESSAGES, translate

    assert set(MESSAGES) == set(ErrorCode)
    app = Flask("catalogue", root_path=str(ROOT / "catalogue"))
    app.config["LANGUAGES"] = ["nl", "en"]
    babel.init_app(app, locale_selector=i18n.select_locale, default_locale="nl")
    i18n.init_app(app)
    # The publiccode parser words its issues in both languages: the reader's is shown.
    unreadable = FieldError(
        ErrorCode.PUBLICCODE_UNREADABLE,
        key="name",
        line=3,
        column=7,
        message="is required",
        message_nl="is verplicht",
    )
    with app.test_request_context():
        with force_locale("nl"):
            assert translate(FieldError(ErrorCode.PASSWORD_TOO_SHORT, minimum=12)) == (
                "Gebruik minstens 12 tekens."
            )
            assert translate(FieldError(ErrorCode.COMMENT_REQUIRED)) == "Schrijf een reactie."
            assert (
                translate(ENGLISH[ErrorCode.COMMENT_REQUIRED])
                == ENGLISH[ErrorCode.COMMENT_REQUIRED]
            )
            assert translate(unreadable) == "name (regel 3, kolom 7): is verplicht"
            assert translate("no code, as it is") == "no code, as it is"
            dutch = {code: translate(_sample(code)) for code in ErrorCode}
        with force_locale("en"):
            assert translate(FieldError(ErrorCode.WEBSITE_NOT_HTTPS)) == (
                "The website must start with https://."
            )
            assert translate(unreadable) == "name (line 3, column 7): is required"
            english = {code: translate(_sample(code)) for code in ErrorCode}
    assert all(dutch[code] != english[code] for code in ErrorCode)
