"""Labels of stored codes: translated once per language, the same text as Flask-Babel gives."""

from __future__ import annotations

from typing import Any

from flask import render_template_string
from flask_babel import force_locale

from catalogue.web import labels


def _texts() -> list[str | None]:
    status = labels.label_function(labels.STATUS)
    return [
        status("stable"),
        status("not-a-status"),
        status(None),
        labels.translated(labels.GRAPH_NODE_KIND["external_facility"]),
        labels.translated("al tekst"),
    ]


def test_labels_are_flask_babels_text_in_the_readers_language(app: Any) -> None:
    expected = {
        "nl": ["stabiel", "not-a-status", None, "landelijke voorziening", "al tekst"],
        "en": ["stable", "not-a-status", None, "national facility", "al tekst"],
    }
    # Twice each, in turns: what one language keeps is never what the other one shows.
    for language in ["nl", "en", "nl", "en"]:
        with app.test_request_context(f"/?lang={language}"):
            app.preprocess_request()
            assert _texts() == expected[language]
            assert str(labels.STATUS["stable"]) == expected[language][0]
            with force_locale("en" if language == "nl" else "nl"):
                assert labels.translated(labels.STATUS["beta"]) == str(labels.STATUS["beta"])
            assert (
                labels.translated(labels.STATUS["beta"]) == {"nl": "bèta", "en": "beta"}[language]
            )


def test_templates_show_the_labels(app: Any) -> None:
    for language, shown in [
        ("en", "stable · SaaS (as a service)"),
        ("nl", "stabiel · SaaS (als dienst)"),
    ]:
        with app.test_request_context(f"/?lang={language}"):
            app.preprocess_request()
            html = render_template_string(
                "{{ status_label('stable') }} · {{ hosting_label('saas') }}"
            )
        assert html == shown


def test_known_shows_unknown_only_for_what_we_do_not_know(app: Any) -> None:
    """None, an empty text and an empty list are "onbekend"; zero, false and any other value
    are shown as they are (unknown is never "no", and "no" is never unknown)."""
    import datetime

    source = (
        "{{ none | known }}|{{ '' | known }}|{{ [] | known }}|{{ 0 | known }}|{{ false | known }}"
        "|{{ 'EUPL-1.2' | known }}|{{ '<b>' | known }}|{{ day | known }}"
    )
    for language, word in [("nl", "onbekend"), ("en", "unknown"), ("nl", "onbekend")]:
        unknown = f'<span class="unknown">{word}</span>'
        with app.test_request_context(f"/?lang={language}"):
            app.preprocess_request()
            html = render_template_string(source, day=datetime.date(2026, 12, 7))
        assert html == f"{unknown}|{unknown}|{unknown}|0|False|EUPL-1.2|&lt;b&gt;|2026-12-07"


def test_a_translated_table_is_each_label_in_the_readers_language(app: Any) -> None:
    made = {}
    for language in ["nl", "en", "nl", "en"]:
        with app.test_request_context(f"/?lang={language}"):
            app.preprocess_request()
            table = labels.translated_table(labels.GRAPH_NODE_KIND)
            assert table == {key: str(label) for key, label in labels.GRAPH_NODE_KIND.items()}
            assert made.setdefault(language, table) is table
    assert made["nl"]["external_facility"] == "landelijke voorziening"
    assert made["en"]["external_facility"] == "national facility"
