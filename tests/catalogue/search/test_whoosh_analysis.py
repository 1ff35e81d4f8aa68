"""The per-word analysis (_whoosh_analysis.py): which analysers qualify, and stop words.

That its tokens and terms are Whoosh's own is checked where they are used: token for token in
test_whoosh_snippets.py, posting for posting in test_whoosh_writing.py.
"""

from __future__ import annotations

from whoosh import analysis

from catalogue.search._whoosh_analysis import WordAnalysis, per_word
from catalogue.search._whoosh_schema import make_schema


def test_our_text_and_facet_fields_work_a_word_at_a_time() -> None:
    schema = make_schema()
    text_fields = [name for name in schema.names() if name.startswith(("short_", "long_"))]
    facet_fields = [name for name in schema.names() if name.startswith("facet_")]
    assert text_fields and facet_fields
    assert all(per_word(schema[name].analyzer) for name in text_fields + facet_fields)
    # Not per word: n-grams (one word, many tokens), a tokenizer that splits on gaps, and a
    # filter that looks at the tokens around it.
    assert not per_word(analysis.NgramWordAnalyzer(2, 4))
    assert not per_word(analysis.RegexTokenizer(r"\s+", gaps=True))
    assert not per_word(analysis.RegexTokenizer() | analysis.ShingleFilter())


def test_stop_words_have_no_term_when_removed_and_keep_their_text_when_kept() -> None:
    analyzer = make_schema()["long_nl"].analyzer
    removed = WordAnalysis(analyzer)
    kept = WordAnalysis(analyzer, removestops=False)
    assert removed.term("De") is None
    assert kept.term("De") == "de"
    assert removed.term("Zaken") == kept.term("Zaken") == next(iter(analyzer("Zaken"))).text
    assert removed.tokens("de zaak") is None
    assert kept.tokens("de zaak") is not None
