"""Contributing: the form in steps, upload or paste of a publiccode.yml, the preview (a dry run),
"my submissions", the public revision history, disputes, and the status partial.

Views parse, call a service, commit, then redirect, or re-render with the errors on the fields
and status 422. Pages never import SQLAlchemy.

One blueprint (``contribute``, in ``blueprint``), its views by responsibility:

- ``starting``: "my submissions", starting one, and uploading a publiccode.yml (new or renewed);
- ``form_steps``: the form in steps, with its pickers;
- ``preview_pages``: the preview and what is done from it (submit, compare, rebase, comment);
- ``public_pages``: the history and disputes everyone sees, the panel and the news badge;
- ``display``: how it all reads: labels, issue messages and their links, diff values.
"""

from __future__ import annotations

from flask import Flask

from catalogue.rendering import markdown_to_html
from catalogue.web.contribute import form_steps, preview_pages, public_pages, starting
from catalogue.web.contribute.blueprint import bp
from catalogue.web.contribute.display import (
    COMMENT_KINDS,
    DISPUTE_STATUS,
    FIELD_LABELS,
    ORIGIN_LABELS,
    STATUS_LABELS,
    comment_text,
    show_value,
)
from catalogue.web.contribute.preview_pages import preview_context
from catalogue.web.forms import ROLE_LABELS
from catalogue.web.labels import translated

__all__ = [
    "bp",
    "form_steps",
    "init_app",
    "preview_context",
    "preview_pages",
    "public_pages",
    "starting",
]


def init_app(app: Flask) -> None:
    """Register the blueprint and the template helpers."""
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        submission_news=public_pages.submission_news,
        submission_status_label=lambda code: translated(STATUS_LABELS.get(code, code)),
        origin_label=lambda code: str(ORIGIN_LABELS.get(code, code)),
        comment_kind_label=lambda code: str(COMMENT_KINDS.get(code, code)),
        comment_text=comment_text,
        field_label=lambda code: str(FIELD_LABELS.get(code, code)),
        role_label=lambda code: str(ROLE_LABELS.get(code, code)),
        dispute_status_label=lambda code: str(DISPUTE_STATUS.get(code, code)),
    )
    app.jinja_env.filters["show_value"] = show_value
    app.jinja_env.filters["markdown_html"] = markdown_to_html
