"""The schema of the Whoosh index (whoosh_backend.py), the fields of a document in it, and the
codec a rebuild writes it with.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from whoosh.analysis import LanguageAnalyzer, LowercaseFilter, RegexTokenizer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema

from catalogue.search import documents as docs
from catalogue.search.interfaces import SearchDocument
from catalogue.search.query import (
    ENGLISH_FIELDS,
    EXACT_FIELD,
    FACETS,
    SEARCH_FIELDS,
    normalise_text,
)

# Documents per block of a posting list written by a rebuild (Whoosh's default is 128).
POSTING_BLOCK = 1024

# One token per line, case kept: facet values are keys, not words.
_LINES = RegexTokenizer(r"[^\n]+")


def make_schema() -> Schema:
    """The index schema: Dutch and English stemming per text field, facets as whole values.

    The words "did you mean" offers are no field of their own: they are counted from the
    stored texts (_whoosh_spelling.py). An index written with the former ``spelling`` fields
    has other field names, so ``available()`` is False for it and it is rebuilt."""
    dutch, english = LanguageAnalyzer("nl"), LanguageAnalyzer("en")
    fields: dict[str, Any] = {
        "id": ID(stored=True, unique=True),
        # Never searched (the query parser has no field syntax): shown, or sorted on.
        "slug": STORED(),
        "name_sort": _column_only(ID(sortable=True)),
        EXACT_FIELD: TEXT(analyzer=RegexTokenizer(r"[^\n]+") | LowercaseFilter(), phrase=False),
        "updated": _column_only(DATETIME(sortable=True)),
        "updated_at": STORED(),
        "version": STORED(),
        "digest": STORED(),
        "labels": STORED(),
    }
    for field in SEARCH_FIELDS:
        fields[field] = TEXT(analyzer=english if field in ENGLISH_FIELDS else dutch, stored=True)
    for facet in FACETS:
        fields[facet.field] = _unscored(TEXT(analyzer=_LINES, phrase=False))
    return Schema(**fields)


def _column_only(field: Any) -> Any:
    """``field`` as a sortable column without terms: sorting reads the column alone, and the
    terms (eight per date, for range queries) would only make a rebuild write more."""
    field.indexed = False
    return field


def _unscored(field: Any) -> Any:
    """``field`` without field lengths: facet values filter and are counted, never scored."""
    field.scorable = False
    return field


def _datetime(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    # Whoosh stores naive datetimes; the document's timestamp is UTC.
    return dt.datetime.fromisoformat(value).astimezone(dt.UTC).replace(tzinfo=None)


def fields_of(document: SearchDocument) -> dict[str, Any]:
    """The Whoosh fields of a search document."""
    document = dict(document)
    fields: dict[str, Any] = {
        "id": str(document["id"]),
        "slug": str(document["slug"]),
        "name_sort": normalise_text(str(document["name"])).casefold(),
        EXACT_FIELD: "\n".join(document.get("exact") or []),
        "updated_at": document.get("updated_at"),
        "version": document.get("version"),
        "digest": document.get("digest"),
        "labels": json.dumps(document.get("labels") or {}, ensure_ascii=False),
    }
    updated = _datetime(document.get("updated_at"))
    if updated is not None:
        fields["updated"] = updated
    for field in SEARCH_FIELDS:
        fields[field] = docs.text_of(document, field)
    for facet in FACETS:
        fields[facet.field] = "\n".join(document.get("facets", {}).get(facet.name) or [])
    return fields


def _codec() -> W3Codec:
    """Whoosh's codec with posting blocks of up to POSTING_BLOCK documents, uncompressed: the
    array ranking reads whole posting lists, and a block costs one read and one unpickling."""
    return W3Codec(blocklimit=POSTING_BLOCK, compression=0)
