"""Numeric form of a presolved instance, shared by the MILP and the heuristic.

Columns are candidate ids (sorted), capabilities are target ids (sorted). Rows of the
constraint matrix ``A`` (all of the form ``A x >= b``):

* one cover row per coverable need: ``sum_{c provides k} x_c >= 1``;
* one requirement row per candidate ``c`` and requirement ``r`` that neither the landscape
  nor ``c`` itself provides: ``sum_{d provides r} x_d - x_c >= 0``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from advisor.model import Candidate

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Formulation:
    """Arrays describing one optimisation problem.

    ``provides[j]`` / ``requires[j]`` are tuples of capability indices; ``providers[k]`` the
    column indices providing capability ``k``; ``need[k]`` whether capability ``k`` must be
    covered regardless of what is selected.
    """

    columns: tuple[str, ...]
    capabilities: tuple[str, ...]
    cost: FloatArray
    matrix: sp.csr_array
    rhs: FloatArray
    provides: tuple[tuple[int, ...], ...]
    requires: tuple[tuple[int, ...], ...]
    providers: tuple[tuple[int, ...], ...]
    need: tuple[bool, ...]
    forced: tuple[int, ...]
    row_capability: IntArray
    row_owner: IntArray

    @property
    def size(self) -> int:
        """Number of columns."""
        return len(self.columns)

    def restrict(self, keep: Iterable[int]) -> Formulation:
        """The same problem over a subset of the columns (for solution merging).

        Rows whose every provider was dropped keep only their owner's ``-1`` entry (or none);
        a cover row left empty makes the restricted problem infeasible, as it should.
        """
        chosen = sorted(set(keep) | set(self.forced))
        remap = {old: new for new, old in enumerate(chosen)}
        provides = tuple(self.provides[j] for j in chosen)
        providers = tuple(tuple(remap[j] for j in ps if j in remap) for ps in self.providers)
        return Formulation(
            columns=tuple(self.columns[j] for j in chosen),
            capabilities=self.capabilities,
            cost=self.cost[chosen],
            matrix=sp.csr_array(self.matrix[:, chosen]),
            rhs=self.rhs,
            provides=provides,
            requires=tuple(self.requires[j] for j in chosen),
            providers=providers,
            need=self.need,
            forced=tuple(remap[j] for j in self.forced),
            row_capability=self.row_capability,
            row_owner=np.asarray(
                # -2: the row's owner was dropped, so the row is void (rhs 0, providers only).
                [remap.get(int(o), -2) if o >= 0 else -1 for o in self.row_owner],
                dtype=np.int64,
            ),
        )


def build_formulation(
    candidates: Mapping[str, Candidate],
    *,
    columns: Iterable[str],
    targets: Iterable[str],
    needs: Iterable[str],
    base: frozenset[str],
    forced: Iterable[str] = (),
) -> Formulation:
    """Build the arrays for ``columns`` covering ``needs`` with requirements among ``targets``.

    Requirements on capabilities in ``base`` or in ``needs`` get no row: every valid plan
    makes the needs available anyway.
    """
    cols = tuple(sorted(columns))
    caps = tuple(sorted(targets))
    cap_index = {k: i for i, k in enumerate(caps)}
    col_index = {cid: j for j, cid in enumerate(cols)}
    need_set = frozenset(needs)
    provides: list[tuple[int, ...]] = []
    requires: list[tuple[int, ...]] = []
    providers: list[list[int]] = [[] for _ in caps]
    for j, cid in enumerate(cols):
        candidate = candidates[cid]
        own = tuple(sorted(cap_index[k] for k in candidate.provides if k in cap_index))
        provides.append(own)
        for k in own:
            providers[k].append(j)
        open_requirements = candidate.requires - base - candidate.provides - need_set
        requires.append(tuple(sorted(cap_index[r] for r in open_requirements)))
    need = tuple(k in need_set for k in caps)

    rows: list[int] = []
    entries: list[int] = []
    values: list[float] = []
    rhs: list[float] = []
    row_capability: list[int] = []
    row_owner: list[int] = []
    row = 0
    for k, is_need in enumerate(need):
        if not is_need:
            continue
        for j in providers[k]:
            rows.append(row)
            entries.append(j)
            values.append(1.0)
        rhs.append(1.0)
        row_capability.append(k)
        row_owner.append(-1)
        row += 1
    for j, reqs in enumerate(requires):
        for k in reqs:
            rows.append(row)
            entries.append(j)
            values.append(-1.0)
            for d in providers[k]:
                rows.append(row)
                entries.append(d)
                values.append(1.0)
            rhs.append(0.0)
            row_capability.append(k)
            row_owner.append(j)
            row += 1
    matrix = sp.csr_array(
        (
            np.asarray(values, dtype=np.float64),
            (np.asarray(rows, dtype=np.int64), np.asarray(entries, dtype=np.int64)),
        ),
        shape=(row, len(cols)),
    )
    return Formulation(
        columns=cols,
        capabilities=caps,
        cost=np.asarray([candidates[cid].cost for cid in cols], dtype=np.float64),
        matrix=matrix,
        rhs=np.asarray(rhs, dtype=np.float64),
        provides=tuple(provides),
        requires=tuple(requires),
        providers=tuple(tuple(p) for p in providers),
        need=need,
        forced=tuple(sorted(col_index[cid] for cid in forced)),
        row_capability=np.asarray(row_capability, dtype=np.int64),
        row_owner=np.asarray(row_owner, dtype=np.int64),
    )
