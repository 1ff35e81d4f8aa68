"""Short builders for hand-made advisor instances in the example-based tests."""

from __future__ import annotations

from advisor import Candidate


def cand(
    cid: str, provides: str = "", requires: str = "", cost: float = 1.0, **kw: object
) -> Candidate:
    """A candidate; ``provides`` and ``requires`` are space-separated names."""
    return Candidate(
        cid,
        provides=frozenset(provides.split()),
        requires=frozenset(requires.split()),
        cost=cost,
        **kw,  # type: ignore[arg-type]
    )
