"""Progress of long work, told as plain numbers: the work counts, a surface decides what to show.

A service that walks many items (seed, import, export, harvest, a search rebuild) takes an
optional ``progress`` callback and calls it with ``(done, total)``. The services know nothing of
terminals: the CLI turns the callback into a bar (``catalogue/cli/progress.py``), a test records
the calls, and everyone else passes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

Progress = Callable[[int, int], None]
"""Told ``(done, total)``: first ``(0, total)``, then after each item, ending at ``(total, total)``."""

Item = TypeVar("Item")


def report_each(items: Sequence[Item], progress: Progress | None) -> Iterator[Item]:
    """Yield ``items``, telling ``progress`` how many the consumer has finished.

    An item counts as done when the consumer asks for the next one (or for the end), so the
    count follows the work done on the items, not the reading of them.
    """
    if progress is None:
        yield from items
        return
    total = len(items)
    progress(0, total)
    for done, item in enumerate(items, start=1):
        yield item
        progress(done, total)
