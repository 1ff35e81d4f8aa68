"""Adoption waves: in which order the components of a plan can be introduced.

A component can be introduced once every capability it requires is available: from the
landscape or from components introduced in earlier waves. Components that need each other (a
cycle of requirements) can only be introduced together, so they share a wave.

A requirement may be met by several providers, any one of which suffices. The waves are
therefore computed as repeated condensations: among the components still to place, draw an
edge from each component to every provider of each requirement that is not yet available,
condense the strongly connected components, and place every sink of the condensation (a group
whose open requirements are all met inside the group) in the next wave. When every requirement
has exactly one provider this is the reversed topological generation order of the condensed
requirement graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx

from advisor.model import Candidate, Instance, Plan

__all__ = ["Roadmap", "Wave", "adoption_waves", "roadmap"]


@dataclass(frozen=True, slots=True)
class Wave:
    """One step of an adoption plan.

    ``makes_available`` are capabilities that become available with this wave and were not
    before; ``relies_on`` are capabilities the wave's components require that the landscape or
    earlier waves provide; ``adopted_together`` are the groups of components in this wave that
    need each other (requirement cycles) and cannot be introduced separately.
    """

    number: int
    components: tuple[str, ...]
    makes_available: tuple[str, ...]
    relies_on: tuple[str, ...]
    adopted_together: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Roadmap:
    """The waves of a plan, with what was available before the first one."""

    waves: tuple[Wave, ...]
    already_available: tuple[str, ...]


def _wave_groups(
    candidates: Mapping[str, Candidate], remaining: set[str], available: set[str]
) -> list[frozenset[str]]:
    providers: dict[str, list[str]] = defaultdict(list)
    for cid in remaining:
        for capability in candidates[cid].provides:
            providers[capability].append(cid)
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(remaining)
    for cid in remaining:
        for requirement in candidates[cid].requires - available:
            sources = providers.get(requirement)
            if not sources:
                msg = (
                    f"component {cid!r} requires {requirement!r}, which neither the landscape "
                    "nor the other selected components provide"
                )
                raise ValueError(msg)
            graph.add_edges_from((cid, source) for source in sources)
    condensed = nx.condensation(graph)
    groups: list[frozenset[str]] = []
    for node in condensed.nodes:
        if condensed.out_degree(node) == 0:
            groups.append(frozenset(condensed.nodes[node]["members"]))
    return groups


def _in_cycle(
    candidates: Mapping[str, Candidate], group: frozenset[str], available: set[str]
) -> bool:
    if len(group) > 1:
        return True
    (only,) = group
    # A single component is "in a cycle" only if it provides one of its own open requirements.
    return bool((candidates[only].requires - available) & candidates[only].provides)


def _waves_with_groups(
    candidates: Mapping[str, Candidate], selected: Iterable[str], available: Iterable[str]
) -> list[tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]]:
    remaining = set(selected)
    unknown = sorted(remaining - candidates.keys())
    if unknown:
        msg = f"unknown components in the selection: {', '.join(map(repr, unknown))}"
        raise ValueError(msg)
    have = set(available)
    result: list[tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]] = []
    while remaining:
        groups = _wave_groups(candidates, remaining, have)
        members = tuple(sorted(cid for group in groups for cid in group))
        cycles = tuple(sorted(tuple(sorted(g)) for g in groups if _in_cycle(candidates, g, have)))
        result.append((members, cycles))
        remaining.difference_update(members)
        for cid in members:
            have |= candidates[cid].provides
    return result


def adoption_waves(
    candidates: Mapping[str, Candidate], selected: Iterable[str], *, available: Iterable[str]
) -> tuple[tuple[str, ...], ...]:
    """Order the selected components in waves.

    Parameters
    ----------
    candidates
        Component descriptions by id (at least every selected id).
    selected
        The ids to order.
    available
        Capabilities available before the first wave (the landscape).

    Returns
    -------
    tuple of tuple of str
        The waves, each sorted by id.

    Raises
    ------
    ValueError
        When a selected id is unknown or the selection is not closed under ``requires``.

    Examples
    --------
    >>> cands = {"a": Candidate("a", provides=frozenset({"x"}), requires=frozenset({"y"})),
    ...          "b": Candidate("b", provides=frozenset({"y"}), requires=frozenset({"x"})),
    ...          "c": Candidate("c", provides=frozenset({"z"}), requires=frozenset({"x"}))}
    >>> adoption_waves(cands, ["a", "b", "c"], available=[])
    (('a', 'b'), ('c',))
    """
    return tuple(members for members, _ in _waves_with_groups(candidates, selected, available))


def roadmap(instance: Instance, plan: Plan) -> Roadmap:
    """Present a plan as an adoption roadmap: waves and what each makes available.

    Parameters
    ----------
    instance
        The instance the plan answers.
    plan
        A plan for ``instance``; its ``selected`` components are ordered.

    Returns
    -------
    Roadmap
    """
    candidates = instance.by_id
    base = instance.base_available()
    have = set(base)
    waves: list[Wave] = []
    for number, (members, cycles) in enumerate(
        _waves_with_groups(candidates, plan.selected, base), start=1
    ):
        provided: set[str] = set()
        required: set[str] = set()
        for cid in members:
            provided |= candidates[cid].provides
            required |= candidates[cid].requires
        waves.append(
            Wave(
                number=number,
                components=members,
                makes_available=tuple(sorted(provided - have)),
                relies_on=tuple(sorted(required & have)),
                adopted_together=cycles,
            )
        )
        have |= provided
    return Roadmap(waves=tuple(waves), already_available=tuple(sorted(base)))
