"""One entry point for contributing: accounts, submissions, review, admin and the write API.

``init_app(app)`` binds Flask-Login (hardened cookies), the rate limiter, the blueprints and the
``create-user`` command. app.py calls it once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import Flask, request
from flask_limiter import Limiter

# Mapped models join Base.metadata when this module is imported (the app, Alembic and tests).
import catalogue.models  # noqa: F401

# endpoint -> the config key of its limit, and the methods it counts.
RATE_LIMITS: dict[str, tuple[str, list[str]]] = {
    "auth.login": ("RATELIMIT_LOGIN", ["POST"]),
    "auth.login_code": ("RATELIMIT_LOGIN", ["POST"]),
    "auth.totp_setup": ("RATELIMIT_LOGIN", ["POST"]),
    "auth.register": ("RATELIMIT_REGISTER", ["POST"]),
    "auth.forgot_password": ("RATELIMIT_PASSWORD_RESET", ["POST"]),
    "auth.reset_password": ("RATELIMIT_LOGIN", ["POST"]),
    "auth.change_password": ("RATELIMIT_LOGIN", ["POST"]),
    "api_contribute.validate": ("RATELIMIT_VALIDATE", ["POST"]),
    "api_contribute.put_publiccode": ("RATELIMIT_TOKEN_API", ["PUT"]),
}

DEFAULTS: dict[str, Any] = {
    # Rate-limit storage: memory by default; CATALOGUE_RATELIMIT_STORAGE_URL=redis://... to share.
    "RATELIMIT_STORAGE_URL": "memory://",
    "RATELIMIT_LOGIN": "10 per minute; 50 per hour",
    "RATELIMIT_REGISTER": "5 per minute; 20 per hour",
    "RATELIMIT_VALIDATE": "60 per minute",
    "RATELIMIT_TOKEN_API": "30 per minute",
    "RATELIMIT_PASSWORD_RESET": "5 per hour; 20 per day",
    "RATELIMIT_KEY_PREFIX": "componentenwijzer",
    "REMEMBER_COOKIE_DURATION": dt.timedelta(days=3),
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_REFRESH_EACH_REQUEST": False,
}


def _client_address() -> str:
    return request.remote_addr or "unknown"


def init_app(app: Flask) -> None:
    """Set up accounts, the limiter, the blueprints and the CLI for ``app``."""
    from catalogue import (
        cli_accounts,  # noqa: F401  (registers its command on the group)
        cli_landscape,  # noqa: F401  (registers the landscape commands)
    )
    from catalogue.web import admin, api_contribute, auth, contribute, members, review

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    # Behind https the remember cookie is as protected as the session cookie.
    if app.config["SESSION_COOKIE_SECURE"]:
        app.config["REMEMBER_COOKIE_SECURE"] = True

    auth.init_app(app)
    contribute.init_app(app)
    review.init_app(app)
    admin.init_app(app)
    members.init_app(app)
    api_contribute.init_app(app)

    # One limiter per app, so two apps in one process (tests) never share counters or storage.
    limiter = Limiter(
        key_func=_client_address,
        app=app,
        storage_uri=str(app.config["RATELIMIT_STORAGE_URL"]),
        key_prefix=str(app.config["RATELIMIT_KEY_PREFIX"]),
        strategy="fixed-window",
        headers_enabled=True,
        # If Redis goes away, keep limiting in this process rather than failing every request.
        in_memory_fallback_enabled=True,
    )
    app.extensions["catalogue_limiter"] = limiter
    for endpoint, (key, methods) in RATE_LIMITS.items():
        view = app.view_functions[endpoint]
        app.view_functions[endpoint] = limiter.limit(_limit_of(app, key), methods=methods)(view)


def _limit_of(app: Flask, key: str) -> Callable[[], str]:
    return lambda: str(app.config[key])
