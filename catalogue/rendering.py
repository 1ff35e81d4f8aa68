"""Turning untrusted text into safe HTML: Markdown first, then a strict sanitiser."""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# "js-default" disables raw HTML and unsafe link schemes in the Markdown step itself.
_markdown = MarkdownIt("js-default").enable("table")

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}

# Headings h1/h2 would break the page outline, so they are demoted by the sanitiser's allow-list.
# Built once: building the sanitiser from these sets cost three times its cleaning.
_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes={"a": {"href", "title"}},
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
)

# Words of letters, digits and punctuation that no Markdown rule reads (no `*_[]<>&#|~=+\`,
# no quote to escape, no character the sanitiser writes as an entity), one space between them,
# not starting a list item (`-`, `1.`, `1)`): Markdown makes such a text one paragraph of itself,
# and the sanitiser leaves that as it is. tests/catalogue/test_rendering.py checks it against
# the whole way, on every description of the catalogue and on made-up texts.
_WORD = r"[A-Za-z0-9À-ɏ,.;:?!'()/%’‘“”–—-]+"
PLAIN_PARAGRAPH = re.compile(rf"(?![0-9]+[.)]|-){_WORD}(?: {_WORD})*")


def render_markdown(text: str) -> Markup:
    """Markdown rendered and then sanitised: the whole way, for any text."""
    html = _markdown.render(text)
    return Markup(_cleaner.clean(html))  # noqa: S704 - sanitised by nh3 just above


def markdown_to_html(text: str | None) -> Markup:
    """Render Markdown from a description as sanitised HTML; raw HTML in the input stays inert."""
    if not text:
        return Markup("")
    if PLAIN_PARAGRAPH.fullmatch(text):
        # What render_markdown gives for it, without a Markdown parser's tens of microseconds.
        return Markup(f"<p>{text}</p>\n")  # noqa: S704 - no character in it is markup
    return render_markdown(text)
