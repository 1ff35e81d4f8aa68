"""A page takes a fixed number of SQL statements, whatever the size of the catalogue.

Counted through SQLAlchemy's ``before_cursor_execute`` event on the app's engine, on SQLite and
on PostgreSQL, with the page cache off (every request renders its page). The search runs on a
Whoosh index, which asks the database nothing, so every statement counted on the search page
is one besides the search itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

import catalogue.search as search
from catalogue.models import (
    Component,
    ComponentDescription,
    ComponentRequirement,
    ComponentStandard,
    Contact,
    Contractor,
    DerivedFact,
    GemmaElement,
    GemmaKind,
    HarvestSource,
    ImportRecord,
    Offer,
    Organisation,
    OrganisationKind,
    Realisation,
    RealisationBasis,
    SoftwareDependency,
    SourceKind,
    Usage,
)
from catalogue.services.component_read import read_component
from catalogue.services.components import document_of, get_component
from catalogue.services.facts import derived_facts_of
from catalogue.services.harvesting import sources_of

MAX_STATEMENTS = 8
# Related rows of a component, per table: (model, the column that names the component).
RELATED = (
    (ComponentDescription, ComponentDescription.component_id),
    (Contractor, Contractor.component_id),
    (Contact, Contact.component_id),
    (SoftwareDependency, SoftwareDependency.component_id),
    (ComponentRequirement, ComponentRequirement.component_id),
    (ComponentRequirement, ComponentRequirement.required_component_id),
    (ComponentStandard, ComponentStandard.component_id),
    (Realisation, Realisation.component_id),
    (Offer, Offer.component_id),
    (Usage, Usage.component_id),
    (ImportRecord, ImportRecord.component_id),
    (DerivedFact, DerivedFact.component_id),
    (HarvestSource, HarvestSource.component_id),
)
GROWTH = 60


@pytest.fixture
def uncached(database_url: str, tmp_path: Path, app_factory: Any) -> Iterator[Any]:
    """The app without its page cache, with a built Whoosh index."""
    application = app_factory(database_url, tmp_path, PAGE_CACHE_SIZE=0, SEARCH_BACKEND="whoosh")
    search.init_app(application)
    service = search.get_service(application)
    service.rebuild()
    yield application
    service.wait_for_rebuild()
    application.extensions["catalogue_db"].dispose()


@contextmanager
def counting(app: Any) -> Iterator[list[str]]:
    """The SQL statements sent while the block runs."""
    statements: list[str] = []
    engine = app.extensions["catalogue_db"].engine

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def related_rows(session: Any) -> dict[str, tuple[int, int]]:
    """Per component slug: (how many kinds of related rows it has, how many rows in all)."""
    kinds: dict[int, int] = {}
    rows: dict[int, int] = {}
    for _model, column in RELATED:
        for component_id, number in session.execute(
            select(column, func.count()).where(column.is_not(None)).group_by(column)
        ):
            kinds[component_id] = kinds.get(component_id, 0) + 1
            rows[component_id] = rows.get(component_id, 0) + number
    return {
        slug: (kinds.get(component_id, 0), rows.get(component_id, 0))
        for component_id, slug in session.execute(select(Component.id, Component.slug))
    }


def richest_and_barest(app: Any) -> tuple[str, str]:
    """The component with the most kinds (then rows) of related data, and the one with the least."""
    with app.extensions["catalogue_db"].session() as session:
        counts = related_rows(session)
    ranked = sorted(counts, key=lambda slug: (counts[slug], slug))
    return ranked[-1], ranked[0]


def statements_of(app: Any, url: str) -> int:
    """How many statements one request of ``url`` sends; the page must answer 200."""
    client = app.test_client()
    with counting(app) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def search_urls(app: Any) -> list[str]:
    """The search page without and with filters (values taken from the catalogue)."""
    with app.extensions["catalogue_db"].session() as session:
        licence = session.scalar(
            select(Component.license)
            .where(Component.license.is_not(None))
            .group_by(Component.license)
            .order_by(func.count().desc(), Component.license)
            .limit(1)
        )
    return [
        "/componenten",
        "/componenten?q=zaak",
        f"/componenten?q=zaak&licentie={licence}",
        f"/componenten?licentie={licence}&status=stable&hosting=on-premise&page=2",
    ]


def page_urls(app: Any) -> list[str]:
    rich, bare = richest_and_barest(app)
    return [
        f"/componenten/{rich}",
        f"/componenten/{bare}",
        f"/api/v1/components/{rich}",
        f"/api/v1/components/{bare}",
        *search_urls(app),
    ]


@pytest.mark.both_backends
def test_the_richest_component_is_rich(uncached: Any) -> None:
    rich, bare = richest_and_barest(uncached)
    with uncached.extensions["catalogue_db"].session() as session:
        counts = related_rows(session)
    assert counts[rich][0] > counts[bare][0]
    html = uncached.test_client().get(f"/componenten/{rich}").get_data(as_text=True)
    assert "Afgeleide feiten" in html or "Gebruikt door" in html


@pytest.mark.both_backends
def test_pages_take_a_bounded_number_of_statements(uncached: Any) -> None:
    for url in page_urls(uncached):
        # The first request of a generation also reads GEMMA's relations; both count.
        first, again = statements_of(uncached, url), statements_of(uncached, url)
        assert first <= MAX_STATEMENTS, (url, first)
        assert again <= MAX_STATEMENTS, (url, again)


@pytest.mark.both_backends
def test_the_count_does_not_grow_with_the_catalogue(uncached: Any) -> None:
    urls = page_urls(uncached)
    for url in urls:
        statements_of(uncached, url)  # the per-generation reads happen once
    before = {url: statements_of(uncached, url) for url in urls}
    rich, bare = richest_and_barest(uncached)
    _grow(uncached, rich, GROWTH)
    search.get_service(uncached).rebuild()
    for url in urls:
        statements_of(uncached, url)
    after = {url: statements_of(uncached, url) for url in urls}
    assert after == before
    # The rich component's page did grow: every new component requires it.
    html = uncached.test_client().get(f"/componenten/{rich}").get_data(as_text=True)
    assert html.count("/componenten/grown-") >= GROWTH


def _grow(app: Any, rich: str, number: int) -> None:
    """Add ``number`` components, each with a description, a realisation, a standard, a usage
    claim, a derived fact and a requirement of ``rich``."""
    with app.extensions["catalogue_db"].session() as session:
        required = session.scalar(select(Component).where(Component.slug == rich))
        reference = session.scalar(
            select(GemmaElement).where(GemmaElement.kind == GemmaKind.REFERENCE_COMPONENT).limit(1)
        )
        standard = session.scalar(
            select(GemmaElement).where(GemmaElement.kind == GemmaKind.STANDARD).limit(1)
        )
        municipality = session.scalar(
            select(Organisation).where(Organisation.kind == OrganisationKind.MUNICIPALITY).limit(1)
        )
        for index in range(number):
            component = Component(
                slug=f"grown-{index}",
                name=f"Grown {index}",
                url=f"https://example.invalid/grown-{index}",
                source_kind=SourceKind.MANUAL,
                source_ref="test_statement_counts",
            )
            component.descriptions = [
                ComponentDescription(language="nl", short_description=f"Groei {index}")
            ]
            component.realisations = [
                Realisation(
                    reference_component=reference,
                    basis=RealisationBasis.MANUAL,
                    source_kind=SourceKind.MANUAL,
                )
            ]
            component.standards = [ComponentStandard(standard=standard, name=standard.name)]
            component.usages = [Usage(organisation=municipality, source_ref=f"test {index}")]
            component.requirements = [ComponentRequirement(required_component=required)]
            session.add(component)
            session.add(
                DerivedFact(
                    component=component,
                    fact="license",
                    rule="license-file",
                    value="MIT",
                    evidence_url=f"https://example.invalid/grown-{index}/LICENSE",
                    evidence_excerpt="MIT License",
                    derived_on=dt.date(2026, 1, 1),
                )
            )


@pytest.mark.both_backends
def test_the_one_statement_read_matches_the_orm_read(uncached: Any) -> None:
    """What the pages read in one statement is what the ORM loads, for every component."""
    database = uncached.extensions["catalogue_db"]
    with database.session() as session:
        slugs = list(session.scalars(select(Component.slug).order_by(Component.slug)))
    for slug in slugs:
        with database.session() as session:
            read = read_component(session, slug)
            documents = document_of(read.component)
            read_users = [
                (u.id, u.organisation.slug, u.organisation.name, u.kind, u.quote)
                for u in read.component.usages
            ]
            read_required_by = sorted(r.component.slug for r in read.component.required_by)
            read_facts = [(f.id, f.fact, f.rule, f.derived_on) for f in read.derived_facts]
            read_sources = [(h.id, h.url, h.last_run_at) for h in read.harvest_sources]
            latest = read.latest_import
            read_import = (
                None
                if latest is None
                else (latest.id, latest.received_at, latest.accepted, latest.warnings)
            )
        with database.session() as session:
            loaded = get_component(session, slug)
            assert document_of(loaded) == documents, slug
            assert [
                (u.id, u.organisation.slug, u.organisation.name, u.kind, u.quote)
                for u in loaded.usages
            ] == read_users
            assert sorted(r.component.slug for r in loaded.required_by) == read_required_by
            assert [
                (f.id, f.fact, f.rule, f.derived_on) for f in derived_facts_of(session, loaded)
            ] == read_facts
            assert [(h.id, h.url, h.last_run_at) for h in sources_of(session, loaded)] == (
                read_sources
            )
            record = loaded.import_records[-1] if loaded.import_records else None
            assert read_import == (
                None
                if record is None
                else (record.id, record.received_at, record.accepted, record.warnings)
            )


@pytest.mark.both_backends
def test_the_panel_read_with_the_component_matches_the_services(uncached: Any) -> None:
    """The contribution panel's rows, read in the component's one statement, are the ones the
    services read one statement each: the last public submission (never a concept), the import
    received last, whether a change waits for review, and the open disputes."""
    from catalogue.models import Dispute, DisputeStatus, Submission, SubmissionStatus
    from catalogue.services import disputes, submissions

    database = uncached.extensions["catalogue_db"]
    moment = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    with database.session() as session:
        slugs = list(session.scalars(select(Component.slug).order_by(Component.slug)))[:6]
        organisation = session.scalars(select(Organisation).order_by(Organisation.id)).first()
        assert organisation is not None
        plans = [
            # (component, [(status, minutes after moment)], [dispute statuses])
            (slugs[0], [(SubmissionStatus.REJECTED, 5), (SubmissionStatus.CONCEPT, 30)], []),
            (slugs[1], [(SubmissionStatus.SUBMITTED, 1), (SubmissionStatus.PUBLISHED, 2)], []),
            (slugs[2], [(SubmissionStatus.CONCEPT, 1)], [DisputeStatus.OPEN, DisputeStatus.OPEN]),
            (slugs[3], [], [DisputeStatus.OPEN, DisputeStatus.DISMISSED]),
        ]
        for slug, states, dispute_states in plans:
            component = get_component(session, slug)
            for status, minutes in states:
                when = moment + dt.timedelta(minutes=minutes)
                session.add(
                    Submission(
                        status=status,
                        component_id=component.id,
                        author_label="medewerker",
                        organisation_id=organisation.id,
                        updated_at=when,
                        submitted_at=when,
                        decided_at=when if status == SubmissionStatus.REJECTED else None,
                        decision_reason="Geen bron."
                        if status == SubmissionStatus.REJECTED
                        else None,
                    )
                )
            for state in dispute_states:
                session.add(
                    Dispute(
                        component_id=component.id,
                        claim_kind="standard",
                        claim_ref="x",
                        claim_label="x",
                        raised_by_label="gemeente",
                        reason="klopt niet",
                        status=state,
                    )
                )
    checked = 0
    for slug in slugs:
        with database.session() as session:
            read = read_component(session, slug, contributions=True)
            contributions = read.contributions
            assert contributions is not None
            panel = (
                submissions.latest_status(
                    session,
                    read.component,
                    submission=contributions.last_submission,
                    record=contributions.last_import,
                ),
                contributions.under_review,
                contributions.open_disputes,
            )
        with database.session() as session:
            component = get_component(session, slug)
            expected = (
                submissions.latest_status(session, component),
                submissions.open_submission_for(session, component) is not None,
                sum(1 for d in disputes.disputes_of(session, component) if d.status == "open"),
            )
        assert panel == expected, slug
        checked += bool(expected[0]) + expected[1] + expected[2]
    # Every kind of row was there to compare.
    assert checked >= 6
