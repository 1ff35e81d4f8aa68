"""``/health``: a plain "ok" that touches neither the database nor the search index.

Load balancers use it to see that a node's web process answers; the HTTP benchmark uses it as
the ceiling of what the app can serve (``bench/http.sh``). It says nothing about the database.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response

bp = Blueprint("health", __name__)


@bp.get("/health")
def health() -> Response:
    """The process answers."""
    response = Response("ok\n", mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Register ``/health`` once."""
    if "health" not in app.blueprints:
        app.register_blueprint(bp)
