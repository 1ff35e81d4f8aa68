"""The Componentenwijzer advisor: which shared components should a municipality adopt, and why.

A pure engine (standard library, networkx, numpy, scipy only): no web framework, no database,
no file access beyond the CLI. The web app talks to it through a bridge that builds
:class:`Instance` objects.

Main entry points
-----------------
* :func:`solve` - the cheapest plan covering every coverable need (exact MILP, with a
  Lagrangian heuristic and solution merging when time is short).
* :func:`explain` - choices, ranked alternatives, gaps, redundancies, standards mismatches.
* :func:`roadmap` - adoption waves.
* :func:`replace_component` - what if X were replaced by Y.
* :func:`score` / :func:`apply_scores` - weighted, explained candidate scores.
* :class:`ComponentGraph` - GEMMA-shaped data with domain verbs (needs closure, providers,
  neighbourhoods).
* :func:`parse_instance` / :func:`instance_from_json` / :func:`instance_to_json` - the JSON
  instance contract.
"""

from __future__ import annotations

from advisor.cost import DEFAULT_PROFILE, Profile, apply_scores, score, scores
from advisor.explain import (
    Alternative,
    Blocked,
    Choice,
    Explanation,
    Gap,
    Mismatch,
    NeedAlternatives,
    Provision,
    Redundancy,
    explain,
)
from advisor.graph import (
    ComponentGraph,
    EdgeKind,
    GraphError,
    NeedsClosure,
    Neighbourhood,
    NodeKind,
    UnknownNodeError,
)
from advisor.instance import InstanceError, instance_from_json, instance_to_json, parse_instance
from advisor.model import (
    ALL_HOSTING,
    Candidate,
    Constraints,
    Hosting,
    Instance,
    Landscape,
    Obligation,
    Plan,
    ScoreBreakdown,
    Status,
    Term,
    UnknownComponentError,
    to_jsonable,
)
from advisor.roadmap import Roadmap, Wave, adoption_waves, roadmap
from advisor.solve import (
    DEFAULT_TIME_LIMIT,
    Analysis,
    PlanError,
    analyse,
    is_valid_selection,
    plan_cost,
    solve,
)
from advisor.whatif import Dependent, WhatIf, replace_component

__all__ = [
    "ALL_HOSTING",
    "DEFAULT_PROFILE",
    "DEFAULT_TIME_LIMIT",
    "Alternative",
    "Analysis",
    "Blocked",
    "Candidate",
    "Choice",
    "ComponentGraph",
    "Constraints",
    "Dependent",
    "EdgeKind",
    "Explanation",
    "Gap",
    "GraphError",
    "Hosting",
    "Instance",
    "InstanceError",
    "Landscape",
    "Mismatch",
    "NeedAlternatives",
    "NeedsClosure",
    "Neighbourhood",
    "NodeKind",
    "Obligation",
    "Plan",
    "PlanError",
    "Profile",
    "Provision",
    "Redundancy",
    "Roadmap",
    "ScoreBreakdown",
    "Status",
    "Term",
    "UnknownComponentError",
    "UnknownNodeError",
    "Wave",
    "WhatIf",
    "adoption_waves",
    "analyse",
    "apply_scores",
    "explain",
    "instance_from_json",
    "instance_to_json",
    "is_valid_selection",
    "parse_instance",
    "plan_cost",
    "replace_component",
    "roadmap",
    "score",
    "scores",
    "solve",
    "to_jsonable",
]
