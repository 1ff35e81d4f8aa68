"""The enumerations of the domain: plain ``StrEnum``s, no SQLAlchemy, no Flask.

The models store these values in string columns. The pure modules (the component document in
documents.py, the publiccode package) can use them without pulling in the ORM:
tests/test_architecture.py keeps this module free of anything but the standard library.
"""

from __future__ import annotations

import enum

# ---------------------------------------------------------------- the catalogue


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


# ---------------------------------------------------------------- GEMMA


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


# ---------------------------------------------------------------- accounts and submissions


class Role(enum.StrEnum):
    """What an account may do; the permissions of each role are data in services/permissions.py."""

    MAINTAINER = "maintainer"
    REVIEWER = "reviewer"
    ADMIN = "admin"


class OrgRole(enum.StrEnum):
    """What a *confirmed* member may do for their own organisation.

    Granted by an admin or by one of the organisation's beheerders, never chosen at
    registration. An unconfirmed account (``User.organisation_confirmed`` false) has none of
    these rights, whatever this column says.
    """

    VIEWER = "viewer"  # sees the organisation's private data, such as its landscape
    EDITOR = "editor"  # also changes that data
    BEHEERDER = "beheerder"  # "organisatiebeheerder": also confirms members and grants these roles


class SubmissionStatus(enum.StrEnum):
    """Where a submission is in its life."""

    CONCEPT = "concept"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"
    PUBLISHED = "published"


class SubmissionOrigin(enum.StrEnum):
    """How a submission came in."""

    FORM = "form"
    PUBLICCODE = "publiccode"
    API = "api"


class DisputeStatus(enum.StrEnum):
    """Where a dispute is: open, or resolved either way."""

    OPEN = "open"
    UPHELD = "upheld"  # the claim was wrong and is removed
    DISMISSED = "dismissed"  # the claim stays


class ClaimKind(enum.StrEnum):
    """The kinds of claim a municipality can dispute."""

    REFERENCE_COMPONENT = "reference_component"
    STANDARD = "standard"


# ---------------------------------------------------------------- facts and the harvester


class FactKind(enum.StrEnum):
    """How a fact became known: stated by its source, or derived by us from evidence."""

    STATED = "opgegeven"
    DERIVED = "afgeleid"


class DerivedFactName(enum.StrEnum):
    """The facts we derive."""

    LICENSE = "license"
    DEVELOPMENT_STATUS = "development_status"
    SELF_HOSTABLE = "self_hostable"


class DerivedFactStatus(enum.StrEnum):
    """Where a derived fact stands."""

    ACTIVE = "afgeleid"  # shown as derived, used where nothing is stated
    SUPERSEDED = "vervangen"  # a stated fact exists; it wins
    CONFIRMED = "bevestigd"  # a maintainer stated the same value through the review flow
    CORRECTED = "gecorrigeerd"  # a maintainer stated another value through the review flow


class HarvestSourceKind(enum.StrEnum):
    """Who listed a source: an operator in SOURCES.yaml, or a maintainer through the site."""

    OPERATOR = "operator"
    MAINTAINER = "maintainer"
