"""A progress bar for long work, on a terminal only.

The services tell ``(done, total)`` through a plain callback (``catalogue/progress.py``); this
module turns it into ``click.progressbar``. Click rather than rich: click is already what the CLI
is built on, its bar writes to the same stdout as ``click.echo``, and rich is only installed here
as a development tool's dependency, not as one of the app's.

The bar goes to stdout, and only when stdout is a terminal and the command was not asked for
``--json``: piped or machine-readable output stays exactly what it was.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any

import click

from catalogue.progress import Progress

# Redraw at most this many times over a run: every item of 10,000 would flood the terminal.
REDRAWS = 100


class TerminalProgress:
    """A ``Progress`` callback drawing a click bar, started when the work tells its total."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._bar: Any = None
        self._drawn = 0

    def __call__(self, done: int, total: int) -> None:
        if total <= 0:
            return
        if self._bar is None:
            self._bar = click.progressbar(
                length=total, label=self.label, show_pos=True, show_percent=True, file=sys.stdout
            )
            self._bar.render_progress()
        self._bar.length = total
        if done < total and done - self._drawn < max(1, total // REDRAWS):
            return
        self._bar.update(done - self._bar.pos)
        self._drawn = done

    def close(self) -> None:
        """End the bar's line, so what the command prints next starts on its own."""
        if self._bar is not None:
            self._bar.render_finish()


@contextlib.contextmanager
def progress_bar(label: str, *, quiet: bool = False) -> Iterator[Progress | None]:
    """A callback drawing a bar, or None when ``quiet`` or stdout is no terminal."""
    if quiet or not sys.stdout.isatty():
        yield None
        return
    bar = TerminalProgress(label)
    try:
        yield bar
    finally:
        bar.close()
