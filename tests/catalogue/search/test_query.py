"""The pure query builder: fields, boosts, filters and the facet rule, without an index."""

from __future__ import annotations

from whoosh import query as wq

from catalogue.search.query import (
    EXACT_FIELD,
    FACETS,
    MAX_VALUES_PER_FACET,
    SEARCH_BOOSTS,
    SEARCH_FIELDS,
    UNKNOWN,
    build_filter,
    build_query,
    count_facets,
    matches_filters,
    normalise_text,
    parse_filters,
)
from catalogue.search.whoosh_backend import make_schema
from tests.conftest import DATA_DIR


def test_every_search_field_has_a_boost_and_the_exact_name_beats_them_all() -> None:
    assert set(SEARCH_FIELDS) <= set(SEARCH_BOOSTS)
    assert SEARCH_BOOSTS[EXACT_FIELD] > sum(SEARCH_BOOSTS[f] for f in SEARCH_FIELDS)


def test_the_facets_are_the_ones_the_page_offers() -> None:
    assert [f.name for f in FACETS] == [
        "reference_component",
        "standard",
        "layer",
        "hosting_model",
        "license",
        "development_status",
        "maintenance_type",
        "technology_platform",
        "maintainer",
        "municipality",
    ]
    assert len({f.param for f in FACETS}) == len(FACETS)


def test_parse_filters_reads_repeated_arguments_and_ignores_the_rest() -> None:
    args = {
        "licentie": ["EUPL-1.2", "MIT", "EUPL-1.2", "  "],
        "gemeente": ["gemeente-utrecht"],
        "onbekende-parameter": ["x"],
        "standaard": [f"s{i}" for i in range(100)],
    }
    filters = parse_filters(lambda name: args.get(name, []))
    assert filters["license"] == ("EUPL-1.2", "MIT")
    assert filters["municipality"] == ("gemeente-utrecht",)
    assert len(filters["standard"]) == MAX_VALUES_PER_FACET
    assert set(filters) == {"license", "municipality", "standard"}


def test_text_is_cleaned_and_cut() -> None:
    assert normalise_text("  open\x00\tzaak \n") == "open zaak"
    assert len(normalise_text("x" * 1000)) == 200


def test_build_query_adds_an_exact_name_clause_and_matches_all_without_text() -> None:
    schema = make_schema()
    assert isinstance(build_query("", schema), wq.Every)
    built = build_query("Open  Zaak", schema)
    exact = [q for q in built.subqueries if isinstance(q, wq.Term) and q.fieldname == EXACT_FIELD]
    assert exact and exact[0].text == "open zaak" and exact[0].boost == SEARCH_BOOSTS[EXACT_FIELD]
    # Field syntax from the URL cannot reach the facet fields.
    assert "facet_license" not in {f for f, _ in build_query("facet_license:MIT", schema).terms()}


def test_build_filter_ors_within_a_facet_and_ands_across_and_can_leave_one_out() -> None:
    filters = {"license": ("MIT", "EUPL-1.2"), "layer": ("data",)}
    built = build_filter(filters)
    assert isinstance(built, wq.And)
    assert build_filter(filters, exclude="layer") == wq.Or(
        [wq.Term("facet_license", "MIT"), wq.Term("facet_license", "EUPL-1.2")]
    )
    assert build_filter({}) is None


def _doc(slug: str, **facets: list[str]) -> dict[str, object]:
    return {"slug": slug, "facets": facets, "labels": {"license": {"MIT": "MIT licence"}}}


def test_the_facet_rule_on_plain_documents() -> None:
    documents = [
        _doc("a", license=["MIT"], layer=["data"]),
        _doc("b", license=["EUPL-1.2"], layer=["data"]),
        _doc("c", license=[UNKNOWN], layer=["process"]),
    ]
    filters = {"license": ("MIT",)}
    assert [d["slug"] for d in documents if matches_filters(d, filters)] == ["a"]
    counted = count_facets(documents, filters)
    # Licence counts ignore the licence filter (drill sideways) ...
    assert {v: c for v, _, c in counted["license"]} == {"MIT": 1, "EUPL-1.2": 1, UNKNOWN: 1}
    assert ("MIT", "MIT licence", 1) in counted["license"]
    # ... other facets count only what the licence filter lets through.
    assert {v: c for v, _, c in counted["layer"]} == {"data": 1}


def _catalogue_words() -> list[str]:
    """Every word of the real catalogue's names and descriptions (data/components.yaml), with
    the words that may not take the short road (operators, stop words, digits, a compound)."""
    import yaml

    from catalogue.search.query import OPERATORS, STOP_WORDS, words

    text = (DATA_DIR / "components.yaml").read_text(encoding="utf-8")
    found = set(words(str(yaml.safe_load(text))))
    return sorted(found | OPERATORS | set(STOP_WORDS) | {"2fa", "e", "zaakafhandeling", "ß"})


def test_a_word_built_directly_is_the_query_whooshs_parser_gives() -> None:
    from catalogue.search.query import _parser, word_query

    schema = make_schema()
    parser = _parser(schema)
    catalogue_words = _catalogue_words()
    assert len(catalogue_words) > 1000
    different = [
        word for word in catalogue_words if word_query(word, schema, parser) != parser.parse(word)
    ]
    assert different == []
