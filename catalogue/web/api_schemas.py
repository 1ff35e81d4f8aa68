"""Typed shapes of the API's answers beside the component document, for the OpenAPI schemas.

The component shapes live with the document (``catalogue/component_document.py``); these are the
GEMMA, organisation, problem, contribution and advice answers, and the advisor's profile.
``catalogue/web/openapi.py`` publishes their JSON Schema, so the document is generated from the
same types the answers are built from.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from advisor.model import Hosting, Status
from catalogue.errors import ErrorCode


class Answer(BaseModel):
    """An API answer: every field is always present (null when unknown); more may follow later."""

    model_config = ConfigDict(extra="allow", json_schema_serialization_defaults_required=True)


class GemmaElement(Answer):
    """A GEMMA element: its ids, name and place."""

    slug: str
    gemma_id: str
    object_id: str | None = None
    name: str
    category: str | None = None
    status: str | None = None


class StandardSummary(GemmaElement):
    """A GEMMA standard in a list, with the number of components that claim it."""

    claimed_by_count: int = Field(default=0, ge=0)


class Realisation(Answer):
    """A component that realises a reference component, and on what basis."""

    component: str
    name: str
    basis: str | None = None
    via_interface: str | None = None
    reason: str | None = None
    source: str | None = None


class GemmaRelation(GemmaElement):
    """A GEMMA element at the other end of a dependency, with the interface it goes through."""

    via_interface: str | None = None
    role: str | None = None


class ReferenceComponent(GemmaElement):
    """A reference component with its realisations, standards and dependencies."""

    description: str | None = None
    realised_by: list[Realisation] = Field(default_factory=list)
    mandatory_standards: list[GemmaElement] = Field(default_factory=list)
    recommended_standards: list[GemmaElement] = Field(default_factory=list)
    depends_on: list[GemmaRelation] = Field(default_factory=list)
    depended_on_by: list[GemmaRelation] = Field(default_factory=list)
    business_functions: list[GemmaElement] = Field(default_factory=list)


class StandardVersion(Answer):
    """One version of a standard, with its GEMMA status."""

    name: str
    version: str | None = None
    status: str | None = None


class Claimant(Answer):
    """A component that claims a standard."""

    slug: str
    name: str


class Standard(GemmaElement):
    """A standard with versions, the reference components that need it, and the claimants."""

    description: str | None = None
    url: str | None = None
    beheerder: str | None = None
    versions: list[StandardVersion] = Field(default_factory=list)
    required_by: list[GemmaElement] = Field(default_factory=list)
    recommended_by: list[GemmaElement] = Field(default_factory=list)
    claimed_by: list[Claimant] = Field(default_factory=list)


class Organisation(Answer):
    """An organisation's identity; municipalities with CBS code, province and inhabitants."""

    slug: str
    name: str
    kind: str
    cbs_code: str | None = None
    province: str | None = None
    inhabitants: int | None = None
    inhabitants_year: int | None = None
    website: str | None = None
    source: str | None = None


class Use(Answer):
    """A component an organisation claims to use, with the claim's source."""

    component: str
    name: str
    status: str | None = None
    kind: str | None = None
    source: str | None = None


class OrganisationDetail(Organisation):
    """An organisation with the components it claims to use and those it maintains."""

    uses: list[Use] = Field(default_factory=list)
    maintains: list[str] = Field(default_factory=list)


class Coded(BaseModel):
    """The stable code of one message, with the values its text names; ``code`` is null for a
    message that has none."""

    code: ErrorCode | None = None
    params: dict[str, Any] = Field(default_factory=dict)


class Problem(BaseModel):
    """An error, as RFC 9457 problem details. ``errors`` names each refused field with its
    messages in English; ``codes`` gives the code of each message, in the same place. ``code``
    and ``params`` are those of ``detail``, when it has a code."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    code: ErrorCode | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    errors: dict[str, list[str]] = Field(default_factory=dict)
    codes: dict[str, list[Coded]] = Field(default_factory=dict)


class FacetValue(BaseModel):
    """One value of a facet, with the number of components that have it."""

    value: str
    label: str
    count: int = Field(ge=0)
    selected: bool | None = None


class Issue(Answer):
    """A located problem in a publiccode.yml, in English and Dutch, with a stable code and the
    values its text names."""

    key: str
    line: int | None = None
    column: int | None = None
    message: str
    message_nl: str | None = None
    code: str | None = None
    params: dict[str, Any] | None = Field(
        default=None,
        description="The values the message names (the field, the value found, the values "
        "allowed, ...), by name; null for an issue stored before they were kept.",
    )


class Verdict(Answer):
    """``POST /validate``: the verdict and the located issues."""

    valid: bool
    accepted: bool
    mode: Literal["lenient", "strict"]
    publiccode_version: str | None = None
    errors: list[Issue]
    warnings: list[Issue]


class Submitted(Answer):
    """``PUT /components/{slug}/publiccode``: the submission made for review."""

    submission: int
    status: str
    url: str
    warnings: list[Issue]


class Facets(RootModel[dict[str, list[FacetValue]]]):
    """The facets of a search: each facet's name maps to its values."""


# ---------------------------------------------------------------- the advisor: POST /advice

# The advisor's vocabularies, from its enums: the hosting forms, and the statuses a profile may
# ask for at least (``obsolete`` is never selectable).
HOSTING_FORMS = tuple(hosting.value for hosting in Hosting)
MIN_STATUSES = tuple(status.value for status in Status if status.rank >= 0)
HostingForm = Literal[HOSTING_FORMS]  # type: ignore[valid-type]
MinStatus = Literal[MIN_STATUSES]  # type: ignore[valid-type]


class Replacement(BaseModel):
    """A what-if: the plan again with ``remove`` left out and ``add`` taken in its place."""

    remove: str
    add: str


class AdvisorProfile(BaseModel):
    """What a municipality tells the advisor; every field may be left out.

    The answer repeats it as the advisor read it (``Advice.profile``), so the advice service's
    profile is checked against this model on every answer.
    """

    # As an answer every field is there; as a request any may be left out.
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)

    municipality: str | None = Field(default=None, description="CBS code, e.g. GM0344")
    business_functions: list[str] = Field(
        default_factory=list, description="GEMMA business-function slugs"
    )
    reference_components: list[str] = Field(
        default_factory=list, description="GEMMA reference-component slugs"
    )
    landscape_components: list[str] | None = Field(
        default=None,
        description=(
            "catalogue component slugs in use; leave it out (or null) to use the"
            " municipality's published usage claims; an empty list means none"
        ),
    )
    landscape_reference_components: list[str] = Field(default_factory=list)
    hosting_order: list[HostingForm] = Field(default_factory=lambda: list(HOSTING_FORMS))
    disallowed_hosting: list[HostingForm] = Field(default_factory=list)
    open_source_only: bool = False
    strict: bool = Field(
        default=False,
        description=(
            "'alleen zekere feiten': exclude candidates whose licence, status or hosting "
            "is unknown where a rule depends on it (default false: unknown is not 'no'; "
            "such a chosen candidate is listed in notes.to_verify)"
        ),
    )
    min_status: MinStatus = "beta"
    required_standards: list[str] = Field(default_factory=list, description="GEMMA standard slugs")
    exclude: list[str] = Field(default_factory=list)
    weights: dict[str, Annotated[float, Field(ge=0, le=10)]] = Field(default_factory=dict)


class Profile(AdvisorProfile):
    """``POST /advice``: the profile, and optionally a what-if replacement."""

    replace: Replacement | None = None


class Plan(Answer):
    """The components to take, in which order, and why; the cost the advisor minimised."""

    feasible: bool
    selected: list[str]
    cost: float
    unmet: list[str]
    order: list[list[str]]
    why: dict[str, list[str]]
    optimal: bool


class Landscape(Answer):
    """What the municipality uses, and whether that came from its published usage claims."""

    components: list[str]
    from_published_claims: bool
    sources: dict[str, list[str]]


class ToVerify(Answer):
    """A chosen component that stayed eligible although a fact a rule depends on is unknown."""

    component: str
    facts: list[Literal["licence", "status", "hosting"]]
    rules: list[str]
    source: str | None


class Unlinked(Answer):
    """A chosen business function that GEMMA links to no reference component."""

    function: str
    name: str
    suggestion: str | None = None
    suggestion_name: str | None = None
    via: str | None = None


class Notes(Answer):
    """What the advice could not know: unknown facts, what to verify, missing standards."""

    unknown_status: list[str]
    unknown_hosting: list[str]
    unknown_licence: list[str]
    to_verify: list[ToVerify]
    missing_required_standards: dict[str, list[str]]
    unlinked: list[Unlinked]


class Advice(Answer):
    """``POST /advice``: the profile as read, the plan, explanations, roadmap and a what-if."""

    profile: AdvisorProfile
    plan: Plan
    explanation: dict[str, Any]
    roadmap: dict[str, Any]
    what_if: dict[str, Any] | None
    names: dict[str, str]
    landscape: Landscape
    notes: Notes
