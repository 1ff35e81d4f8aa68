"""Descriptions as safe HTML: the shortcut for a plain paragraph gives what the whole way gives."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import select

from catalogue.models import ComponentDescription
from catalogue.rendering import PLAIN_PARAGRAPH, markdown_to_html, render_markdown

# Words, and what could start Markdown syntax once put next to them.
WORDS = [
    "Zaak",
    "documenten",
    "beheer",
    "’s-Hertogenbosch",
    "ÀÉÎõü",
    "ŸŒœß",
    "×",
    "÷",
    "ɏ",
    "1.",
    "2)",
    "10.5",
    "3",
    "-",
    "--",
    "---",
    "–",
    "—",
    "a-b",
    ".",
    "...",
    ",",
    ";",
    ":",
    "!",
    "?",
    "'t",
    "'",
    "’",
    "‘",
    "“citaat”",
    "(zie",
    "bijlage)",
    "()",
    "%",
    "100%",
    "/",
    "http://voorbeeld.nl/pad",
    "https://x.nl/a?b",
    "www.voorbeeld.nl",
    "mailto:a",
    "e.g.",
    "i.v.m.",
    "!(",
    "):",
    "1)",
    "0.",
    "999999999.",
    "1234567890)",
]


def _made_up(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 12)))


def test_a_plain_paragraph_is_rendered_as_the_whole_way_renders_it() -> None:
    rng = random.Random(13)  # noqa: S311 - made-up texts, not secrets
    texts = [_made_up(rng) for _ in range(4000)]
    plain = [text for text in texts if PLAIN_PARAGRAPH.fullmatch(text)]
    # Most made-up texts take the shortcut; those that start a list do not.
    assert len(texts) > len(plain) > len(texts) / 2
    assert not PLAIN_PARAGRAPH.fullmatch("1. een")
    assert not PLAIN_PARAGRAPH.fullmatch("- een")
    for text in texts:
        assert markdown_to_html(text) == render_markdown(text), text


def test_markup_and_odd_spacing_take_the_whole_way() -> None:
    for text in [
        "een *nadruk*",
        "a_b_c",
        "[link](http://x.nl)",
        "<b>vet</b>",
        "A & B",
        'een "citaat"',
        "twee  spaties",
        " voor",
        "na ",
        "regel\nregel",
        "# Kop",
        "> citaat",
        "a | b",
        "a\u00a0b",
        "~~weg~~",
        "`code`",
        "a\\b",
        "+ punt",
    ]:
        assert not PLAIN_PARAGRAPH.fullmatch(text), text
    assert markdown_to_html("A & B") == "<p>A &amp; B</p>\n"
    assert markdown_to_html('<script>alert("x")</script>') == render_markdown(
        '<script>alert("x")</script>'
    )
    assert "<script>" not in markdown_to_html('<script>alert("x")</script>')


def test_every_description_of_the_catalogue_renders_as_the_whole_way(app: Any) -> None:
    with app.extensions["catalogue_db"].session() as session:
        texts = [
            text for text in session.scalars(select(ComponentDescription.long_description)) if text
        ]
    assert texts
    for text in texts:
        assert markdown_to_html(text) == render_markdown(text)
