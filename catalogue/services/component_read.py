"""A component with everything its page and its API document show, read in one statement.

:func:`catalogue.services.components.get_component` loads a component for writing: a real ORM
graph, one SELECT per collection and per linked row (about twenty in all). A page that only
reads needs none of that. :func:`read_component` asks for the component row and, in the same
SELECT, every child collection as a JSON array (a correlated subquery per collection:
``json_group_array`` on SQLite, ``json_agg`` on PostgreSQL), including the names and slugs of the
rows they link to. The rows come back as detached model instances whose loaded attributes are
set as committed values, so templates and serializers read them exactly like loaded ones.

The instances are read-only: they belong to no session, and their unloaded attributes (the
linked rows' long texts, an import's raw file) are not there. Never write through them; a
write starts from ``get_component``.
"""

from __future__ import annotations

import datetime as dt
import functools
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
from sqlalchemy.orm import Session, aliased, joinedload
from sqlalchemy.orm.attributes import set_committed_value
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


@dataclass(frozen=True)
class Contributions:
    """What the component page's contribution panel shows, read with the component.

    ``last_submission``: the last submission that is not a (private) concept, with its
    organisation's name; ``last_import``: the import received last (by ``received_at``);
    ``under_review``: a submission waits for review; ``open_disputes``: how many claims are
    disputed. The same rows :func:`catalogue.services.submissions.latest_status`,
    ``open_submission_for`` and ``disputes.disputes_of`` read one statement each.
    """

    last_submission: Submission | None
    last_import: ImportRecord | None
    under_review: bool
    open_disputes: int


@dataclass(frozen=True)
class ComponentRead:
    """A component as its page reads it: the component with its collections loaded, its last
    publiccode.yml import, its derived facts and its harvest sources; with ``contributions``
    when asked for (the page's panel; the API document does not show it)."""

    component: Component
    latest_import: ImportRecord | None
    derived_facts: list[DerivedFact]
    harvest_sources: list[HarvestSource]
    contributions: Contributions | None = None


def _columns(model: type[Any], names: Sequence[str] | None = None) -> list[Any]:
    table = model.__table__
    skipped = _SKIPPED.get(model, set())
    return [c for c in table.columns if (names is None or c.key in names) and c.key not in skipped]


def _converter(column: Any) -> Callable[[Any], Any]:
    """How a JSON value of ``column`` becomes what the ORM would have loaded."""
    kind = column.type
    if isinstance(kind, DateTime):
        return lambda v: dt.datetime.fromisoformat(v) if isinstance(v, str) else v
    if isinstance(kind, Date):
        return lambda v: dt.date.fromisoformat(v[:10]) if isinstance(v, str) else v
    if isinstance(kind, Boolean):
        return lambda v: None if v is None else bool(v)
    return lambda v: v


class _Shape:
    """The columns of one model inside a JSON object, and how to turn the object back."""

    def __init__(self, model: type[Any], names: Sequence[str] | None = None) -> None:
        self.model = model
        self.columns = _columns(model, names)
        self.convert = {c.key: _converter(c) for c in self.columns}

    def pairs(self, alias: Any, dialect: str, prefix: str = "") -> list[Any]:
        """``'key', value`` arguments of json_object / json_build_object."""
        arguments: list[Any] = []
        for column in self.columns:
            value = getattr(alias, column.key) if alias is not None else column
            if dialect == "sqlite" and isinstance(column.type, JSON):
                # Stored as text on SQLite: embed it as JSON, not as a string.
                value = func.json(value)
            arguments += [literal_column(f"'{prefix}{column.key}'"), value]
        return arguments

    def build(self, data: dict[str, Any], prefix: str = "") -> Any:
        """A detached instance holding the values of ``data``."""
        instance = self.model.__mapper__.class_manager.new_instance()
        for key, convert in self.convert.items():
            set_committed_value(instance, key, convert(data.get(prefix + key)))
        return instance


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
class _Link:
    """A many-to-one link read along with a child row: attribute, shape, and the join."""

    attribute: str
    shape: _Shape
    foreign_key: str


@dataclass(frozen=True)
class _Collection:
    """A child collection of the component, with the links each row carries."""

    name: str
    shape: _Shape
    owner_key: str = "component_id"
    links: tuple[_Link, ...] = ()
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
            _Shape(ComponentRequirement),
            links=(_Link("required_component", component, "required_component_id"),),
        ),
        _Collection(
            "required_by",
            _Shape(ComponentRequirement),
            owner_key="required_component_id",
            links=(_Link("component", component, "component_id"),),
        ),
        _Collection(
            "standards",
            _Shape(ComponentStandard),
            links=(_Link("standard", element, "standard_id"),),
        ),
        _Collection(
            "realisations",
            _Shape(Realisation),
            links=(
                _Link("reference_component", element, "reference_component_id"),
                _Link("via_interface", element, "via_interface_id"),
            ),
        ),
        _Collection(
            "offers", _Shape(Offer), links=(_Link("supplier", organisation, "supplier_id"),)
        ),
        _Collection(
            "usages", _Shape(Usage), links=(_Link("organisation", organisation, "organisation_id"),)
        ),
    )


COLLECTIONS = _collections()
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
)
_SUBMISSION_ORGANISATION = _Shape(Organisation, ("id", "name"))
_STATUS_IMPORT = _Shape(ImportRecord, ("id", "accepted", "received_at", "source", "errors"))


def _collection_rows(collection: _Collection, dialect: str) -> Any:
    """The correlated subquery that gives one collection of the component as a JSON array."""
    model = collection.shape.model
    arguments = collection.shape.pairs(None, dialect)
    query = select().select_from(model.__table__)
    for number, link in enumerate(collection.links):
        target = aliased(link.shape.model)
        arguments += link.shape.pairs(target, dialect, prefix=f"{number}.")
        query = query.outerjoin(target, getattr(model, link.foreign_key) == target.id)
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
    organisation = aliased(Organisation)
    last_submission = (
        select(
            _object(
                dialect,
                _SUBMISSION.pairs(None, dialect)
                + _SUBMISSION_ORGANISATION.pairs(organisation, dialect, prefix="0."),
                json=True,
            )
        )
        .select_from(Submission.__table__)
        .outerjoin(organisation, Submission.organisation_id == organisation.id)
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
    return (
        select(
            Component,
            *(_collection_rows(c, dialect) for c in COLLECTIONS),
            _latest_import(dialect),
            _rows_of(DerivedFact, _DERIVED, dialect),
            _rows_of(HarvestSource, _HARVEST, dialect),
            *(_contribution_columns(dialect) if contributions else ()),
        )
        .where(Component.slug == bindparam("slug"))
        .options(joinedload(Component.maintaining_organisation))
    )


def read_component(session: Session, slug: str, *, contributions: bool = False) -> ComponentRead:
    """The component with this slug and all its page shows, in one statement; NotFound if none.

    ``contributions``: also what the page's contribution panel shows (:class:`Contributions`),
    in the same statement.
    """
    statement = _statement(session.get_bind().dialect.name, contributions)
    row = session.execute(statement, {"slug": slug}).first()
    if row is None:
        raise NotFound(FieldError(ErrorCode.COMPONENT_UNKNOWN, slug=slug))
    component = row[0]
    count = len(COLLECTIONS)
    for collection, data in zip(COLLECTIONS, row[1 : 1 + count], strict=True):
        set_committed_value(component, collection.name, _build(collection, data or []))
    latest, derived, harvest = row[1 + count : 4 + count]
    return ComponentRead(
        component=component,
        latest_import=_IMPORT.build(latest) if latest else None,
        derived_facts=sort_derived_facts(_DERIVED.build(d) for d in derived or []),
        harvest_sources=sorted((_HARVEST.build(h) for h in harvest or []), key=lambda h: h.url),
        contributions=_contributions(row[4 + count :]) if contributions else None,
    )


def _contributions(columns: Sequence[Any]) -> Contributions:
    submission_data, import_data, under_review, open_disputes = columns
    submission = None
    if submission_data:
        submission = _SUBMISSION.build(submission_data)
        organisation = (
            _SUBMISSION_ORGANISATION.build(submission_data, prefix="0.")
            if submission_data.get("0.id") is not None
            else None
        )
        set_committed_value(submission, "organisation", organisation)
    return Contributions(
        last_submission=submission,
        last_import=_STATUS_IMPORT.build(import_data) if import_data else None,
        under_review=bool(under_review),
        open_disputes=int(open_disputes or 0),
    )


def _build(collection: _Collection, data: list[dict[str, Any]]) -> list[Any]:
    rows = []
    for item in data:
        row = collection.shape.build(item)
        for number, link in enumerate(collection.links):
            prefix = f"{number}."
            linked = (
                link.shape.build(item, prefix=prefix)
                if item.get(prefix + "id") is not None
                else None
            )
            set_committed_value(row, link.attribute, linked)
        rows.append(row)
    return sorted(rows, key=collection.order)
