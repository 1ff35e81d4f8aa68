"""The advice for a profile: score, solve, explain and order the plan, with what to verify."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.orm import Session

from advisor.cost import Profile as CostProfile
from advisor.cost import apply_scores
from advisor.explain import Explanation, explain
from advisor.model import Hosting, Instance, Plan, to_jsonable
from advisor.roadmap import Roadmap, roadmap
from advisor.solve import solve
from advisor.whatif import WhatIf, replace_component
from catalogue.errors import ErrorCode, FieldError, ValidationError
from catalogue.services.advice.facts import RC, CatalogueFacts
from catalogue.services.advice.instance import build_instance
from catalogue.services.advice.profile import Profile

# The advisor's names of the facts a rule depends on, by the constraint that needs them.
FACT_OF_CONSTRAINT = {
    "open_source_only": "licence",
    "min_status": "status",
    "allowed_hosting": "hosting",
}


@dataclass(frozen=True)
class ToVerify:
    """A chosen component that stayed eligible although a fact a rule depends on is unknown.

    ``facts`` are "licence", "status" and/or "hosting"; ``rules`` the constraints they matter
    for; ``source`` the catalogue record that was consulted (it does not state them).
    """

    component: str
    facts: tuple[str, ...]
    rules: tuple[str, ...]
    source: str | None


def to_verify(
    instance: Instance, plan: Plan, sources: Mapping[str, str | None]
) -> tuple[ToVerify, ...]:
    """The chosen components whose eligibility rests on an unknown fact ("te controleren")."""
    found = []
    for cid in plan.selected:
        uncertain = instance.constraints.uncertainties(instance.candidate(cid))
        if uncertain:
            rules = tuple(name for name, _why in uncertain)
            found.append(
                ToVerify(
                    component=cid,
                    facts=tuple(FACT_OF_CONSTRAINT[name] for name in rules),
                    rules=rules,
                    source=sources.get(cid),
                )
            )
    return tuple(found)


@dataclass(frozen=True)
class Advice:
    """A plan for a profile, with everything needed to explain it."""

    profile: Profile
    facts: CatalogueFacts
    instance: Instance
    plan: Plan
    explanation: Explanation
    roadmap: Roadmap
    what_if: WhatIf | None = None
    to_verify: tuple[ToVerify, ...] = ()

    def name(self, key: str) -> str:
        """The human name of a component or capability id."""
        return self.facts.names.get(key, key)


def alternatives_for(instance: Instance, removed: str) -> tuple[str, ...]:
    """The catalogue components that fill at least one reference component ``removed`` fills.

    Only those are sensible replacements in a what-if; sorted by name.
    """
    fills = {cap for cap in instance.by_id[removed].provides if cap.startswith(RC)}
    return tuple(
        c.id
        for c in sorted(instance.components, key=lambda c: (c.name.lower(), c.id))
        if c.id != removed and fills & c.provides
    )


def advise(session: Session, profile: Profile, *, replace: tuple[str, str] | None = None) -> Advice:
    """Build the instance, score it with the profile's weights, solve, explain and order it.

    ``replace`` = (component in the plan or landscape, catalogue component) adds a what-if.
    """
    facts = build_instance(session, profile)
    cost_profile = CostProfile(
        weights=dict(profile.weights),
        hosting_order=tuple(Hosting(h) for h in profile.hosting_order),
    )
    instance = apply_scores(facts.instance, profile=cost_profile)
    plan = solve(instance)
    explanation = explain(instance, plan, profile=cost_profile)
    what_if = None
    if replace is not None:
        removed, added = replace
        for key, value in (("vervang", removed), ("door", added)):
            if value not in instance.by_id:
                raise ValidationError(
                    {key: [FieldError(ErrorCode.WHAT_IF_COMPONENT_UNKNOWN, slug=value)]}
                )
        if removed not in plan.selected and removed not in instance.landscape.components:
            raise ValidationError({"vervang": [FieldError(ErrorCode.WHAT_IF_NOT_IN_PLAN)]})
        what_if = replace_component(instance, plan, remove=removed, add=added)
    return Advice(
        profile=profile,
        facts=facts,
        instance=instance,
        plan=plan,
        explanation=explanation,
        roadmap=roadmap(instance, plan),
        what_if=what_if,
        to_verify=to_verify(instance, plan, facts.sources),
    )


def advice_to_json(advice: Advice) -> dict[str, Any]:
    """The plan in the CLI contract's shape, plus explanations, roadmap and names."""
    used = set(advice.plan.selected) | set(advice.plan.unmet) | set(advice.instance.needs)
    used |= set(advice.facts.landscape)
    for choice in advice.explanation.choices:
        used |= set(choice.covers) | {p.requirement for p in choice.brings}
    return {
        "plan": advice.plan.to_json(),
        "explanation": to_jsonable(advice.explanation),
        "roadmap": to_jsonable(advice.roadmap),
        "what_if": to_jsonable(advice.what_if) if advice.what_if else None,
        "names": {key: advice.name(key) for key in sorted(used)},
        "landscape": {
            "components": list(advice.facts.landscape),
            "from_published_claims": advice.facts.landscape_from_claims,
            "sources": {k: list(v) for k, v in advice.facts.published_claims.items()},
        },
        "notes": {
            "unknown_status": sorted(advice.facts.unknown_status),
            "unknown_hosting": sorted(advice.facts.unknown_hosting),
            "unknown_licence": sorted(advice.facts.unknown_licence),
            "to_verify": [asdict(item) for item in advice.to_verify],
            "missing_required_standards": {
                k: list(v) for k, v in advice.facts.missing_standards.items()
            },
            # Chosen business functions GEMMA links to no reference component: "niet te koppelen".
            "unlinked": [asdict(need) for need in advice.facts.unlinked],
        },
    }
