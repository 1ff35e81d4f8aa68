"""Independent reference implementations and instance generators for the advisor tests.

Everything here works on the JSON form of an instance and shares no code with ``advisor``,
so that a bug in the advisor cannot hide behind the same bug in its check.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterable
from typing import Any

import numpy as np
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

JSON = dict[str, Any]
HOSTING = ["saas", "paas", "iaas", "on-premise"]
STATUSES = ["concept", "development", "beta", "stable", "obsolete"]
ORDER = ["concept", "development", "beta", "stable"]


# ------------------------------------------------------------------------------ semantics


def constraints_of(data: JSON) -> JSON:
    given = data.get("constraints", {})
    return {
        "open_source_only": given.get("open_source_only", False),
        "allowed_hosting": given.get("allowed_hosting", HOSTING),
        "min_status": given.get("min_status", "beta"),
        "exclude": given.get("exclude", []),
        "strict": given.get("strict", False),
    }


def component_defaults(comp: JSON) -> JSON:
    return {
        "id": comp["id"],
        "provides": set(comp["provides"]),
        "requires": set(comp.get("requires", [])),
        "cost": float(comp.get("cost", 1)),
        # None stays None: the fact is unknown.
        "hosting": None
        if comp.get("hosting", HOSTING) is None
        else set(comp.get("hosting", HOSTING)),
        "open_source": comp.get("open_source", True),
        "status": comp.get("status", "stable"),
        "standards": set(comp.get("standards", [])),
    }


def components(data: JSON) -> dict[str, JSON]:
    return {c["id"]: component_defaults(c) for c in data["components"]}


def base_of(data: JSON) -> set[str]:
    landscape = data.get("landscape", {})
    base = set(landscape.get("provides", []))
    comps = components(data)
    for cid in landscape.get("components", []):
        if cid in comps:
            base |= comps[cid]["provides"]
    return base


def is_selectable(comp: JSON, data: JSON) -> bool:
    rules = constraints_of(data)
    if comp["id"] in data.get("landscape", {}).get("components", []):
        return False
    if comp["id"] in rules["exclude"]:
        return False
    # Three-valued: an unknown fact (None) passes a rule unless the rules are strict, and a
    # strict rule passes only a fact that is known to pass.
    status, licence, hosting = comp["status"], comp["open_source"], comp["hosting"]
    if status is None:
        if rules["strict"]:
            return False
    elif status == "obsolete" or ORDER.index(status) < ORDER.index(rules["min_status"]):
        return False
    if rules["open_source_only"]:
        if licence is False or (licence is None and rules["strict"]):
            return False
    if hosting is None:
        return not (rules["strict"] and set(rules["allowed_hosting"]) != set(HOSTING))
    return bool(hosting & set(rules["allowed_hosting"]))


def selectable(data: JSON) -> list[JSON]:
    return [c for c in components(data).values() if is_selectable(c, data)]


def available_with(base: set[str], chosen: Iterable[JSON]) -> set[str]:
    have = set(base)
    for c in chosen:
        have |= c["provides"]
    return have


def closed(base: set[str], chosen: list[JSON]) -> bool:
    have = available_with(base, chosen)
    return all(c["requires"] <= have for c in chosen)


def brute_force(data: JSON) -> tuple[set[str], float, int]:
    """(unmet needs, optimal cost, fewest components among optimal plans) by enumeration."""
    pool = sorted(selectable(data), key=lambda c: c["id"])
    base = base_of(data)
    needs = set(data["needs"])
    subsets = [list(s) for r in range(len(pool) + 1) for s in itertools.combinations(pool, r)]
    valid = [s for s in subsets if closed(base, s)]
    reachable = set(base).union(*(available_with(base, s) for s in valid))
    unmet = needs - reachable
    wanted = needs - unmet
    best = math.inf
    fewest = math.inf
    for s in valid:
        if wanted <= available_with(base, s):
            cost = math.fsum(c["cost"] for c in s)
            if cost < best - 1e-9:
                best, fewest = cost, len(s)
            elif abs(cost - best) <= 1e-9:
                fewest = min(fewest, len(s))
    return unmet, best, int(fewest)


def reference_unmet(data: JSON) -> set[str]:
    """Unmet needs by naive fixpoint iteration (drop components until nothing changes)."""
    base = base_of(data)
    alive = selectable(data)
    while True:
        have = available_with(base, alive)
        keep = [c for c in alive if c["requires"] <= have]
        if len(keep) == len(alive):
            return set(data["needs"]) - have
        alive = keep


def reference_milp_cost(data: JSON) -> float:
    """Optimal cost from a MILP with explicit availability variables ``y_k``.

    Variables: ``x_c`` (select c) and ``y_k`` (capability k available).
    ``y_k <= base_k + sum_{c provides k} x_c``; ``x_c <= y_r`` for each requirement r of c;
    ``y_k = 1`` for every coverable need. Minimise ``sum cost_c x_c``.
    """
    base = base_of(data)
    pool = sorted(selectable(data), key=lambda c: c["id"])
    unmet = reference_unmet(data)
    needs = set(data["needs"]) - unmet
    caps = sorted(set(needs) | {k for c in pool for k in c["provides"] | c["requires"]})
    n, m = len(pool), len(caps)
    col = {k: n + i for i, k in enumerate(caps)}
    rows: list[np.ndarray] = []
    lower: list[float] = []
    upper: list[float] = []
    for k in caps:
        row = np.zeros(n + m)
        row[col[k]] = 1.0
        for j, c in enumerate(pool):
            if k in c["provides"]:
                row[j] -= 1.0
        rows.append(row)
        lower.append(-np.inf)
        upper.append(1.0 if k in base else 0.0)
    for j, c in enumerate(pool):
        for r in c["requires"]:
            row = np.zeros(n + m)
            row[j] = 1.0
            row[col[r]] = -1.0
            rows.append(row)
            lower.append(-np.inf)
            upper.append(0.0)
    lb = np.zeros(n + m)
    for k in needs:
        lb[col[k]] = 1.0
    cost = np.concatenate([np.asarray([c["cost"] for c in pool]), np.zeros(m)])
    if not rows:
        return 0.0
    result = milp(
        cost,
        integrality=np.ones(n + m),
        bounds=Bounds(lb, np.ones(n + m)),
        constraints=[LinearConstraint(np.vstack(rows), lower, upper)],
        options={"mip_rel_gap": 0.0},
    )
    assert result.status == 0, result.message
    return math.fsum(pool[j]["cost"] for j in range(n) if result.x[j] > 0.5)


# ------------------------------------------------------------------------------ generators


@st.composite
def instances(
    draw: st.DrawFn,
    *,
    max_components: int = 8,
    capabilities: int = 6,
    with_constraints: bool = True,
    unknowns: bool = False,
) -> JSON:
    """Random small instances in the JSON format, with every optional feature exercised.

    ``unknowns`` lets hosting, open_source and status be null (unknown) and draws ``strict``.
    """
    caps = [f"k{i}" for i in range(capabilities)]
    count = draw(st.integers(0, max_components))
    comps: list[JSON] = []
    for i in range(count):
        provides = draw(st.lists(st.sampled_from(caps), min_size=1, max_size=3, unique=True))
        requires = draw(st.lists(st.sampled_from(caps), max_size=2, unique=True))
        comp: JSON = {
            "id": f"c{i}",
            "provides": provides,
            "requires": requires,
            "cost": draw(st.sampled_from([0, 1, 1, 2, 2.5, 3, 4, 7])),
        }
        if with_constraints:
            comp["hosting"] = draw(st.lists(st.sampled_from(HOSTING), max_size=4, unique=True))
            comp["open_source"] = draw(st.booleans())
            comp["status"] = draw(st.sampled_from(STATUSES))
            if unknowns:
                for key in ("hosting", "open_source", "status"):
                    if draw(st.booleans()):
                        comp[key] = None
        comps.append(comp)
    ids = [c["id"] for c in comps]
    landscape = {
        "components": draw(
            st.lists(st.sampled_from([*ids, "legacy-system"]), max_size=2, unique=True)
        ),
        "provides": draw(st.lists(st.sampled_from(caps), max_size=2, unique=True)),
    }
    needs = draw(st.lists(st.sampled_from([*caps, "nobody-provides"]), max_size=4, unique=True))
    data: JSON = {"components": comps, "landscape": landscape, "needs": needs}
    if with_constraints:
        data["constraints"] = {
            "open_source_only": draw(st.booleans()),
            "allowed_hosting": draw(
                st.lists(st.sampled_from(HOSTING), min_size=1, max_size=4, unique=True)
            ),
            "min_status": draw(st.sampled_from(ORDER)),
            "exclude": draw(st.lists(st.sampled_from([*ids, "ghost"]), max_size=2, unique=True)),
        }
        if unknowns:
            data["constraints"]["strict"] = draw(st.booleans())
    return data


def random_setcover(n: int, seed: int, *, need_share: float = 0.34) -> JSON:
    """Random set cover with dependencies (same shape as the benchmark, own code)."""
    rng = random.Random(seed)  # noqa: S311 - test data, not cryptography
    m = max(8, n // 4)
    caps = [f"cap{i}" for i in range(m)]
    comps = []
    for i in range(n):
        provides = rng.sample(caps, rng.randint(1, 6))
        requires = [c for c in rng.sample(caps, 2) if c not in provides][: rng.randint(0, 2)]
        comps.append(
            {
                "id": f"s{i:04d}",
                "provides": provides,
                "requires": requires,
                "cost": rng.randint(1, 10),
            }
        )
    needs = rng.sample(caps, max(1, int(m * need_share)))
    return {"components": comps, "needs": needs}
