"""Composition root: ``create_app()`` wires config, extensions, blueprints, error handlers and CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from catalogue import config
from catalogue.config import ConfigurationError
from catalogue.i18n import LanguageEnvironment

ROOT = Path(__file__).resolve().parent


class CatalogueApp(Flask):
    """Flask, with templates compiled per language (catalogue/i18n.py, ``LanguageEnvironment``)."""

    jinja_environment = LanguageEnvironment


__all__ = ["ConfigurationError", "create_app"]


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app.

    Configuration is read in this order, later wins: the declarations in catalogue/config.py,
    the instance ``config.py``, environment variables prefixed ``CATALOGUE_``, then
    ``test_config``.
    """
    app = CatalogueApp(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    instance = Path(app.instance_path)
    app.config.from_mapping(config.defaults(instance))
    app.config.from_pyfile("config.py", silent=True)
    # Flask's own keys that we do not declare (SESSION_COOKIE_NAME, ...) still come through;
    # the declared ones are then read again by their own parsers.
    app.config.from_prefixed_env("CATALOGUE")
    app.config.from_mapping(config.from_environment())
    if test_config is not None:
        app.config.from_mapping(test_config)
    config.settle(app.config)
    instance.mkdir(parents=True, exist_ok=True)

    trusted = int(app.config["TRUSTED_PROXIES"])
    if trusted > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # remote_addr (rate limits, audit log) becomes the client's address as the nearest
        # trusted proxy saw it; headers from further out are ignored.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=trusted, x_proto=trusted, x_host=trusted
        )

    from catalogue import cli, extensions, i18n, search, security
    from catalogue.web import (
        admin,
        advice,
        api,
        api_contribute,
        auth,
        compare,
        contribute,
        errors,
        health,
        landscape,
        members,
        page_cache,
        pages,
        quality,
        review,
        sources,
    )
    from catalogue.web import search as search_pages

    extensions.init_app(app, locale_selector=i18n.babel_locale)
    security.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    page_cache.init_app(app)
    pages.init_app(app)
    sources.init_app(app)
    search.init_app(app)
    search_pages.init_app(app)
    compare.init_app(app)
    api.init_app(app)
    auth.init_app(app)
    contribute.init_app(app)
    review.init_app(app)
    admin.init_app(app)
    members.init_app(app)
    api_contribute.init_app(app)
    advice.init_app(app)
    quality.init_app(app)
    landscape.init_app(app)
    health.init_app(app)
    # After every blueprint: the limiter wraps their views.
    extensions.init_limiter(app)
    cli.init_app(app)

    if app.config["AUTO_SEED"]:
        from catalogue.services import seeding

        seeding.ensure_seeded(app.extensions["catalogue_db"], Path(app.config["DATA_DIR"]))
    return app
