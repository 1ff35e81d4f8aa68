"""The SQL of the PostgreSQL search (postgres_backend.py): the table, its weighted tsvector and the
statements a search runs.

The table ``search.component_document`` is created by migration 0002 on PostgreSQL only, in its
own schema; it is described here with Core, on its own MetaData. ``_matching`` matches the text
and ranks it; ``_page_statement`` reads a page of hits with their highlighted snippets.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    DateTime,
    Integer,
    MetaData,
    Table,
    Text,
    bindparam,
    func,
    literal_column,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR

from catalogue.search import documents as docs
from catalogue.search.interfaces import SearchDocument
from catalogue.search.query import ENGLISH_FIELDS, SEARCH_BOOSTS, SEARCH_FIELDS

SEARCH_SCHEMA = "search"
# Markers ts_headline puts around matches; documents never contain control characters
# (query.normalise_text removes them), so after escaping they can only be ours.
START, STOP = "\x02", "\x03"
HEADLINE_OPTIONS = (
    f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2, "
    'FragmentDelimiter=" … "'
)

metadata = MetaData(schema=SEARCH_SCHEMA)
component_document = Table(
    "component_document",
    metadata,
    Column("component_id", Integer, primary_key=True),
    Column("slug", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("exact", ARRAY(Text), nullable=False),
    Column("body", JSONB, nullable=False),
    Column("facets", JSONB, nullable=False),
    Column("tsv", TSVECTOR, nullable=False),
    Column("updated_at", DateTime(timezone=True)),
    Column("version", Integer, nullable=False),
    Column("digest", Text, nullable=False),
)


def weight_of(field: str) -> str:
    """The tsvector weight class of a field, from its boost."""
    boost = SEARCH_BOOSTS[field]
    return "A" if boost >= 5 else "B" if boost >= 2 else "C"


def config_of(field: str) -> str:
    """The text search configuration of a field."""
    return "english" if field in ENGLISH_FIELDS else "dutch"


def _tsvector() -> ColumnElement[Any]:
    parts = [
        func.setweight(
            func.to_tsvector(
                literal_column(f"'{config_of(field)}'::regconfig"), bindparam(f"text_{field}")
            ),
            literal_column(f"'{weight_of(field)}'"),
        )
        for field in SEARCH_FIELDS
    ]
    vector = parts[0]
    for part in parts[1:]:
        vector = vector.op("||")(part)
    return vector


def _row(document: SearchDocument) -> dict[str, Any]:
    document = dict(document)
    body = dict(document)
    body["spelling"] = docs.spelling_text(document, "nl")
    body["spelling_en"] = docs.spelling_text(document, "en")
    updated = document.get("updated_at")
    row: dict[str, Any] = {
        "component_id": int(document["id"]),
        "slug": document["slug"],
        "name": document["name"],
        "exact": list(document.get("exact") or []),
        "body": body,
        "facets": document.get("facets") or {},
        "updated_at": dt.datetime.fromisoformat(updated) if updated else None,
        "version": int(document.get("version") or 0),
        "digest": document["digest"],
    }
    for field in SEARCH_FIELDS:
        row[f"text_{field}"] = docs.text_of(document, field)
    return row


_GENERATION = "SELECT generation FROM search.state WHERE id = 1"
_ALLOWED = "(d.component_id < %(nbits)s AND get_bit(%(allowed)s, d.component_id) = 1)"
# Not ranked: documents that do not pass the filters.
_UNRANKED = -1.0


def _parser(syntax: bool) -> str:
    """The function that reads ``%(q)s``: what the user typed (websearch syntax), or the words
    as query.tsquery_text put them."""
    return "websearch_to_tsquery" if syntax else "to_tsquery"


@functools.cache
def _matching(filtered: bool, syntax: bool = True) -> str:
    """The statement that matches the text: the generation, the ids of every match and their
    ``ts_rank`` (``_UNRANKED`` for those the filters leave out), as two strings of binary
    numbers. The exact-name bonus is added in Python (``_State.exact``)."""
    allowed = _ALLOWED if filtered else "true"
    parse = _parser(syntax)
    return (
        f"WITH query AS MATERIALIZED (SELECT {parse}('dutch', %(q)s) || "  # noqa: S608 - constants only
        f"{parse}('english', %(q)s) AS tsq) "
        f"SELECT ({_GENERATION}) AS generation, "
        "string_agg(int4send(d.component_id), '') AS ids, "
        f"string_agg(float4send(CASE WHEN {allowed} THEN ts_rank(d.tsv, query.tsq) "
        f"ELSE {_UNRANKED}::real END), '') AS ranks "
        "FROM search.component_document AS d, query WHERE d.tsv @@ query.tsq"
    )


# The text a snippet is cut from: the short description, features and long description of the
# first language (the asked one, then the others) that has any; and its configuration.
_SNIPPET_TEXT = (
    "LEFT JOIN LATERAL (SELECT l.cfg, l.txt FROM (SELECT s.n, "
    "CASE WHEN s.lang = 'en' THEN 'english' ELSE 'dutch' END AS cfg, "
    "concat_ws(' ', nullif(d.body ->> ('short_' || s.lang), ''), "
    "nullif((SELECT string_agg(f.item, ' ' ORDER BY f.n) FROM jsonb_array_elements_text("
    "d.body -> ('features_' || s.lang)) WITH ORDINALITY AS f(item, n)), ''), "
    "nullif(d.body ->> ('long_' || s.lang), '')) AS txt "
    "FROM unnest(CAST(%(langs)s AS text[])) WITH ORDINALITY AS s(lang, n)) AS l "
    "WHERE l.txt <> '' ORDER BY l.n LIMIT 1) AS src ON true"
)


@functools.cache
def _page_statement(has_text: bool, syntax: bool = True) -> str:
    """The statement that reads a page of hits: the generation, then per id in ``page`` (in
    that order) its slug, name, highlighted text and the short description to fall back on."""
    headline = (
        "ts_headline(CAST(src.cfg AS regconfig), src.txt, "
        f"{_parser(syntax)}(CAST(src.cfg AS regconfig), %(q)s), %(options)s)"
        if has_text
        else "NULL::text"
    )
    shorts = ", ".join(f"nullif(d.body ->> 'short_{language}', '')" for language in docs.LANGUAGES)
    return (
        f"SELECT 0::bigint AS n, ({_GENERATION}) AS generation, NULL::text AS slug, "  # noqa: S608 - constants only
        "NULL::text AS name, NULL::text AS headline, NULL::text AS fallback "
        "UNION ALL "
        f"SELECT p.n, NULL, d.slug, d.name, {headline}, "
        f"coalesce(nullif(d.body ->> ('short_' || %(lang)s), ''), {shorts}, '') "
        "FROM unnest(CAST(%(page)s AS integer[])) WITH ORDINALITY AS p(id, n) "
        "JOIN search.component_document AS d ON d.component_id = p.id "
        f"{_SNIPPET_TEXT if has_text else ''} ORDER BY n"
    )


def _snippet(headline: str | None, fallback: str) -> str:
    if headline and START in headline:
        escaped = html.escape(headline, quote=False)
        return escaped.replace(START, "<mark>").replace(STOP, "</mark>")
    return html.escape(_shorten(fallback), quote=False)


def _shorten(value: str, limit: int = 240) -> str:
    if len(value) <= limit:
        return value
    return value[:limit].rsplit(" ", 1)[0] + " …"
