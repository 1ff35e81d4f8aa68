"""The WSGI app the HTTP benchmark serves: ``create_app()`` plus ``/health`` if it lacks it.

``gunicorn 'bench.wsgi_bench:app'`` from the project root. Once app.py registers
catalogue.web.health itself, this adds nothing. The configuration comes from the environment as
for any instance: ``CATALOGUE_PAGE_CACHE_SIZE=0`` switches the page cache off.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from catalogue.web import health, page_cache  # noqa: E402

app = create_app()
if "/health" not in {rule.rule for rule in app.url_map.iter_rules()}:
    health.init_app(app)


def page_cache_size() -> int:
    """``PAGE_CACHE_SIZE`` as this app was configured."""
    return int(app.config.get("PAGE_CACHE_SIZE", 0))


def page_cache_on() -> bool:
    """True when this app keeps rendered pages in memory."""
    return page_cache.EXTENSION in app.extensions
