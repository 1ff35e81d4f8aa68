"""What if component X were replaced by Y? A direct comparison, no re-optimisation.

``X`` is either a selected component of the plan or a landscape component (replacing a system
the municipality runs today is a common question); ``Y`` is any candidate that is neither
selected nor in the landscape. Constraints are not enforced on ``Y`` but reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from advisor.model import Instance, Plan
from advisor.solve import plan_cost

__all__ = ["Dependent", "WhatIf", "replace_component"]


@dataclass(frozen=True, slots=True)
class Dependent:
    """A selected or landscape component that requires something X provided.

    ``requires`` are those capabilities; ``lost`` the ones no longer available after the swap.
    """

    component: str
    in_landscape: bool
    requires: tuple[str, ...]
    lost: tuple[str, ...]

    @property
    def still_met(self) -> bool:
        """Whether all its requirements on X are still available."""
        return not self.lost


@dataclass(frozen=True, slots=True)
class WhatIf:
    """The consequences of replacing ``removed`` by ``added``.

    ``cost_delta`` is ``cost(added) - cost(removed)``, where a landscape component costs
    nothing (the landscape is already paid for). ``complete`` says whether the resulting plan
    still covers every need the old one covered and is closed under ``requires``.
    """

    removed: str
    added: str
    removed_from: Literal["plan", "landscape"]
    needs_kept: tuple[str, ...]
    needs_lost: tuple[str, ...]
    needs_gained: tuple[str, ...]
    dependents: tuple[Dependent, ...]
    brings: tuple[str, ...]
    blocked_by: tuple[tuple[str, str], ...]
    cost_delta: float
    complete: bool


def replace_component(instance: Instance, plan: Plan, *, remove: str, add: str) -> WhatIf:
    """Compare the plan with ``remove`` swapped for ``add``.

    Parameters
    ----------
    instance
        The instance the plan answers.
    plan
        The current plan.
    remove
        A selected component or a landscape component (with a description in the instance).
    add
        A candidate not yet selected and not in the landscape.

    Returns
    -------
    WhatIf

    Raises
    ------
    UnknownComponentError
        When either id is not a candidate of the instance.
    ValueError
        When ``remove`` is neither selected nor in the landscape, or ``add`` already is.
    """
    old = instance.candidate(remove)
    new = instance.candidate(add)
    landscape = instance.landscape.components
    selected = set(plan.selected)
    for cid in selected:
        instance.candidate(cid)
    if remove == add:
        msg = "a component cannot replace itself"
        raise ValueError(msg)
    if remove in selected:
        origin: Literal["plan", "landscape"] = "plan"
    elif remove in landscape:
        origin = "landscape"
    else:
        msg = f"{remove!r} is neither selected in the plan nor part of the landscape"
        raise ValueError(msg)
    if add in selected or add in landscape:
        msg = f"{add!r} is already selected or in the landscape"
        raise ValueError(msg)

    systems_before = list(instance.landscape_candidates())
    base_before = set(instance.landscape.provides)
    for system in systems_before:
        base_before |= system.provides
    before = set(base_before)
    for cid in selected:
        before |= instance.by_id[cid].provides

    systems_after = [c for c in systems_before if c.id != remove]
    selected_after = (selected - {remove}) | {add}
    after = set(instance.landscape.provides)
    for system in systems_after:
        after |= system.provides
    for cid in selected_after:
        after |= instance.by_id[cid].provides

    dependents: list[Dependent] = []
    for cid in sorted((selected - {remove}) | {c.id for c in systems_after}):
        needed = instance.by_id[cid].requires & old.provides
        if needed:
            dependents.append(
                Dependent(
                    component=cid,
                    in_landscape=cid in landscape,
                    requires=tuple(sorted(needed)),
                    lost=tuple(sorted(needed - after)),
                )
            )
    needs_before = instance.needs & before
    needs_after = instance.needs & after
    brings = tuple(sorted(new.requires - after))
    removed_cost = old.cost if origin == "plan" else 0.0
    delta = plan_cost(instance, [add]) - round(removed_cost, 9)
    needs_lost = tuple(sorted(needs_before - needs_after))
    broken = any(d.lost for d in dependents if not d.in_landscape)
    return WhatIf(
        removed=remove,
        added=add,
        removed_from=origin,
        needs_kept=tuple(sorted(needs_before & needs_after)),
        needs_lost=needs_lost,
        needs_gained=tuple(sorted(needs_after - needs_before)),
        dependents=tuple(dependents),
        brings=brings,
        blocked_by=instance.constraints.violations(new),
        cost_delta=round(delta, 9),
        complete=not needs_lost and not brings and not broken,
    )
