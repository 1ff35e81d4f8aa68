"""Typed SQLAlchemy models, one module per aggregate; every model and enum is re-exported here.

- :mod:`~catalogue.models.base`: the declarative base and the :class:`Sourced` mixin;
- :mod:`~catalogue.models.catalogue`: components and their parts, the search outbox, the state;
- :mod:`~catalogue.models.gemma`: the GEMMA reference architecture;
- :mod:`~catalogue.models.accounts`: organisations, users, memberships, API tokens, the audit log;
- :mod:`~catalogue.models.submissions`: submissions, review comments, revisions, disputes;
- :mod:`~catalogue.models.facts`: derived facts and the harvester;
- :mod:`~catalogue.models.landscape`: an organisation's own application landscape.

Importing this package maps every table onto ``Base.metadata`` (the app, Alembic and the tests
rely on that). The enums live in :mod:`catalogue.enums`, which needs no SQLAlchemy.
"""

from __future__ import annotations

from catalogue.enums import (
    ClaimKind,
    CommonGroundLayer,
    DerivedFactName,
    DerivedFactStatus,
    DevelopmentStatus,
    DisputeStatus,
    FactKind,
    GemmaKind,
    GemmaRelationKind,
    HarvestSourceKind,
    HostingModel,
    Jurisdiction,
    OfferKind,
    OrganisationKind,
    OrgRole,
    RealisationBasis,
    Role,
    SourceKind,
    SubmissionOrigin,
    SubmissionStatus,
    UsageKind,
)
from catalogue.models.accounts import (
    TOTP_ROLES,
    ApiToken,
    AuditEvent,
    Organisation,
    User,
    public_label,
)
from catalogue.models.base import NAMING_CONVENTION, Base, Sourced
from catalogue.models.catalogue import (
    CatalogueState,
    Component,
    ComponentDescription,
    ComponentRequirement,
    ComponentStandard,
    Contact,
    Contractor,
    ImportRecord,
    Offer,
    Realisation,
    SearchOutbox,
    SoftwareDependency,
    Usage,
)
from catalogue.models.facts import DerivedFact, HarvestLock, HarvestRun, HarvestSource
from catalogue.models.gemma import GemmaElement, GemmaRelation
from catalogue.models.landscape import Landscape, LandscapeFeed, LandscapeRevision
from catalogue.models.submissions import Dispute, ReviewComment, Revision, Submission

__all__ = [
    "NAMING_CONVENTION",
    "TOTP_ROLES",
    "ApiToken",
    "AuditEvent",
    "Base",
    "CatalogueState",
    "ClaimKind",
    "CommonGroundLayer",
    "Component",
    "ComponentDescription",
    "ComponentRequirement",
    "ComponentStandard",
    "Contact",
    "Contractor",
    "DerivedFact",
    "DerivedFactName",
    "DerivedFactStatus",
    "DevelopmentStatus",
    "Dispute",
    "DisputeStatus",
    "FactKind",
    "GemmaElement",
    "GemmaKind",
    "GemmaRelation",
    "GemmaRelationKind",
    "HarvestLock",
    "HarvestRun",
    "HarvestSource",
    "HarvestSourceKind",
    "HostingModel",
    "ImportRecord",
    "Jurisdiction",
    "Landscape",
    "LandscapeFeed",
    "LandscapeRevision",
    "Offer",
    "OfferKind",
    "OrgRole",
    "Organisation",
    "OrganisationKind",
    "Realisation",
    "RealisationBasis",
    "Revision",
    "ReviewComment",
    "Role",
    "SearchOutbox",
    "SoftwareDependency",
    "Sourced",
    "SourceKind",
    "Submission",
    "SubmissionOrigin",
    "SubmissionStatus",
    "Usage",
    "UsageKind",
    "User",
    "public_label",
]
