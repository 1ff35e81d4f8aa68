"""The WSGI app the HTTP benchmark serves: ``create_app()`` plus ``/health`` if it lacks it.

``gunicorn 'bench.wsgi_bench:app'`` from the project root. Once app.py registers
catalogue.web.health itself, this adds nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from catalogue.web import health  # noqa: E402

app = create_app()
if "/health" not in {rule.rule for rule in app.url_map.iter_rules()}:
    health.init_app(app)
