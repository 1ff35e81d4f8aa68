"""gunicorn's settings for this app, read by ``gunicorn 'app:create_app()'`` started from the
project root (gunicorn reads ./gunicorn.conf.py by default; docs/deployment.md)."""

from __future__ import annotations

import gc
from typing import Any


def post_worker_init(worker: Any) -> None:
    """Once a worker has loaded the app: the objects made so far (modules, the app, its
    extensions and settings) live as long as the worker, so the garbage collector's full
    collections stop looking at them (``gc.freeze``). On a search page of 10,000 components a
    full collection looked at some 250,000 objects, about once every 600 pages, at some 130 ms
    each (docs/performance.md)."""
    gc.collect()
    gc.freeze()
