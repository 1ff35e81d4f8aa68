"""The typed component document: one pydantic model for what seed, importer, API and submissions exchange.

A component document is what one entry of ``data/components.yaml`` holds (``data/README.md``),
what the publiccode.yml importer makes of a file (``documents.document_from_publiccode``), what a
submission proposes and what the API's ``/components/{slug}`` answers. The documents travel as
plain dicts (they are stored in JSON columns); this module says what a valid one looks like:

- :func:`check` validates a document and names each refused field by its path
  (``open-zaak.hosting_models[0].model``), with the messages the services always gave;
- :class:`ComponentDocument` and the API shapes below are the source of the OpenAPI schemas
  (``catalogue/web/openapi.py`` calls ``model_json_schema``), so the published schema and the
  validation cannot drift apart.

Why pydantic (v2) and not msgspec (both write JSON Schema for OpenAPI 3.1): pydantic reports
every refused field at once, each with its location, and keeps our own messages; msgspec stops at
the first error. ``docs/validation.md`` says more.

Pure: no Flask, no database (``tests/test_architecture.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

# The enums live in a module without SQLAlchemy, so this document never pulls in the ORM.
from catalogue.enums import (
    CommonGroundLayer,
    DevelopmentStatus,
    HostingModel,
    Jurisdiction,
    OfferKind,
    RealisationBasis,
)

# ------------------------------------------------------------------------------ field types


def _text(value: Any) -> Any:
    """YAML reads ``phone: 0201234567`` or ``version: 1.2`` as numbers; they are text to us."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


Text = Annotated[str, BeforeValidator(_text)]


def _one_of(enum_type: type[StrEnum]) -> BeforeValidator:
    """A value of ``enum_type``, refused with the list of allowed values (as the services did)."""
    allowed = ", ".join(member.value for member in enum_type)
    values = {member.value for member in enum_type}

    def check(value: Any) -> Any:
        if value is not None and value not in values:
            raise PydanticCustomError(
                "not_one_of",
                "{given} is not one of: {allowed}",
                {"given": repr(value), "allowed": allowed},
            )
        return value

    return BeforeValidator(check)


def _required_text(value: Any) -> Any:
    if not isinstance(value, str) or not value.strip():
        raise PydanticCustomError("text_required", "is required and must be text")
    return value


def _required(value: Any) -> Any:
    if value in (None, ""):
        raise PydanticCustomError("required", "is required")
    return _text(value)


def _date(value: Any) -> Any:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise PydanticCustomError("date", "must be a date (YYYY-MM-DD)") from None


def _list(value: Any) -> Any:
    if not isinstance(value, list):
        raise PydanticCustomError("list", "must be a list")
    return value


RequiredText = Annotated[str, BeforeValidator(_required_text)]
Required = Annotated[str, BeforeValidator(_required)]
Date = Annotated[dt.date | None, BeforeValidator(_date)]
TextList = Annotated[list[Any], BeforeValidator(_list)]

Status = Annotated[DevelopmentStatus | None, _one_of(DevelopmentStatus)]
Layer = Annotated[CommonGroundLayer | None, _one_of(CommonGroundLayer)]


class _Part(BaseModel):
    """A part of a document: keys we do not know are kept, not refused (as before the model)."""

    model_config = ConfigDict(extra="allow", use_enum_values=True)


# ------------------------------------------------------------------------------ the document


class Description(_Part):
    """The texts of one language (publiccode.yml ``description.<lang>``)."""

    short_description: Text | None = None
    long_description: Text | None = None
    features: list[Text] | None = None
    documentation: Text | None = None
    api_documentation: Text | None = None
    generic_name: Text | None = None
    screenshots: list[Text] | None = None
    videos: list[Text] | None = None
    awards: list[Text] | None = None


class Contractor(_Part):
    """Who maintains the component under contract, until when."""

    name: Text
    until: Date = None
    email: Text | None = None
    website: Text | None = None
    source: Text | None = None


class Contact(_Part):
    """A person to contact about the component."""

    name: Text
    email: Text | None = None
    phone: Text | None = None
    affiliation: Text | None = None
    source: Text | None = None


class Maintenance(_Part):
    """publiccode.yml ``maintenance``."""

    type: Text | None = None
    contractors: list[Contractor] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)


class Localisation(_Part):
    """publiccode.yml ``localisation``."""

    localisation_ready: bool | None = None
    available_languages: list[Text] = Field(default_factory=list)


class Dependency(_Part):
    """A piece of software the component needs (publiccode.yml ``dependsOn``)."""

    kind: Text | None = None
    name: Text | None = None
    version_min: Text | None = None
    version_max: Text | None = None
    version: Text | None = None
    optional: bool | None = None
    source: Text | None = None


class Hosting(_Part):
    """A way the component can be run, with its source."""

    model: Annotated[HostingModel, _one_of(HostingModel)]
    source: Text | None = None


class Interface(_Part):
    """A GEMMA application interface a derived link goes through."""

    gemma_id: Text | None = None
    name: Text | None = None


class ReferenceLink(_Part):
    """The component realises a GEMMA reference component, on a basis that is stated."""

    gemma_id: Required = Field(default=None, validate_default=True)
    name: Text | None = None
    basis: Annotated[RealisationBasis | None, _one_of(RealisationBasis)] = None
    via_interface: Interface | Text | None = None
    reason: Text | None = Field(default=None, validate_default=True)
    source: Text | None = None

    @field_validator("reason")
    @classmethod
    def _reason_for_manual(cls, reason: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("basis") == RealisationBasis.MANUAL and not reason:
            raise PydanticCustomError("reason", "a link added by hand needs its reason")
        return reason


class StandardClaim(_Part):
    """The component claims to implement a standard (GEMMA's, when ``gemma_id`` is given)."""

    name: Required = Field(default=None, validate_default=True)
    gemma_id: Text | None = None
    version: Text | None = None
    source: Text | None = None


class Requirement(_Part):
    """Another catalogue component this one needs to run."""

    component: Required = Field(default=None, validate_default=True)
    optional: bool | None = None
    source: Text | None = None


class Offer(_Part):
    """A supplier offers the component (as SaaS, support, ...), in a jurisdiction."""

    supplier: Required = Field(default=None, validate_default=True)
    kind: Annotated[OfferKind | None, _one_of(OfferKind)] = None
    jurisdiction: Annotated[Jurisdiction | None, _one_of(Jurisdiction)] = None
    source: Text | None = None


class ComponentDocument(BaseModel):
    """One component, as ``data/components.yaml``, the importer, submissions and the API know it.

    Unknown keys are refused: a misspelt key would otherwise be a fact silently lost.
    """

    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    slug: Text | None = None
    name: RequiredText = Field(default=None, validate_default=True)
    url: RequiredText = Field(
        default=None,
        validate_default=True,
        description="The repository URL; the key a component is found by",
    )
    aliases: TextList = Field(default_factory=list)
    publiccode_version: Text | None = None
    landing_url: Text | None = None
    logo: Text | None = None
    roadmap: Text | None = None
    license: Text | None = Field(default=None, description="SPDX licence expression")
    main_copyright_owner: Text | None = None
    repo_owner: Text | None = None
    development_status: Status = None
    software_type: Text | None = None
    software_version: Text | None = None
    release_date: Date = None
    common_ground_layer: Layer = None
    technology_platform: Text | None = None
    maintaining_organisation: Text | None = Field(
        default=None, description="CBS code or slug of the organisation that maintains it"
    )
    platforms: TextList = Field(default_factory=list)
    categories: TextList = Field(default_factory=list)
    descriptions: dict[str, Description | None] = Field(
        default_factory=dict, description="Texts per language: nl, en"
    )
    maintenance: Maintenance | None = None
    localisation: Localisation | None = None
    dependencies: list[Dependency] = Field(default_factory=list)
    hosting_models: list[Hosting] | None = None
    reference_components: list[ReferenceLink] | None = None
    standards: list[StandardClaim] | None = None
    requires: list[Requirement] | None = None
    offers: list[Offer] | None = None
    extra: dict[str, Any] | None = Field(
        default=None, description="What a publiccode.yml holds that has no field of its own"
    )
    field_sources: dict[str, Any] | None = Field(
        default=None, description="The source of each field a file filled"
    )
    publiccode: Text | None = Field(
        default=None, description="data/components.yaml: the publiccode.yml this entry rests on"
    )
    source: Text | None = Field(default=None, description="Where the document's facts come from")


# A derived link names its interface; checked on the whole link, so that the message can name
# ``via_interface`` even when the key is absent.
def _derived_links(document: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for index, link in enumerate(document.get("reference_components") or []):
        if (
            isinstance(link, Mapping)
            and link.get("basis") == RealisationBasis.DERIVED
            and not link.get("via_interface")
        ):
            errors[f"reference_components[{index}].via_interface"] = [
                "a derived link names the interface it came from"
            ]
    return errors


def location(loc: tuple[int | str, ...]) -> str:
    """A pydantic error location as the field path users see: ``offers[0].kind``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def messages(error: PydanticValidationError, where: str = "") -> dict[str, list[str]]:
    """``{path: [message]}`` of a pydantic error, each path prefixed with ``where``."""
    found: dict[str, list[str]] = {}
    for item in error.errors(include_url=False):
        path = location(tuple(item["loc"]))
        key = f"{where}.{path}" if where and path else (where or path)
        message = "unknown key" if item["type"] == "extra_forbidden" else str(item["msg"])
        found.setdefault(key, []).append(message)
    return found


def check(document: Mapping[str, Any], where: str = "") -> dict[str, list[str]]:
    """Validate a component document. ``{path: [message]}``, empty when it is valid."""
    errors: dict[str, list[str]] = {}
    try:
        ComponentDocument.model_validate(document)
    except PydanticValidationError as error:
        errors = messages(error, where)
    for path, found in _derived_links(document).items():
        key = f"{where}.{path}" if where else path
        errors.setdefault(key, []).extend(found)
    return errors


# ------------------------------------------------------------------------------ seed file


class CatalogueFile(BaseModel):
    """``data/components.yaml`` (and an export's copy): organisations, then components."""

    model_config = ConfigDict(extra="forbid")

    meta: dict[str, Any] | None = None
    organisations: list[dict[str, Any]] | None = None
    components: list[dict[str, Any]]


# ------------------------------------------------------------------------------ API shapes


class _Answer(BaseModel):
    """An API answer: every field is always present (null when unknown)."""

    model_config = ConfigDict(extra="allow", json_schema_serialization_defaults_required=True)


class UsageClaim(_Answer):
    """An organisation says it uses the component; the claim and its source."""

    organisation: str
    organisation_slug: str
    cbs_code: str | None = None
    status: str | None = None
    source: str | None = None
    source_commit: str | None = None
    claim_type: str | None = None
    kind: str | None = None
    quote: str | None = None


class ImportVerdict(_Answer):
    """The last import of the component's publiccode.yml: accepted or not, and why."""

    source: str
    received_at: str
    accepted: bool
    publiccode_version: str | None = None
    errors: list[dict[str, Any]] = Field(default_factory=list)
    warnings: list[dict[str, Any]] = Field(default_factory=list)


class ComponentAnswer(ComponentDocument):
    """``GET /components/{slug}``: the document, its users with sources, its last import."""

    slug: str
    name: RequiredText
    url: RequiredText
    reference_components: list[ReferenceLink]
    source: Text | None
    users: list[UsageClaim]
    required_by: list[str] = Field(default_factory=list)
    latest_import: ImportVerdict | None = None
    updated_at: str | None = None


class ComponentSummary(_Answer):
    """A component in a result list."""

    slug: str
    name: str
    url: str
    short_description: dict[str, str | None] = Field(default_factory=dict)
    development_status: str | None = None
    license: str | None = None
    reference_components: list[str] = Field(default_factory=list)
    updated_at: str | None = None
