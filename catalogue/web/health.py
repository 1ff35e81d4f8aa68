"""``/health``: is the process up; ``/health/ready``: can it serve, database and search index.

``/health`` is a plain "ok" that touches neither the database nor the search index: load balancers
use it to see that a node's web process answers (liveness), and the HTTP benchmark uses it as the
ceiling of what the app can serve (``bench/http.sh``). ``/health/ready`` asks the database for a
trivial query and the search backend whether its index is there: 200 when both answer, 503 with
the reason otherwise, so a balancer sends no traffic to a node that would only fail it.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, jsonify

from catalogue.search import get_service
from catalogue.web.errors import RETRY_AFTER_SECONDS

bp = Blueprint("health", __name__)


@bp.get("/health")
def health() -> Response:
    """The process answers."""
    response = Response("ok\n", mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/health/ready")
def ready() -> Response:
    """Readiness: the database answers and the search index is available."""
    problem = current_app.extensions["catalogue_db"].ping()
    checks = {"database": "ok" if problem is None else f"unavailable: {problem}"}
    try:
        available = get_service().backend.available()
    except Exception as error:  # noqa: BLE001 - any failure of the index means "not ready"
        checks["search"] = f"unavailable: {type(error).__name__}"
    else:
        checks["search"] = "ok" if available else "unavailable: no index"
    ok = all(value == "ok" for value in checks.values())
    response = jsonify({"status": "ok" if ok else "unavailable", "checks": checks})
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    if not ok:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def init_app(app: Flask) -> None:
    """Register ``/health`` and ``/health/ready`` once."""
    if "health" not in app.blueprints:
        app.register_blueprint(bp)
