"""Languages: Dutch by default, English as a switch (``?lang=en``, remembered in a cookie)."""

from __future__ import annotations

from flask import Flask, Response, g, request

LANGUAGE_COOKIE = "lang"


def select_locale() -> str:
    """The language of this request: ``?lang=``, then the cookie, then Dutch."""
    from flask import current_app

    offered = current_app.config["LANGUAGES"]
    for candidate in (request.args.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if candidate in offered:
            return str(candidate)
    return str(offered[0])


def init_app(app: Flask) -> None:
    """Remember an explicit language choice (Flask-Babel is bound in catalogue/extensions.py)."""

    @app.before_request
    def _language() -> None:
        g.lang = select_locale()

    @app.after_request
    def _remember_language(response: Response) -> Response:
        chosen = request.args.get("lang")
        if chosen in app.config["LANGUAGES"] and request.cookies.get(LANGUAGE_COOKIE) != chosen:
            response.set_cookie(
                LANGUAGE_COOKIE,
                chosen,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                secure=app.config["SESSION_COOKIE_SECURE"],
                httponly=True,
            )
        response.vary.add("Cookie")
        return response
