"""Turning untrusted text into safe HTML: Markdown first, then a strict sanitiser."""

from __future__ import annotations

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


def markdown_to_html(text: str | None) -> Markup:
    """Render Markdown from a description as sanitised HTML; raw HTML in the input stays inert."""
    if not text:
        return Markup("")
    html = _markdown.render(text)
    # Headings h1/h2 would break the page outline, so they are demoted by the sanitiser's allow-list.
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above
