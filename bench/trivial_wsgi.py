"""The ceiling of the ceiling: a bare Flask app with one route that answers "ok".

``gunicorn 'bench.trivial_wsgi:app'``: bench/http.sh serves it with the same gunicorn settings
as the catalogue, so ``/health`` can be read as a share of what Flask and gunicorn do alone.
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def ok() -> str:
    """Nothing but the answer."""
    return "ok\n"
