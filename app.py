"""Composition root: ``create_app()`` wires config, extensions, blueprints, error handlers and CLI."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent


class ConfigurationError(RuntimeError):
    """The app cannot start with this configuration."""


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app.

    Configuration is read in this order, later wins: the defaults below, the instance
    ``config.py``, environment variables prefixed ``CATALOGUE_``, then ``test_config``.
    """
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    instance = Path(app.instance_path)
    app.config.from_mapping(
        # "production" refuses to start without a secret key; "development" and "testing" relax that.
        ENV="production",
        # Signs sessions and CSRF tokens. Required in production.
        SECRET_KEY=None,
        # SQLAlchemy URL. SQLite is the embedded default; PostgreSQL in production.
        DATABASE_URL=f"sqlite:///{instance / 'catalogue.db'}",
        # Where the Whoosh index lives (a derived cache; the database is the truth).
        SEARCH_INDEX_DIR=str(instance / "search-index"),
        # "whoosh" (default) or "postgres" (full-text in PostgreSQL, for several web nodes).
        SEARCH_BACKEND="whoosh",
        # Apply the search outbox to the index right after each commit (the single writer).
        SEARCH_WRITE_AFTER_COMMIT=True,
        # Rebuild the index in-process when it is missing or corrupt.
        SEARCH_REBUILD_WHEN_MISSING=True,
        # The folder with components.yaml, GEMMA and municipality data that `seed` loads.
        DATA_DIR=str(ROOT / "data"),
        # Create the schema and seed the catalogue on first start when the database is empty.
        AUTO_SEED=False,
        # Languages offered; the first is the default.
        LANGUAGES=["nl", "en"],
        # Compiled gettext catalogues (scripts/translations.sh updates them).
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "catalogue" / "translations"),
        # Items per page in lists.
        PER_PAGE=20,
        # Rendered pages kept per worker for anonymous readers (0 turns the cache off).
        PAGE_CACHE_SIZE=512,
        # Largest request body we accept (publiccode.yml uploads are capped lower by the parser).
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        # Session cookie hardening; Secure is switched on for production below.
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=False,
        # Send HSTS; only meaningful behind https.
        HSTS=False,
        # Contributing (catalogue/contribute.py): rate-limit storage, memory:// or redis://host:port/db.
        RATELIMIT_STORAGE_URL="memory://",
        # Limits in Flask-Limiter notation for login (and TOTP), registration, validate and the token API.
        RATELIMIT_LOGIN="10 per minute; 50 per hour",
        RATELIMIT_REGISTER="5 per minute; 20 per hour",
        RATELIMIT_VALIDATE="60 per minute",
        RATELIMIT_TOKEN_API="30 per minute",  # noqa: S106 - a rate, not a password
        # "Stay logged in" lasts 3 days; the cookie is HttpOnly, SameSite=Lax, Secure in production.
        REMEMBER_COOKIE_DURATION=timedelta(days=3),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=False,
        # Harvester (`catalogue harvest`): the contact URL in its User-Agent; required to run it.
        HARVEST_CONTACT_URL=None,
        # Seconds per HTTP request, and for the whole run (the budget).
        HARVEST_TIMEOUT=20,
        HARVEST_BUDGET=1800,
        # Retries on 429 and 5xx (Retry-After is honoured), with backoff starting at this many seconds.
        HARVEST_RETRIES=3,
        HARVEST_BACKOFF=1.0,
        # Forge APIs that expand `github_org` / `gitlab_group`; tokens are optional.
        GITHUB_API_URL="https://api.github.com",
        GITLAB_API_URL="https://gitlab.com/api/v4",
        GITHUB_TOKEN=None,
        GITLAB_TOKEN=None,
        # E-mail (catalogue/mail.py). No SMTP_HOST: the site sends no e-mail and says so.
        SMTP_HOST=None,
        # 25 by default, 465 with SMTP_SSL; 587 is the usual port for STARTTLS.
        SMTP_PORT=None,
        # Log in to the server when both are set.
        SMTP_USERNAME=None,
        SMTP_PASSWORD=None,
        # STARTTLS on a plain connection, or TLS from the start (SMTP_SSL).
        SMTP_STARTTLS=False,
        SMTP_SSL=False,
        # The From address of every message.
        SMTP_SENDER="Componentenwijzer <componentenwijzer@localhost>",
        # Seconds to wait for the server before giving up (the page still answers).
        SMTP_TIMEOUT=10,
        # How long a password-reset link works, in seconds.
        PASSWORD_RESET_SECONDS=3600,
        # Requests for a reset link per client address (Flask-Limiter notation).
        RATELIMIT_PASSWORD_RESET="5 per hour; 20 per day",  # noqa: S106 - a rate, not a password
        # How many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host: 0 trusts
        # none (the default; a client could forge them), 1 for one load balancer, and so on.
        TRUSTED_PROXIES=0,
        # The site's public address, e.g. https://componentenwijzer.nl; the API's Link headers
        # are built from it, never from the request's Host header. Empty: this request's host.
        BASE_URL="",
        # Failed logins of one account within ACCOUNT_LOCKOUT_MINUTES before it is locked for
        # that long (on top of the per-address rate limit); 0 switches the lockout off.
        ACCOUNT_LOCKOUT_ATTEMPTS=10,
        ACCOUNT_LOCKOUT_MINUTES=15,
    )
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("CATALOGUE")
    if test_config is not None:
        app.config.from_mapping(test_config)

    _check_config(app)
    instance.mkdir(parents=True, exist_ok=True)
    trusted = int(app.config["TRUSTED_PROXIES"])
    if trusted > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # remote_addr (rate limits, audit log) becomes the client's address as the nearest
        # trusted proxy saw it; headers from further out are ignored.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=trusted, x_proto=trusted, x_host=trusted
        )

    from catalogue import cli, i18n, search, security
    from catalogue.db import Database
    from catalogue.web import (
        advice,
        api,
        compare,
        errors,
        health,
        landscape,
        page_cache,
        pages,
        quality,
        sources,
    )

    app.extensions["catalogue_db"] = Database(app.config["DATABASE_URL"])
    security.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    page_cache.init_app(app)
    pages.init_app(app)
    sources.init_app(app)
    search.init_app(app)
    compare.init_app(app)
    api.init_app(app)
    from catalogue import contribute

    contribute.init_app(app)
    advice.init_app(app)
    quality.init_app(app)
    landscape.init_app(app)
    health.init_app(app)
    cli.init_app(app)

    if app.config["AUTO_SEED"]:
        from catalogue.services import seeding

        seeding.ensure_seeded(app.extensions["catalogue_db"], Path(app.config["DATA_DIR"]))
    return app


def _check_config(app: Flask) -> None:
    env = app.config["ENV"]
    if env not in {"production", "development", "testing"}:
        msg = f"CATALOGUE_ENV must be production, development or testing, not {env!r}"
        raise ConfigurationError(msg)
    if env == "production":
        if not app.config.get("SECRET_KEY"):
            msg = (
                "CATALOGUE_SECRET_KEY is not set. The app refuses to start in production "
                "without it. Set it to a long random value, or set CATALOGUE_ENV=development."
            )
            raise ConfigurationError(msg)
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["HSTS"] = True
    elif not app.config.get("SECRET_KEY"):
        # Development and tests: a throwaway key, so nobody ships a guessable constant.
        app.config["SECRET_KEY"] = os.urandom(32).hex()
