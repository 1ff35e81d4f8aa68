"""The Flask extensions and per-app services, created here once and bound in ``create_app``.

CSRF protection, Flask-Babel and Flask-Login are created unbound at import and bound to each app
by :func:`init_app`. The database and the rate limiter hold an app's own connections and
counters, so :func:`init_app` and :func:`init_limiter` make one of each per app: two apps in one
process (the tests) never share a pool, storage or counters. A module that needs one imports it
from here (the module objects) or reads it from ``app.extensions`` (the per-app ones, under
``catalogue_db`` and ``catalogue_limiter``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from babel import Locale
from flask import Flask, request, session
from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from catalogue.db import Database

DATABASE = "catalogue_db"
LIMITER = "catalogue_limiter"

csrf = CSRFProtect()
babel = Babel()


class _LoginManager(LoginManager):
    """Flask-Login's manager, with its session check skipped for an empty session.

    Flask-Login hashes the client's address and browser (SHA-512) on every request that asks who
    the user is, before it looks at the session; an empty session (a reader who never signed in:
    nearly every request for a page) has nothing to check, and Flask-Login then lets it pass.
    """

    def _session_protection_failed(self) -> bool:
        if not session:
            return False
        return bool(super()._session_protection_failed())


login_manager = _LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Log in om verder te gaan.")
login_manager.login_message_category = "info"
# "strong": a session cookie used from another browser or address is dropped, remember cookie too.
login_manager.session_protection = "strong"

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


def init_app(app: Flask, *, locale_selector: Callable[[], Locale | str | None]) -> None:
    """Bind CSRF, Babel and Flask-Login to ``app`` and give it its own database."""
    app.extensions[DATABASE] = Database(app.config["DATABASE_URL"])
    csrf.init_app(app)
    babel.init_app(app, locale_selector=locale_selector, default_locale="nl")
    login_manager.init_app(app)


def _client_address() -> str:
    return request.remote_addr or "unknown"


def init_limiter(app: Flask) -> Limiter:
    """Give ``app`` its own rate limiter and wrap the views of :data:`RATE_LIMITS` in it.

    Call after the blueprints are registered: it wraps their view functions.
    """
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
    app.extensions[LIMITER] = limiter
    for endpoint, (key, methods) in RATE_LIMITS.items():
        # Flask-Limiter's decorator is typed for sync and async views alike; ours are sync.
        limited: Any = limiter.limit(_limit_of(app, key), methods=methods)(
            app.view_functions[endpoint]
        )
        app.view_functions[endpoint] = limited
    return limiter


def _limit_of(app: Flask, key: str) -> Callable[[], str]:
    return lambda: str(app.config[key])
