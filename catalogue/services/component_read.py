"""A component with everything its page and its API document show, read in one statement.

:func:`catalogue.services.components.get_component` loads a component for writing: a real ORM
graph, one SELECT per collection and per linked row (about twenty in all). A page that only
reads needs none of that. :func:`read_component` asks, in one SELECT, for the component row as a
JSON object and every child collection as a JSON array (a correlated subquery per collection:
``json_group_array`` on SQLite, ``json_agg`` on PostgreSQL), each row with the rows it links to
(their names and slugs) as nested objects.

The rows come back as :class:`Record` instances, not ORM instances: plain read-only objects
whose attributes are named as the model's columns and relationships, so templates, the
component document (``document_of``) and the serializers read them exactly like loaded models.
Turning the JSON into ORM instances (an instance state and a committed value per attribute)
cost more than the statement itself. A record belongs to no session and has only what was read
(not the linked rows' long texts, nor an import's raw file). Never write through one; a write
starts from ``get_component``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    bindparam,
    exists,
    func,
    literal_column,
    select,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from catalogue.errors import ErrorCode, FieldError, NotFound
from catalogue.models import (
    Component,
    ComponentDescription,
    ComponentRequirement,
    ComponentStandard,
    Contact,
    Contractor,
    DerivedFact,
    Dispute,
    DisputeStatus,
    GemmaElement,
    HarvestSource,
    ImportRecord,
    Offer,
    Organisation,
    Realisation,
    SoftwareDependency,
    Submission,
    SubmissionStatus,
    Usage,
)
from catalogue.services.facts import sort_derived_facts

# What a linked row carries when it is read along with the row that links to it.
_ELEMENT = ("id", "gemma_id", "slug", "name", "kind")
_ORGANISATION = ("id", "slug", "name", "kind", "cbs_code")
_COMPONENT = ("id", "slug", "name")
# An import's stored file is never shown on a page; it can be large.
_SKIPPED = {ImportRecord: {"raw_text"}}


class Record:
    """A row as :func:`read_component` read it: one attribute per column read, and the linked
    rows and collections read with it. Read-only; equal only to itself (as ORM instances are)."""

    def __setattr__(self, name: str, value: Any) -> None:
        msg = f"{type(self).__name__} is read-only"
        raise AttributeError(msg)

    def __delattr__(self, name: str) -> None:
        msg = f"{type(self).__name__} is read-only"
        raise AttributeError(msg)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} id={self.__dict__.get('id')!r}>"


class ComponentRecord(Record):
    """A component as read, with :meth:`Component.description`."""

    descriptions: list[Any]

    def description(self, language: str) -> Any:
        """The description in ``language``, or None."""
        for description in self.descriptions:
            if description.language == language:
                return description
        return None


@dataclass(frozen=True)
class Contributions:
    """What the component page's contribution panel shows, read with the component.

    ``last_submission``: the last submission that is not a (private) concept, with its
    organisation's name; ``last_import``: the import received last (by ``received_at``);
    ``under_review``: a submission waits for review; ``open_disputes``: how many claims are
    disputed. The same rows :func:`catalogue.services.submissions.latest_status`,
    ``open_submission_for`` and ``disputes.disputes_of`` read one statement each.
    """

    last_submission: Any
    last_import: Any
    under_review: bool
    open_disputes: int


@dataclass(frozen=True)
class ComponentRead:
    """A component as its page reads it: the component (a :class:`ComponentRecord`) with its
    collections, its last publiccode.yml import, its derived facts and its harvest sources
    (records too); with ``contributions`` when asked for (the page's panel; the API document
    does not show it)."""

    component: Any
    latest_import: Any
    derived_facts: list[Any]
    harvest_sources: list[Any]
    contributions: Contributions | None = None


def _columns(model: type[Any], names: Sequence[str] | None = None) -> list[Any]:
    table = model.__table__
    skipped = _SKIPPED.get(model, set())
    return [c for c in table.columns if (names is None or c.key in names) and c.key not in skipped]


def _converter(column: Any) -> Callable[[Any], Any] | None:
    """How a JSON value of ``column`` becomes what the ORM would have loaded (None: as it is)."""
    kind = column.type
    if isinstance(kind, DateTime):
        return lambda v: dt.datetime.fromisoformat(v) if isinstance(v, str) else v
    if isinstance(kind, Date):
        return lambda v: dt.date.fromisoformat(v[:10]) if isinstance(v, str) else v
    if isinstance(kind, Boolean):
        return lambda v: None if v is None else bool(v)
    return None


@dataclass(frozen=True)
class _Link:
    """A many-to-one link read along with a row: attribute, shape, and the join."""

    attribute: str
    shape: _Shape
    foreign_key: str


class _Shape:
    """The columns of one model (and the rows it links to) inside a JSON object, and how the
    object becomes a record."""

    def __init__(
        self,
        model: type[Any],
        names: Sequence[str] | None = None,
        links: tuple[_Link, ...] = (),
        record: type[Record] = Record,
    ) -> None:
        self.model = model
        self.columns = _columns(model, names)
        self.links = links
        self.conversions = [
            (c.key, convert) for c in self.columns if (convert := _converter(c)) is not None
        ]
        self.record = type(f"{model.__name__}Record", (record,), {"__module__": __name__})

    def pairs(self, alias: Any, dialect: str) -> list[Any]:
        """``'key', value`` arguments of json_object / json_build_object: the columns of
        ``alias`` (the model's table when None), and each link as a nested object."""
        arguments: list[Any] = []
        for column in self.columns:
            value = getattr(alias, column.key) if alias is not None else column
            if dialect == "sqlite" and isinstance(column.type, JSON):
                # Stored as text on SQLite: embed it as JSON, not as a string.
                value = func.json(value)
            arguments += [literal_column(f"'{column.key}'"), value]
        return arguments

    def joined(self, query: Any, dialect: str) -> tuple[Any, list[Any]]:
        """``query`` joined to the linked rows, and the pairs of the model's JSON object."""
        arguments = self.pairs(None, dialect)
        for link in self.links:
            target = aliased(link.shape.model)
            linked = _object(dialect, link.shape.pairs(target, dialect))
            arguments += [literal_column(f"'{link.attribute}'"), linked]
            query = query.outerjoin(target, getattr(self.model, link.foreign_key) == target.id)
        return query, arguments

    def build(self, data: dict[str, Any]) -> Any:
        """The record holding the values of ``data`` (decoded JSON, which it takes over)."""
        for key, convert in self.conversions:
            data[key] = convert(data[key])
        for link in self.links:
            linked = data[link.attribute]
            data[link.attribute] = (
                link.shape.build(linked)
                if linked is not None and linked["id"] is not None
                else None
            )
        record: Any = object.__new__(self.record)
        object.__setattr__(record, "__dict__", data)
        return record


def _object(dialect: str, arguments: list[Any], *, json: bool = False) -> ColumnElement[Any]:
    """A JSON object; ``json`` when it is a result column (decoded as JSON)."""
    kind = {"type_": JSON} if json else {}
    if dialect == "sqlite":
        return func.json_object(*arguments, **kind)
    return func.json_build_object(*arguments, **kind)


def _array(dialect: str, element: ColumnElement[Any]) -> ColumnElement[Any]:
    if dialect == "sqlite":
        return func.json_group_array(element, type_=JSON)
    return func.coalesce(func.json_agg(element), literal_column("'[]'::json"), type_=JSON)


@dataclass(frozen=True)
class _Collection:
    """A child collection of the component."""

    name: str
    shape: _Shape
    owner_key: str = "component_id"
    order: Callable[[Any], Any] = lambda row: row.id


def _collections() -> tuple[_Collection, ...]:
    element = _Shape(GemmaElement, _ELEMENT)
    organisation = _Shape(Organisation, _ORGANISATION)
    component = _Shape(Component, _COMPONENT)
    return (
        _Collection(
            "descriptions",
            _Shape(ComponentDescription),
            order=lambda row: row.language,
        ),
        _Collection("contractors", _Shape(Contractor)),
        _Collection("contacts", _Shape(Contact)),
        _Collection("software_dependencies", _Shape(SoftwareDependency)),
        _Collection(
            "requirements",
            _Shape(
                ComponentRequirement,
                links=(_Link("required_component", component, "required_component_id"),),
            ),
        ),
        _Collection(
            "required_by",
            _Shape(ComponentRequirement, links=(_Link("component", component, "component_id"),)),
            owner_key="required_component_id",
        ),
        _Collection(
            "standards",
            _Shape(ComponentStandard, links=(_Link("standard", element, "standard_id"),)),
        ),
        _Collection(
            "realisations",
            _Shape(
                Realisation,
                links=(
                    _Link("reference_component", element, "reference_component_id"),
                    _Link("via_interface", element, "via_interface_id"),
                ),
            ),
        ),
        _Collection(
            "offers",
            _Shape(Offer, links=(_Link("supplier", organisation, "supplier_id"),)),
        ),
        _Collection(
            "usages",
            _Shape(Usage, links=(_Link("organisation", organisation, "organisation_id"),)),
        ),
    )


COLLECTIONS = _collections()
# The component with its maintaining organisation (every column of it, as the ORM loads it).
_COMPONENT_ROW = _Shape(
    Component,
    links=(_Link("maintaining_organisation", _Shape(Organisation), "maintaining_organisation_id"),),
    record=ComponentRecord,
)
_IMPORT = _Shape(ImportRecord)
_DERIVED = _Shape(DerivedFact)
_HARVEST = _Shape(HarvestSource)
# The panel's rows carry only what it shows (never an import's file or a submission's document).
_SUBMISSION = _Shape(
    Submission,
    (
        "id",
        "status",
        "author_label",
        "organisation_id",
        "updated_at",
        "submitted_at",
        "decided_at",
        "decision_reason",
    ),
    links=(_Link("organisation", _Shape(Organisation, ("id", "name")), "organisation_id"),),
)
_STATUS_IMPORT = _Shape(ImportRecord, ("id", "accepted", "received_at", "source", "errors"))


def _collection_rows(collection: _Collection, dialect: str) -> Any:
    """The correlated subquery that gives one collection of the component as a JSON array."""
    model = collection.shape.model
    query, arguments = collection.shape.joined(select().select_from(model.__table__), dialect)
    return (
        query.add_columns(_array(dialect, _object(dialect, arguments)))
        .where(getattr(model, collection.owner_key) == Component.id)
        .scalar_subquery()
    )


def _rows_of(model: type[Any], shape: _Shape, dialect: str) -> Any:
    """A JSON array of ``model``'s rows of the component."""
    return (
        select(_array(dialect, _object(dialect, shape.pairs(None, dialect))))
        .select_from(model.__table__)
        .where(model.component_id == Component.id)
        .scalar_subquery()
    )


def _latest_import(dialect: str) -> Any:
    """The component's last import (the one ``Component.import_records`` lists last), as JSON."""
    return (
        select(_object(dialect, _IMPORT.pairs(None, dialect), json=True))
        .where(ImportRecord.component_id == Component.id)
        .order_by(ImportRecord.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _contribution_columns(dialect: str) -> list[Any]:
    """The panel's four columns (see :class:`Contributions`), correlated to the component."""
    query, arguments = _SUBMISSION.joined(select().select_from(Submission.__table__), dialect)
    last_submission = (
        query.add_columns(_object(dialect, arguments, json=True))
        .where(
            Submission.component_id == Component.id,
            Submission.status != SubmissionStatus.CONCEPT,
        )
        .order_by(Submission.updated_at.desc(), Submission.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    last_import = (
        select(_object(dialect, _STATUS_IMPORT.pairs(None, dialect), json=True))
        .where(ImportRecord.component_id == Component.id)
        .order_by(ImportRecord.received_at.desc(), ImportRecord.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    under_review = exists().where(
        Submission.component_id == Component.id,
        Submission.status == SubmissionStatus.SUBMITTED,
    )
    open_disputes = (
        select(func.count(Dispute.id))
        .where(Dispute.component_id == Component.id, Dispute.status == DisputeStatus.OPEN)
        .scalar_subquery()
    )
    return [last_submission, last_import, under_review, open_disputes]


@functools.cache
def _statement(dialect: str, contributions: bool) -> Any:
    """The one SELECT of :func:`read_component` for a dialect; built once (building it costs
    more than running it), the slug bound at execution."""
    query, arguments = _COMPONENT_ROW.joined(select().select_from(Component.__table__), dialect)
    return query.add_columns(
        _object(dialect, arguments, json=True),
        *(_collection_rows(c, dialect) for c in COLLECTIONS),
        _latest_import(dialect),
        _rows_of(DerivedFact, _DERIVED, dialect),
        _rows_of(HarvestSource, _HARVEST, dialect),
        *(_contribution_columns(dialect) if contributions else ()),
    ).where(Component.slug == bindparam("slug"))


@dataclass(frozen=True)
class _Compiled:
    """The statement as the driver takes it: its SQL text, and its parameters but the slug."""

    sql: str
    parameters: dict[str, Any]
    # The parameters' order for a positional paramstyle (SQLite's ``?``); None when named.
    order: tuple[str, ...] | None

    def bound(self, slug: str) -> Any:
        values = {**self.parameters, "slug": slug}
        return values if self.order is None else tuple(values[key] for key in self.order)


# (dialect, driver, paramstyle, contributions) -> the statement compiled for them.
_COMPILED: dict[tuple[str, str, str, bool], _Compiled] = {}


def _compiled(dialect: Dialect, contributions: bool) -> _Compiled:
    """:func:`_statement` compiled once per kind of database and driver: SQLAlchemy's own
    execution of a cached statement (its cache key, the parameters, a result type per column)
    cost a third of a read."""
    key = (dialect.name, dialect.driver, dialect.paramstyle, contributions)
    found = _COMPILED.get(key)
    if found is None:
        compiled = _statement(dialect.name, contributions).compile(dialect=dialect)
        found = _COMPILED.setdefault(
            key,
            _Compiled(
                sql=str(compiled),
                parameters=compiled.construct_params({"slug": ""}),
                order=tuple(compiled.positiontup or ()) if compiled.positional else None,
            ),
        )
    return found


def read_component(session: Session, slug: str, *, contributions: bool = False) -> ComponentRead:
    """The component with this slug and all its page shows, in one statement; NotFound if none.

    ``contributions``: also what the page's contribution panel shows (:class:`Contributions`),
    in the same statement.
    """
    connection = session.connection()
    statement = _compiled(connection.dialect, contributions)
    found = connection.exec_driver_sql(statement.sql, statement.bound(slug)).first()
    if found is None:
        raise NotFound(FieldError(ErrorCode.COMPONENT_UNKNOWN, slug=slug))
    # JSON comes as text from SQLite, already decoded from PostgreSQL's driver; no column is a
    # JSON string, so text is always JSON to decode.
    row = [json.loads(value) if isinstance(value, str) else value for value in found]
    data = row[0]
    count = len(COLLECTIONS)
    for collection, rows in zip(COLLECTIONS, row[1 : 1 + count], strict=True):
        data[collection.name] = sorted(
            (collection.shape.build(item) for item in rows or ()), key=collection.order
        )
    latest, derived, harvest = row[1 + count : 4 + count]
    return ComponentRead(
        component=_COMPONENT_ROW.build(data),
        latest_import=_IMPORT.build(latest) if latest else None,
        derived_facts=sort_derived_facts(_DERIVED.build(d) for d in derived or ()),
        harvest_sources=sorted((_HARVEST.build(h) for h in harvest or ()), key=lambda h: h.url),
        contributions=_contributions(row[4 + count :]) if contributions else None,
    )


def _contributions(columns: Sequence[Any]) -> Contributions:
    submission, import_data, under_review, open_disputes = columns
    return Contributions(
        last_submission=_SUBMISSION.build(submission) if submission else None,
        last_import=_STATUS_IMPORT.build(import_data) if import_data else None,
        under_review=bool(under_review),
        open_disputes=int(open_disputes or 0),
    )
