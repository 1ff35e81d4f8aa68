"""The PostgreSQL backend's derived data per generation: the facet bit sets, labels, sort orders
and spelling vocabulary it keeps between searches, and what makes it let go of them.

The backend is driven directly on a migrated, otherwise empty PostgreSQL database with
hand-made documents, so every count can be worked out by the rule in catalogue/search/query.py.
"Another process" is a second backend with its own engine (its own connections), or plain SQL.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text

from catalogue.migrate import downgrade, upgrade
from catalogue.search import postgres_backend
from catalogue.search.documents import digest
from catalogue.search.interfaces import SearchQuery, SearchResults, SearchUnavailable
from catalogue.search.postgres_backend import PostgresBackend
from catalogue.search.query import FACETS, UNKNOWN, count_facets, exact_key

pytestmark = pytest.mark.postgres


def document(
    number: int,
    name: str,
    *,
    short: str = "",
    facets: dict[str, list[str]] | None = None,
    labels: dict[str, dict[str, str]] | None = None,
    updated: str | None = None,
) -> dict[str, Any]:
    """A search document in the shape documents.document_from gives."""
    given = facets or {}
    made: dict[str, Any] = {
        "id": str(number),
        "slug": f"component-{number}",
        "name": name,
        "aliases": [],
        "exact": [exact_key(name)],
        "reference_components": [],
        "standards": [],
        "organisations": [],
        "short_nl": short,
        "long_nl": "",
        "features_nl": [],
        "short_en": "",
        "long_en": "",
        "features_en": [],
        "facets": {facet.name: sorted(given.get(facet.name) or [UNKNOWN]) for facet in FACETS},
        "labels": labels or {},
        "updated_at": updated,
        "version": 1,
    }
    made["digest"] = digest(made)
    return made


@pytest.fixture
def engine(empty_postgres_url: str) -> Iterator[Engine]:
    """A migrated, empty PostgreSQL database."""
    made = create_engine(empty_postgres_url)
    upgrade(made)
    yield made
    made.dispose()


@pytest.fixture
def other(engine: Engine) -> Iterator[PostgresBackend]:
    """A second backend on the same database with its own connections: another process."""
    made = create_engine(engine.url)
    yield PostgresBackend(made)
    made.dispose()


def _generation(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(text("SELECT generation FROM search.state")))


def _counts(results: SearchResults, facet: str) -> dict[str, int]:
    return {value.value: value.count for value in results.facets[facet]}


def test_every_write_statement_raises_the_generation_and_a_rollback_does_not(
    engine: Engine,
) -> None:
    backend = PostgresBackend(engine)
    seen = [_generation(engine)]

    def raised() -> bool:
        seen.append(_generation(engine))
        return seen[-1] > seen[-2]

    backend.index([document(1, "Alpha")])
    assert raised()
    backend.index([document(1, "Alpha Two")])
    assert raised()
    backend.delete(["1"])
    assert raised()
    backend.rebuild([document(2, "Beta")])
    assert raised()
    with engine.begin() as connection:
        connection.execute(text("UPDATE search.component_document SET name = 'Gamma'"))
    assert raised()
    with engine.begin() as connection:
        connection.execute(text("TRUNCATE search.component_document"))
    assert raised()
    with engine.connect() as connection:
        connection.execute(text("DELETE FROM search.component_document"))
        assert connection.scalar(text("SELECT generation FROM search.state")) > seen[-1]
        connection.rollback()
    assert _generation(engine) == seen[-1]


def test_the_search_rows_keep_what_a_search_reads_in_line(engine: Engine) -> None:
    with engine.connect() as connection:
        storage = dict(
            connection.execute(
                text(
                    "SELECT attname, attstorage FROM pg_attribute "
                    "WHERE attrelid = 'search.component_document'::regclass AND attnum > 0"
                )
            ).all()
        )
        indexes = set(
            connection.scalars(text("SELECT indexname FROM pg_indexes WHERE schemaname = 'search'"))
        )
    assert storage["tsv"] == "m" and storage["name"] == "m" and storage["exact"] == "m"
    assert storage["body"] == "e" and storage["facets"] == "e"
    assert "ix_component_document_tsv" in indexes
    assert "ix_component_document_facets" not in indexes


def test_counts_and_hits_follow_the_writes_of_another_process(
    engine: Engine, other: PostgresBackend
) -> None:
    backend = PostgresBackend(engine)
    other.rebuild(
        [
            document(1, "Zaak een", short="zaak", facets={"license": ["MIT"]}),
            document(2, "Zaak twee", short="zaak", facets={"license": ["EUPL-1.2"]}),
            document(3, "Archief", short="archief", facets={"license": ["MIT"]}),
        ]
    )
    first = backend.search(SearchQuery(q="zaak"))
    assert first.total == 2
    assert _counts(first, "license") == {"MIT": 1, "EUPL-1.2": 1}

    # A new document, written by the other process.
    other.index([document(4, "Zaak vier", short="zaak", facets={"license": ["MIT"]})])
    second = backend.search(SearchQuery(q="zaak"))
    assert second.total == 3
    assert _counts(second, "license") == {"MIT": 2, "EUPL-1.2": 1}
    filtered = backend.search(SearchQuery(q="zaak", filters={"license": ("MIT",)}))
    assert {hit.slug for hit in filtered.hits} == {"component-1", "component-4"}

    # A facet changed by plain SQL, outside any backend.
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE search.component_document "
                """SET facets = jsonb_set(facets, '{license}', '["Apache-2.0"]') """
                "WHERE component_id = 1"
            )
        )
    third = backend.search(SearchQuery(q="zaak", filters={"license": ("MIT",)}))
    assert [hit.slug for hit in third.hits] == ["component-4"]
    assert _counts(third, "license") == {"MIT": 1, "EUPL-1.2": 1, "Apache-2.0": 1}

    # A document deleted by the other process, and then all of them.
    other.delete(["4"])
    fourth = backend.search(SearchQuery(q="zaak", filters={"license": ("MIT",)}))
    assert fourth.total == 0 and fourth.hits == []
    assert [(v.value, v.count, v.selected) for v in fourth.facets["license"]][-1] == (
        "MIT",
        0,
        True,
    )
    with engine.begin() as connection:
        connection.execute(text("TRUNCATE search.component_document"))
    assert backend.search(SearchQuery()).total == 0


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """The generation of every state the backend derives (the real ``_State.load`` runs)."""
    seen: list[int | None] = []
    original = postgres_backend._State.load

    def counted(connection: Any) -> postgres_backend._State:
        state = original(connection)
        seen.append(state.generation)
        return state

    monkeypatch.setattr(postgres_backend._State, "load", staticmethod(counted))
    return seen


def test_the_state_is_derived_once_per_generation(
    engine: Engine, other: PostgresBackend, loads: list[int | None]
) -> None:
    backend = PostgresBackend(engine)
    other.rebuild([document(1, "Zaak", short="zaak"), document(2, "Archief", short="archief")])
    for q in ("zaak", "archief", "", "zaak"):
        backend.search(SearchQuery(q=q))
    assert len(loads) == 1
    other.index([document(3, "Zaak drie", short="zaak")])
    assert backend.search(SearchQuery(q="zaak")).total == 2
    assert backend.search(SearchQuery(q="")).total == 3
    assert len(loads) == 2 and loads[1] == _generation(engine) > loads[0]


def test_a_kept_state_of_another_generation_is_never_used(
    engine: Engine, other: PostgresBackend
) -> None:
    backend = PostgresBackend(engine)
    other.rebuild([document(1, "Zaak", short="zaak", facets={"layer": ["process"]})])
    backend.search(SearchQuery(q="zaak"))
    kept = backend._state
    assert kept is not None
    # Same ids, other facets, written behind the kept state's back.
    other.rebuild([document(1, "Zaak", short="zaak", facets={"layer": ["data"]})])
    results = backend.search(SearchQuery(q="zaak", filters={"layer": ("data",)}))
    assert results.total == 1 and _counts(results, "layer") == {"data": 1}
    assert backend._state is not kept


def test_did_you_mean_learns_the_words_of_new_documents(
    engine: Engine, other: PostgresBackend
) -> None:
    backend = PostgresBackend(engine)
    other.rebuild([document(1, "Zaak", short="zaaksysteem")])
    assert backend.search(SearchQuery(q="zaaksyteem")).suggestion == "zaaksysteem"
    assert backend.search(SearchQuery(q="notifcaties")).suggestion is None
    other.index([document(2, "Meldingen", short="notificaties")])
    assert backend.search(SearchQuery(q="notifcaties")).suggestion == "notificaties"


def test_facet_counts_follow_the_rule_on_random_documents(engine: Engine) -> None:
    """Totals and drill-sideways counts equal query.count_facets over the text matches."""
    rng = random.Random(5)  # noqa: S311 - test data, not secrets
    pools = {
        "license": ["MIT", "EUPL-1.2", "Apache-2.0"],
        "layer": ["process", "data", "service"],
        "hosting_model": ["saas", "on-premise", "paas"],
        "municipality": [f"gemeente-{n}" for n in range(8)],
    }
    made = []
    for number in range(1, 121):
        facets = {
            name: rng.sample(pool, rng.randint(0, 2 if name != "license" else 1))
            for name, pool in pools.items()
        }
        labels = {
            name: {value: value.replace("-", " ").title() for value in values}
            for name, values in facets.items()
            if name == "municipality" and values
        }
        short = "zaak" if rng.random() < 0.6 else "archief"
        made.append(
            document(number, f"Component {number}", short=short, facets=facets, labels=labels)
        )
    backend = PostgresBackend(engine)
    backend.rebuild(made)
    cases: list[tuple[str, dict[str, tuple[str, ...]]]] = [
        ("", {}),
        ("zaak", {}),
        ("zaak", {"license": ("MIT", "EUPL-1.2")}),
        ("", {"layer": ("data",), "municipality": ("gemeente-1", "gemeente-2")}),
        ("zaak", {"hosting_model": (UNKNOWN,), "license": ("Apache-2.0",)}),
    ]
    for q, filters in cases:
        matching = [d for d in made if not q or d["short_nl"] == q]
        expected = count_facets(matching, filters)
        results = backend.search(SearchQuery(q=q, filters=filters, per_page=200))
        passing = [
            d
            for d in matching
            if all(set(v) & set(d["facets"][name]) for name, v in filters.items())
        ]
        assert results.total == len(passing), (q, filters)
        assert {hit.slug for hit in results.hits} == {d["slug"] for d in passing}
        for facet in FACETS:
            got = [(v.value, v.label, v.count) for v in results.facets[facet.name] if v.count]
            assert got == expected[facet.name], (q, filters, facet.name)


def test_a_value_that_documents_label_differently_shows_the_least_label_among_the_counted(
    engine: Engine,
) -> None:
    backend = PostgresBackend(engine)
    maintainer = {"maintainer": ["acme"]}
    backend.rebuild(
        [
            document(
                1, "Een", short="zaak", facets=maintainer, labels={"maintainer": {"acme": "B"}}
            ),
            document(
                2, "Twee", short="zaak", facets=maintainer, labels={"maintainer": {"acme": "A"}}
            ),
            document(3, "Drie", short="archief", facets=maintainer),
            document(4, "Vier", short="melding", facets={"license": ["MIT"]}),
        ]
    )

    def label(q: str, match: Any = "all") -> str:
        values = backend.search(SearchQuery(q=q, match=match)).facets["maintainer"]
        return next(v.label for v in values if v.value == "acme")

    assert label("zaak") == "A"
    # Either word (a plain "or" is a stop word now; recovery.py falls back to any word).
    assert label("zaak archief", "any") == "A"
    assert label("archief") == "acme"  # the one document here gives no label
    chosen = backend.search(SearchQuery(q="melding", filters={"maintainer": ("acme",)}))
    # Drill sideways: the one "melding" document has no maintainer; acme stays, with 0.
    assert [(v.value, v.label, v.count) for v in chosen.facets["maintainer"]] == [
        (UNKNOWN, UNKNOWN, 1),
        ("acme", "A", 0),
    ]


def test_pages_sorts_and_a_page_past_the_end(engine: Engine) -> None:
    backend = PostgresBackend(engine)
    # Names that tie when lowercased: ties go by id, as the SQL order did.
    names = ["beta", "Alpha", "alpha", "Gamma", "delta", "ALPHA", "Epsilon"]
    backend.rebuild(
        [
            document(
                number,
                name,
                short="zaak",
                updated=None if number == 2 else f"2024-01-{number:02d}T00:00:00+00:00",
            )
            for number, name in enumerate(names, start=1)
        ]
    )

    def slugs(**query: Any) -> list[str]:
        return [hit.slug for hit in backend.search(SearchQuery(**query)).hits]

    by_name = ["component-2", "component-3", "component-6", "component-1", "component-5"]
    assert slugs(sort="name", per_page=5) == by_name
    assert slugs(q="zaak", sort="name", per_page=5) == by_name
    assert slugs(per_page=5) == by_name  # no text: relevance is by name
    assert slugs(sort="name", per_page=5, page=2) == ["component-7", "component-4"]
    assert slugs(sort="name", per_page=5, page=9) == ["component-7", "component-4"]
    assert slugs(sort="name", per_page=5, page=0) == by_name
    by_update = ["component-7", "component-6", "component-5", "component-4", "component-3"]
    assert slugs(sort="updated", per_page=5) == by_update
    assert slugs(sort="updated", per_page=5, page=2) == ["component-1", "component-2"]
    # Equal ranks: by lowercased name, then id; an exact name comes first.
    assert slugs(q="zaak", per_page=3) == ["component-2", "component-3", "component-6"]
    assert slugs(q="Gamma", per_page=3) == ["component-4"]
    assert backend.search(SearchQuery(q="delta")).hits[0].score > 10


def test_migration_0005_keeps_the_documents_and_their_search(engine: Engine) -> None:
    downgrade(engine, "0004")
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT to_regclass('search.state')")) is None
    made = [document(n, f"Zaak {n}", short="zaak", facets={"license": ["MIT"]}) for n in (1, 2)]
    PostgresBackend(engine).rebuild(made)
    upgrade(engine)
    backend = PostgresBackend(engine)
    results = backend.search(SearchQuery(q="zaak"))
    assert results.total == 2 and _counts(results, "license") == {"MIT": 2}
    with engine.connect() as connection:
        assert (
            connection.scalar(
                text(
                    "SELECT count(*) FROM search.component_document WHERE body ->> 'name' LIKE 'Zaak%'"
                )
            )
            == 2
        )


def test_a_failing_page_statement_makes_the_search_unavailable(engine: Engine) -> None:
    backend = PostgresBackend(engine)
    backend.rebuild([document(1, "Zaak", short="zaak")])
    assert backend.search(SearchQuery(q="zaak")).total == 1
    # The text still matches; reading the page of hits (in pipeline mode) fails.
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE search.component_document RENAME slug TO old_slug"))
    with pytest.raises(SearchUnavailable, match="failed"):
        backend.search(SearchQuery(q="zaak"))
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE search.component_document RENAME old_slug TO slug"))
    assert [hit.slug for hit in backend.search(SearchQuery(q="zaak")).hits] == ["component-1"]


def test_searches_after_a_write_derive_the_state_once_between_them(
    engine: Engine, other: PostgresBackend, loads: list[int | None]
) -> None:
    backend = PostgresBackend(engine)
    other.rebuild([document(n, f"Zaak {n}", short="zaak") for n in range(1, 30)])
    assert backend.search(SearchQuery(q="zaak")).total == 29
    other.index([document(30, "Zaak 30", short="zaak")])
    with ThreadPoolExecutor(max_workers=6) as pool:
        totals = list(pool.map(lambda _n: backend.search(SearchQuery(q="zaak")).total, range(12)))
    assert totals == [30] * 12
    assert len(loads) == 2
