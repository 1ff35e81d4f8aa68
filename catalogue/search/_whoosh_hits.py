"""A page of Whoosh hits (whoosh_backend.py): ranked by the arrays or by Whoosh's collector, with
the query terms highlighted in a snippet as Whoosh's ``Hit.highlights`` marks them.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import numpy as np
from whoosh import highlight
from whoosh import query as wq
from whoosh.analysis import StopFilter
from whoosh.fields import Schema

from catalogue.search import _whoosh_snippets
from catalogue.search import documents as docs
from catalogue.search._whoosh_facets import Generation
from catalogue.search._whoosh_ranking import Ranked
from catalogue.search.interfaces import Hit, SearchQuery

# Whole fields of a hit are shown when nothing in them is highlighted, cut to this length.
SNIPPET_LENGTH = 240
# Fields a snippet is taken from, per reading language, best first.
SNIPPET_FIELDS = {
    language: [
        f"{kind}_{lang}"
        for lang in (language, *(other for other in docs.LANGUAGES if other != language))
        for kind in ("short", "features", "long")
    ]
    for language in docs.LANGUAGES
}

# Every field a snippet can come from (the reading language's first, then the other's): the
# only fields whose matched words a page of hits needs.
SNIPPET_FIELD_SET = frozenset(field for fields in SNIPPET_FIELDS.values() for field in fields)
# What a page of hits reads of a document's stored fields (Generation.hit_fields keeps these).
HIT_FIELDS = ("slug", "name", *sorted(SNIPPET_FIELD_SET))

# The sortable column of each sort but relevance, and whether it runs backwards.
SORT_COLUMNS: dict[str, tuple[str, bool]] = {
    "name": ("name_sort", False),
    "updated": ("updated", True),
}


class MarkFormatter(highlight.Formatter):
    """Highlights as ``<mark>``; every other character is HTML-escaped."""

    between = " … "

    def _text(self, text: str) -> str:
        return html.escape(text, quote=False)

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f"<mark>{html.escape(highlight.get_text(text, token, replace), quote=False)}</mark>"


class HitsMixin:
    """The page-of-hits methods of WhooshBackend: the schema is the backend's, and
    ``_stop_form_cache`` its cache of the terms stop words make."""

    schema: Schema
    _stop_form_cache: dict[str, frozenset[str]]

    def _ranked_hits(
        self,
        generation: Generation,
        ranked: Ranked,
        everything: int,
        query: SearchQuery,
        page: tuple[int, int],
        text_query: wq.Query,
        selections: dict[str, int],
    ) -> list[Hit]:
        """A page of hits from the array ranking."""
        ranker = generation.ranker
        candidates = generation.to_array(everything)
        column = SORT_COLUMNS.get(query.sort)
        if column is None:
            docnums = ranker.top(ranked, candidates, page[1])
        else:
            docnums = ranker.sorted_by(column[0], candidates, page[1], reverse=column[1])
        # Whoosh highlights, in every hit, the query terms that matched some result
        # (Results.matched_terms). A field can only show a highlight where it holds such a
        # term, or where the term is a stop word's form (highlighting keeps stop words; the
        # index does not), so other fields are not analysed at all. Only the snippet fields
        # (SNIPPET_FIELD_SET) are ever shown, so the words of no other field are worked out.
        words: dict[str, set[str]] = {}
        for (field, text), found in ranked.terms.items():
            if field in SNIPPET_FIELD_SET and (found & candidates).any():
                words.setdefault(field, set()).add(text)
        # Whoosh's collector also counts a term whose matcher is parked on a collected
        # document inside an And that does not match it: when an And below an Or runs out,
        # the side that is left stays where its last skip put it, and the Or may still match
        # that document by another part ("objecttypen" matched whole, while the And of its
        # parts "object" and "typen" ended with "object" parked there). Only a term that
        # occurs in a result without being one of the words can be such a term, and it only
        # changes a snippet of this page when it is in a snippet field and one of the page's
        # documents holds it (or everywhere, if it is a stop word's form); a parked term of a
        # name, alias or compound-parts field shows nowhere. Then the words are Whoosh's own
        # (an unscored pass of its matchers, which move as they do when scored; about 1 search
        # in 150, and the slowest part of one).
        shown = docnums[page[0] : page[1]]
        if any(
            field in SNIPPET_FIELD_SET
            and text not in words.get(field, ())
            and (found[shown].any() or text in self._stop_forms(field))
            and (found & ranked.matched & candidates).any()
            for (field, text), found in ranked.postings.items()
        ):
            words = self._collected_words(generation, text_query, everything, selections)
        occurs = {
            field: np.logical_or.reduce([ranked.postings[(field, text)] for text in texts])
            for field, texts in words.items()
        }
        anywhere = {field for field, texts in words.items() if texts & self._stop_forms(field)}
        frozen = {field: frozenset(texts) for field, texts in words.items()}
        hits = []
        for docnum in shown.tolist():
            stored = generation.hit_fields(docnum)

            def highlighted(field: str, docnum: int = docnum, stored: Any = stored) -> str:
                if field not in words or (field not in anywhere and not occurs[field][docnum]):
                    return ""
                return self._highlight_kept(generation, docnum, field, stored[field], frozen[field])

            hits.append(
                Hit(
                    slug=stored["slug"],
                    name=stored["name"],
                    score=0.0 if column else float(ranked.scores[docnum]),
                    snippet_html=_snippet(stored, query, highlighted),
                )
            )
        return hits

    def _collected_words(
        self,
        generation: Generation,
        text_query: wq.Query,
        everything: int,
        selections: dict[str, int],
    ) -> dict[str, set[str]]:
        """The terms Whoosh's collector reports as matched (Results.matched_terms), by field."""
        results = generation.searcher.search(
            text_query,
            limit=None,
            scored=False,
            filter=generation.docnums(everything) if selections else None,
            terms=True,
        )
        words: dict[str, set[str]] = {}
        for field, btext in results.matched_terms():
            if field in SNIPPET_FIELD_SET:
                words.setdefault(field, set()).add(self.schema[field].from_bytes(btext))
        return words

    def _collected_hits(
        self,
        generation: Generation,
        text_query: wq.Query,
        everything: int,
        selections: dict[str, int],
        query: SearchQuery,
        page: tuple[int, int],
    ) -> list[Hit]:
        """A page of hits ranked by Whoosh's collector (queries the arrays do not rank)."""
        sortedby, reverse = SORT_COLUMNS.get(query.sort, (None, False))
        # Every match is ranked (limit=None): with a limit, Whoosh's collector can leave a
        # better-scoring document out of the top of a query with NOT (Whoosh 2.7.5; seen in
        # tests/catalogue/search/test_whoosh_ranking.py). All matches are scored either way.
        results = generation.searcher.search(
            text_query,
            limit=None,
            filter=generation.docnums(everything) if selections else None,
            sortedby=sortedby,
            reverse=reverse,
            terms=True,
        )
        results.formatter = MarkFormatter()
        results.fragmenter = _fragmenter()
        hits = []
        for number in range(page[0], min(page[1], results.scored_length())):
            hit = results[number]
            # When sorted, Whoosh puts the sort key where the score would be.
            score = hit.score if isinstance(hit.score, int | float) and not sortedby else 0.0
            hits.append(
                Hit(
                    slug=hit["slug"],
                    name=hit["name"],
                    score=float(score),
                    snippet_html=_snippet(
                        hit, query, lambda field, hit=hit: str(hit.highlights(field, top=2))
                    ),
                )
            )
        return hits

    def _stop_forms(self, field: str) -> frozenset[str]:
        """The terms a field's analyser makes of its own stop words when it keeps them."""
        forms = self._stop_form_cache.get(field)
        if forms is None:
            analyzer = self.schema[field].analyzer
            stops = {
                word
                for item in getattr(analyzer, "items", ())
                if isinstance(item, StopFilter)
                for word in item.stops
            }
            forms = frozenset(
                token.text for token in analyzer(" ".join(sorted(stops)), removestops=False)
            )
            self._stop_form_cache[field] = forms
        return forms

    def _highlight_kept(
        self, generation: Generation, docnum: int, field: str, text: str, words: frozenset[str]
    ) -> str:
        """:meth:`_highlight`, from the field's tokens as the opened index keeps them."""
        tokens = generation.tokens.get(docnum, field, self.schema[field].analyzer, text)
        if tokens is None:
            return self._highlight(field, text, words)
        return kept_highlight(text, tokens, words)

    def _highlight(self, field: str, text: str, words: frozenset[str]) -> str:
        """What ``Hit.highlights(field, top=2)`` gives (see :func:`whoosh_highlight`)."""
        return whoosh_highlight(self.schema[field].analyzer, text, words)


def whoosh_highlight(analyzer: Any, text: str, words: frozenset[str]) -> str:
    """What ``Hit.highlights(field, top=2)`` gives for a field with this analyzer: the text
    re-analysed, the tokens that are query terms marked, the best two fragments joined."""
    highlighter = highlight.Highlighter(fragmenter=_fragmenter(), formatter=MarkFormatter())
    tokens = analyzer(text, positions=True, chars=True, mode="index", removestops=False)
    tokens = highlighter._merge_matched_tokens(highlight.set_matched_filter(tokens, words))
    fragments = highlight.top_fragments(
        highlighter.fragmenter.fragment_tokens(text, tokens),
        2,
        highlighter.scorer,
        highlighter.order,
        minscore=1,
    )
    return str(highlighter.formatter.format(fragments))


def kept_highlight(text: str, tokens: _whoosh_snippets.Tokens, words: frozenset[str]) -> str:
    """:func:`whoosh_highlight` from the text's tokens analysed before (_whoosh_snippets.py)."""
    chosen = highlight.top_fragments(
        _whoosh_snippets.fragments(text, tokens, words, _FRAGMENTER),
        2,
        _SCORER,
        highlight.FIRST,
        minscore=1,
    )
    return str(_FORMATTER.format(chosen))


def _fragmenter() -> highlight.ContextFragmenter:
    return highlight.ContextFragmenter(maxchars=300, surround=60)


# What _highlight_kept uses, as _highlight's Highlighter has them (none keeps state).
_FRAGMENTER = _fragmenter()
_SCORER = highlight.BasicFragmentScorer()
_FORMATTER = MarkFormatter()


def _snippet(stored: Any, query: SearchQuery, highlighted: Callable[[str], str]) -> str:
    """The first field (in the reading language first) with a highlighted query term, else the
    short description cut to length. ``stored`` gives the stored fields."""
    language = query.language if query.language in SNIPPET_FIELDS else "nl"
    if query.q:
        for field in SNIPPET_FIELDS[language]:
            if stored.get(field):
                marked = highlighted(field)
                if marked:
                    return marked
    for field in SNIPPET_FIELDS[language]:
        text = stored.get(field)
        if text and field.startswith("short_"):
            return html.escape(_shorten(text), quote=False)
    return ""


def _shorten(text: str) -> str:
    if len(text) <= SNIPPET_LENGTH:
        return text
    return text[:SNIPPET_LENGTH].rsplit(" ", 1)[0] + " …"
