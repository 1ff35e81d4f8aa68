"""Typed SQLAlchemy models of the catalogue.

Models hold invariants only: no queries, no url_for, no request. Every fact that came from
somewhere carries ``source_kind`` and ``source_ref`` (see :class:`Sourced`).
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Explicit constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a shared naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class SourceKind(enum.StrEnum):
    """Where a fact came from."""

    FILE = "file"  # a data file or a publiccode.yml
    CLAIM = "claim"  # a self-declared claim with its source
    USER = "user"  # entered by a user of the site
    GEMMA = "gemma"  # the GEMMA reference architecture
    DERIVED = "derived"  # computed from other facts (for example an interface's provider)
    MANUAL = "manual"  # added by hand, with a reason


class DevelopmentStatus(enum.StrEnum):
    """publiccode.yml developmentStatus, ordered from least to most mature."""

    CONCEPT = "concept"
    DEVELOPMENT = "development"
    BETA = "beta"
    STABLE = "stable"
    OBSOLETE = "obsolete"


class HostingModel(enum.StrEnum):
    """How a component can be run for a municipality."""

    SAAS = "saas"
    PAAS = "paas"
    IAAS = "iaas"
    ON_PREMISE = "on-premise"


class OfferKind(enum.StrEnum):
    """What a supplier offers for a component."""

    SAAS = "saas"
    PAAS = "paas"
    IAAS = "iaas"
    ON_PREMISE = "on-premise"
    SUPPORT = "support"


class Jurisdiction(enum.StrEnum):
    """Where an offer is hosted or contracted."""

    NL = "NL"
    EU = "EU"
    OTHER = "other"


class CommonGroundLayer(enum.StrEnum):
    """The five layers of the Common Ground model."""

    INTERACTION = "interaction"
    PROCESS = "process"
    INTEGRATION = "integration"
    SERVICE = "service"
    DATA = "data"


class OrganisationKind(enum.StrEnum):
    """What kind of organisation this is."""

    MUNICIPALITY = "municipality"
    SUPPLIER = "supplier"
    GOVERNMENT = "government"
    FOUNDATION = "foundation"
    COOPERATION = "cooperation"
    OTHER = "other"


class RealisationBasis(enum.StrEnum):
    """Why we say a component realises a reference component."""

    DECLARED = "declared"  # the component's own publiccode.yml says so
    DERIVED = "derived"  # it provides an interface whose GEMMA provider is that reference component
    MANUAL = "manual"  # added by hand, with a reason


class UsageKind(enum.StrEnum):
    """What a usage claim says: the organisation uses the component, or had it developed."""

    USES = "gebruikt"
    COMMISSIONED = "ontwikkeld in opdracht van"


class GemmaKind(enum.StrEnum):
    """Kinds of GEMMA element we keep."""

    REFERENCE_COMPONENT = "reference_component"
    EXTERNAL_FACILITY = "external_facility"
    APPLICATION_SERVICE = "application_service"
    APPLICATION_INTERFACE = "application_interface"
    BUSINESS_FUNCTION = "business_function"
    BUSINESS_PROCESS = "business_process"
    STANDARD = "standard"
    STANDARD_VERSION = "standard_version"
    GROUP = "group"
    PROCESTYPE = "selectielijst_procestype"
    OTHER = "other"


class Sourced:
    """Mixin: where this fact came from."""

    source_kind: Mapped[str] = mapped_column(String(16), default=SourceKind.FILE)
    source_ref: Mapped[str | None] = mapped_column(Text, default=None)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Organisation(Sourced, Base):
    """A municipality, supplier, foundation or other government body."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    cbs_code: Mapped[str | None] = mapped_column(String(10), unique=True, default=None)
    province: Mapped[str | None] = mapped_column(String(100), default=None)
    inhabitants: Mapped[int | None] = mapped_column(Integer, default=None)
    inhabitants_year: Mapped[int | None] = mapped_column(Integer, default=None)
    tooi_id: Mapped[str | None] = mapped_column(String(200), default=None)
    website: Mapped[str | None] = mapped_column(String(500), default=None)

    usages: Mapped[list[Usage]] = relationship(back_populates="organisation")
    offers: Mapped[list[Offer]] = relationship(back_populates="supplier")
    maintained: Mapped[list[Component]] = relationship(back_populates="maintaining_organisation")


class Component(Sourced, Base):
    """A software component that municipalities can reuse.

    The publiccode.yml fields are kept as columns; what Dutch users need on top of that
    (reference components, Common Ground layer, hosting models, platform, maintainer) too.
    ``field_sources`` maps a field name to where its value came from.
    """

    __tablename__ = "component"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    aliases: Mapped[list[Any]] = mapped_column(default=list)
    url: Mapped[str] = mapped_column(String(500), unique=True)
    landing_url: Mapped[str | None] = mapped_column(String(500), default=None)
    logo: Mapped[str | None] = mapped_column(String(500), default=None)
    roadmap: Mapped[str | None] = mapped_column(String(500), default=None)
    software_version: Mapped[str | None] = mapped_column(String(100), default=None)
    release_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    development_status: Mapped[str | None] = mapped_column(String(16), default=None)
    software_type: Mapped[str | None] = mapped_column(String(50), default=None)
    platforms: Mapped[list[Any]] = mapped_column(default=list)
    categories: Mapped[list[Any]] = mapped_column(default=list)
    license: Mapped[str | None] = mapped_column(String(200), default=None)
    main_copyright_owner: Mapped[str | None] = mapped_column(String(300), default=None)
    repo_owner: Mapped[str | None] = mapped_column(String(300), default=None)
    maintenance_type: Mapped[str | None] = mapped_column(String(16), default=None)
    localisation_ready: Mapped[bool | None] = mapped_column(Boolean, default=None)
    available_languages: Mapped[list[Any]] = mapped_column(default=list)
    publiccode_version: Mapped[str | None] = mapped_column(String(20), default=None)
    common_ground_layer: Mapped[str | None] = mapped_column(String(16), default=None)
    technology_platform: Mapped[str | None] = mapped_column(String(100), default=None)
    # A list of {"model": HostingModel, "source": str}: each hosting form keeps its source.
    hosting_models: Mapped[list[Any]] = mapped_column(default=list)
    maintaining_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), default=None
    )
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    field_sources: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now
    )
    # Optimistic locking: a stale update raises StaleDataError instead of overwriting.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    maintaining_organisation: Mapped[Organisation | None] = relationship(
        back_populates="maintained"
    )
    descriptions: Mapped[list[ComponentDescription]] = relationship(
        back_populates="component",
        cascade="all, delete-orphan",
        order_by="ComponentDescription.language",
    )
    contractors: Mapped[list[Contractor]] = relationship(
        back_populates="component", cascade="all, delete-orphan", order_by="Contractor.id"
    )
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="component", cascade="all, delete-orphan", order_by="Contact.id"
    )
    software_dependencies: Mapped[list[SoftwareDependency]] = relationship(
        back_populates="component", cascade="all, delete-orphan", order_by="SoftwareDependency.id"
    )
    requirements: Mapped[list[ComponentRequirement]] = relationship(
        back_populates="component",
        cascade="all, delete-orphan",
        foreign_keys="ComponentRequirement.component_id",
        order_by="ComponentRequirement.id",
    )
    required_by: Mapped[list[ComponentRequirement]] = relationship(
        back_populates="required_component",
        foreign_keys="ComponentRequirement.required_component_id",
        viewonly=True,
    )
    standards: Mapped[list[ComponentStandard]] = relationship(
        back_populates="component", cascade="all, delete-orphan", order_by="ComponentStandard.id"
    )
    realisations: Mapped[list[Realisation]] = relationship(
        back_populates="component", cascade="all, delete-orphan", order_by="Realisation.id"
    )
    offers: Mapped[list[Offer]] = relationship(
        back_populates="component", cascade="all, delete-orphan", order_by="Offer.id"
    )
    usages: Mapped[list[Usage]] = relationship(
        back_populates="component", cascade="all, delete-orphan", order_by="Usage.id"
    )
    import_records: Mapped[list[ImportRecord]] = relationship(
        back_populates="component", order_by="ImportRecord.id"
    )

    def description(self, language: str) -> ComponentDescription | None:
        """The description in ``language``, or None."""
        for description in self.descriptions:
            if description.language == language:
                return description
        return None


class ComponentDescription(Base):
    """A component's texts in one language."""

    __tablename__ = "component_description"
    __table_args__ = (UniqueConstraint("component_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("component.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(16))
    short_description: Mapped[str | None] = mapped_column(Text, default=None)
    long_description: Mapped[str | None] = mapped_column(Text, default=None)
    features: Mapped[list[Any]] = mapped_column(default=list)
    documentation: Mapped[str | None] = mapped_column(String(500), default=None)
    api_documentation: Mapped[str | None] = mapped_column(String(500), default=None)
    generic_name: Mapped[str | None] = mapped_column(String(300), default=None)
    screenshots: Mapped[list[Any]] = mapped_column(default=list)
    videos: Mapped[list[Any]] = mapped_column(default=list)
    awards: Mapped[list[Any]] = mapped_column(default=list)

    component: Mapped[Component] = relationship(back_populates="descriptions")


class Contractor(Sourced, Base):
    """A company under contract to maintain the component, until a date."""

    __tablename__ = "contractor"

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("component.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    until: Mapped[dt.date | None] = mapped_column(Date, default=None)
    email: Mapped[str | None] = mapped_column(String(300), default=None)
    website: Mapped[str | None] = mapped_column(String(500), default=None)

    component: Mapped[Component] = relationship(back_populates="contractors")


class Contact(Sourced, Base):
    """A person to contact about the component."""

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("component.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(300), default=None)
    phone: Mapped[str | None] = mapped_column(String(100), default=None)
    affiliation: Mapped[str | None] = mapped_column(String(300), default=None)

    component: Mapped[Component] = relationship(back_populates="contacts")


class SoftwareDependency(Sourced, Base):
    """A publiccode.yml ``dependsOn`` entry: open, proprietary or hardware, with bounds."""

    __tablename__ = "software_dependency"

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("component.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(300))
    version_min: Mapped[str | None] = mapped_column(String(100), default=None)
    version_max: Mapped[str | None] = mapped_column(String(100), default=None)
    version: Mapped[str | None] = mapped_column(String(100), default=None)
    optional: Mapped[bool] = mapped_column(Boolean, default=False)

    component: Mapped[Component] = relationship(back_populates="software_dependencies")


class ComponentRequirement(Sourced, Base):
    """A catalogue component that this component needs next to it."""

    __tablename__ = "component_requirement"
    __table_args__ = (UniqueConstraint("component_id", "required_component_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("component.id", ondelete="CASCADE"))
    required_component_id: Mapped[int] = mapped_column(
        ForeignKey("component.id", ondelete="CASCADE")
    )
    optional: Mapped[bool] = mapped_column(Boolean, default=False)

    component: Mapped[Component] = relationship(
        back_populates="requirements", foreign_keys=[component_id]
    )
    required_component: Mapped[Component] = relationship(
        back_populates="required_by", foreign_keys=[required_component_id]
    )


class ComponentStandard(Sourced, Base):
    """A standard the component claims to support, linked to GEMMA when it is known there."""

    __tablename__ = "component_standard"

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("component.id", ondelete="CASCADE"))
    standard_id: Mapped[int | None] = mapped_column(ForeignKey("gemma_element.id"), default=None)
    name: Mapped[str] = mapped_column(String(300))
    version: Mapped[str | None] = mapped_column(String(50), default=None)

    component: Mapped[Component] = relationship(back_populates="standards")
    standard: Mapped[GemmaElement | None] = relationship()


class Realisation(Sourced, Base):
    """A component realises a GEMMA reference component: declared, derived or manual."""

    __tablename__ = "realisation"
    __table_args__ = (UniqueConstraint("component_id", "reference_component_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("component.id", ondelete="CASCADE"))
    reference_component_id: Mapped[int] = mapped_column(ForeignKey("gemma_element.id"))
    basis: Mapped[str] = mapped_column(String(16))
    via_interface_id: Mapped[int | None] = mapped_column(
        ForeignKey("gemma_element.id"), default=None
    )
    reason: Mapped[str | None] = mapped_column(Text, default=None)

    component: Mapped[Component] = relationship(back_populates="realisations")
    reference_component: Mapped[GemmaElement] = relationship(foreign_keys=[reference_component_id])
    via_interface: Mapped[GemmaElement | None] = relationship(foreign_keys=[via_interface_id])


class Offer(Sourced, Base):
    """A supplier offers a component as SaaS, PaaS, IaaS, on-premise or support."""

    __tablename__ = "offer"
    __table_args__ = (UniqueConstraint("component_id", "supplier_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("component.id", ondelete="CASCADE"))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    kind: Mapped[str] = mapped_column(String(16))
    jurisdiction: Mapped[str | None] = mapped_column(String(8), default=None)

    component: Mapped[Component] = relationship(back_populates="offers")
    supplier: Mapped[Organisation] = relationship(back_populates="offers")


class Usage(Sourced, Base):
    """An organisation uses (or claims to use) a component."""

    __tablename__ = "usage"
    __table_args__ = (UniqueConstraint("organisation_id", "component_id", "source_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    component_id: Mapped[int] = mapped_column(ForeignKey("component.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="claimed")
    # What kind of claim this is, in the words of its source (for example "publiccode.yaml usedBy").
    claim_type: Mapped[str | None] = mapped_column(Text, default=None)
    # "gebruikt" or "ontwikkeld in opdracht van" (UsageKind): commissioning is not proof of use.
    kind: Mapped[str] = mapped_column(
        String(32), default=UsageKind.USES, server_default=UsageKind.USES.value
    )
    # A short verbatim quote from the source that makes the claim.
    quote: Mapped[str | None] = mapped_column(Text, default=None)
    source_commit: Mapped[str | None] = mapped_column(String(64), default=None)

    organisation: Mapped[Organisation] = relationship(back_populates="usages")
    component: Mapped[Component] = relationship(back_populates="usages")


class ImportRecord(Base):
    """One publiccode.yml as received: the raw text verbatim, its verdict, warnings and errors."""

    __tablename__ = "import_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int | None] = mapped_column(
        ForeignKey("component.id", ondelete="SET NULL"), default=None
    )
    source: Mapped[str] = mapped_column(Text)
    raw_text: Mapped[str] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    mode: Mapped[str] = mapped_column(String(16), default="lenient")
    accepted: Mapped[bool] = mapped_column(Boolean)
    publiccode_version: Mapped[str | None] = mapped_column(String(20), default=None)
    errors: Mapped[list[Any]] = mapped_column(default=list)
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    actor: Mapped[str | None] = mapped_column(String(300), default=None)

    component: Mapped[Component | None] = relationship(back_populates="import_records")


class GemmaElement(Base):
    """An element of the GEMMA reference architecture, keeping its Archi id and Object ID."""

    __tablename__ = "gemma_element"
    __table_args__ = (UniqueConstraint("kind", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    gemma_id: Mapped[str] = mapped_column(String(100), unique=True)
    object_id: Mapped[str | None] = mapped_column(String(100), default=None)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    slug: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text, default=None)
    toelichting: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[str | None] = mapped_column(String(100), default=None)
    category: Mapped[str | None] = mapped_column(String(300), default=None)
    # Everything else GEMMA says about the element (bbn, biv, url, beheerder, versie, ...).
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)


class GemmaRelation(Base):
    """A relation between two GEMMA elements, as in the model or derived from it."""

    __tablename__ = "gemma_relation"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(48), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("gemma_element.id"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("gemma_element.id"), index=True)
    role: Mapped[str | None] = mapped_column(String(50), default=None)
    label: Mapped[str | None] = mapped_column(Text, default=None)
    via_id: Mapped[int | None] = mapped_column(ForeignKey("gemma_element.id"), default=None)
    derived: Mapped[bool] = mapped_column(Boolean, default=False)

    source: Mapped[GemmaElement] = relationship(foreign_keys=[source_id])
    target: Mapped[GemmaElement] = relationship(foreign_keys=[target_id])
    via: Mapped[GemmaElement | None] = relationship(foreign_keys=[via_id])


class GemmaRelationKind(enum.StrEnum):
    """The relation kinds we store. Model relations keep their ArchiMate type as ``model:<Type>``."""

    REALIZES_SERVICE = "realizes_service"  # reference component -> application service
    SERVES_FUNCTION = "serves_function"  # application service -> business function
    FUNCTION_PARENT = "function_parent"  # business function -> parent function
    FUNCTION_DOMAIN = "function_domain"  # business function -> domain function
    PROCESS_PARENT = "process_parent"  # business process -> parent process
    SERVICE_PARENT = "service_parent"  # application service -> parent service
    STANDARD = "standard"  # reference component -> standard (role: verplicht / aanbevolen)
    PROVIDES_INTERFACE = "provides_interface"  # provider -> application interface
    USES_INTERFACE = "uses_interface"  # consumer -> application interface (role)
    DEPENDS_ON = "depends_on"  # consumer -> provider, via an interface (derived)
    VERSION_OF = "version_of"  # standard version -> standard
    MEMBER_OF = "member_of"  # element -> group
    SUPPORTS_FUNCTION = "supports_function"  # reference component -> business function (derived)
    SUPPORTS_PROCESS = "supports_process"  # reference component -> business process
    FUNCTION_PROCESS = "function_process"  # business function -> business process
    SPECIALISATION_OF = "specialisation_of"  # element -> more general element
    USES_SERVICE = "uses_service"  # component -> application service it consumes
    REALIZES_STANDARD = "realizes_standard"  # interface or service -> standard it implements


class SearchOutbox(Base):
    """A component whose search document must be rewritten (or removed) by the search writer.

    Rows are written in the same transaction as the change itself, so the index can never miss a
    committed change: the writer applies pending rows in id order and deletes the ones it applied.
    There is no foreign key: a ``delete`` row outlives its component.
    """

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(Integer)
    slug: Mapped[str | None] = mapped_column(String(120), default=None)
    operation: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class CatalogueState(Base):
    """One row: a generation number that every change to the catalogue raises.

    Cached pages are keyed by it, so a change anywhere makes every cached page stale at once.
    """

    __tablename__ = "catalogue_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


# The derived-fact and harvester tables join Base.metadata whenever the models are imported.
from catalogue import models_facts as _models_facts  # noqa: E402,F401
