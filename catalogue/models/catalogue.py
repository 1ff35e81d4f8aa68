"""The catalogue: components and their parts (descriptions, contractors, contacts, dependencies,
requirements, standards, realisations, offers, usages, import records), and the catalogue's state.

Every fact that came from somewhere carries ``source_kind`` and ``source_ref`` (see
:class:`~catalogue.models.base.Sourced`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.enums import UsageKind
from catalogue.models.base import Base, Sourced
from catalogue.models.base import now as _now

if TYPE_CHECKING:
    from catalogue.models.accounts import Organisation
    from catalogue.models.gemma import GemmaElement


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
    component_id: Mapped[int] = mapped_column(
        ForeignKey("component.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    until: Mapped[dt.date | None] = mapped_column(Date, default=None)
    email: Mapped[str | None] = mapped_column(String(300), default=None)
    website: Mapped[str | None] = mapped_column(String(500), default=None)

    component: Mapped[Component] = relationship(back_populates="contractors")


class Contact(Sourced, Base):
    """A person to contact about the component."""

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(
        ForeignKey("component.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(300), default=None)
    phone: Mapped[str | None] = mapped_column(String(100), default=None)
    affiliation: Mapped[str | None] = mapped_column(String(300), default=None)

    component: Mapped[Component] = relationship(back_populates="contacts")


class SoftwareDependency(Sourced, Base):
    """A publiccode.yml ``dependsOn`` entry: open, proprietary or hardware, with bounds."""

    __tablename__ = "software_dependency"

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(
        ForeignKey("component.id", ondelete="CASCADE"), index=True
    )
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
        ForeignKey("component.id", ondelete="CASCADE"), index=True
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
    component_id: Mapped[int] = mapped_column(
        ForeignKey("component.id", ondelete="CASCADE"), index=True
    )
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
    reference_component_id: Mapped[int] = mapped_column(ForeignKey("gemma_element.id"), index=True)
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
    component_id: Mapped[int] = mapped_column(
        ForeignKey("component.id", ondelete="CASCADE"), index=True
    )
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
        ForeignKey("component.id", ondelete="SET NULL"), default=None, index=True
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
