"""One table maps domain errors to status codes; pages get HTML, the API problem+json."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, g, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from catalogue.db import UNAVAILABLE_ERRORS
from catalogue.errors import Conflict, FieldError, NotAuthorized, NotFound, ValidationError
from catalogue.web.messages import translate

# Seconds a client should wait before trying again when the database is away.
RETRY_AFTER_SECONDS = 30

STATUS_BY_ERROR: dict[type[Exception], int] = {
    NotFound: 404,
    NotAuthorized: 403,
    Conflict: 409,
    ValidationError: 422,
}


def wants_json() -> bool:
    """True for the API and for clients that prefer JSON over HTML."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _titles() -> dict[int, str]:
    return {
        400: _("Dit verzoek klopt niet"),
        403: _("U mag dit niet doen"),
        404: _("Deze pagina bestaat niet"),
        405: _("Deze actie kan hier niet"),
        409: _("Iemand anders heeft dit intussen gewijzigd"),
        413: _("Het bestand is te groot"),
        422: _("De invoer is niet goed"),
        429: _("Te veel verzoeken"),
        500: _("Er ging iets mis aan onze kant"),
        503: _("De catalogus is even niet bereikbaar"),
    }


def problem(status: int, detail: str | None = None, **extra: Any) -> Response:
    """Render an error in the form the client asked for.

    ``detail``, and each message of ``errors`` (field -> messages), may be a
    :class:`~catalogue.errors.FieldError`. The API answers its English text with its code beside
    it: ``code`` and ``params`` for the detail, and ``codes`` (field -> ``{"code", "params"}``,
    in the same place as the message in ``errors``; ``code`` null for a message without one).
    A page shows the messages in the reader's language.
    """
    title = _titles().get(status, _("Fout"))
    errors = extra.get("errors")
    if wants_json():
        body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
        if detail:
            body["detail"] = str(detail)
            if isinstance(detail, FieldError):
                body.update(coded(detail))
        if isinstance(errors, Mapping) and "codes" not in extra:
            body["codes"] = {field: [coded(m) for m in ms] for field, ms in errors.items()}
        body.update(extra)
        response = jsonify(body)
        response.status_code = status
        response.mimetype = "application/problem+json"
        return response
    if detail:
        detail = translate(detail)
    if isinstance(errors, Mapping):
        extra["errors"] = {field: [translate(m) for m in ms] for field, ms in errors.items()}
    template = f"errors/{status}.html" if status in (403, 404, 500) else "errors/error.html"
    html = render_template(template, status=status, title=title, detail=detail, **extra)
    return Response(html, status=status, mimetype="text/html")


def coded(message: str) -> dict[str, Any]:
    """``{"code", "params"}`` of a message: a FieldError's code and parameters, else null."""
    if not isinstance(message, FieldError):
        return {"code": None, "params": {}}
    return {"code": message.code.value, "params": message.params_as_json()}


def _rollback() -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()


def init_app(app: Flask) -> None:
    """Register one handler per error family."""

    @app.errorhandler(NotFound)
    @app.errorhandler(NotAuthorized)
    @app.errorhandler(Conflict)
    def _domain_error(error: Exception) -> Response:
        _rollback()
        status = next(
            STATUS_BY_ERROR[kind] for kind in type(error).__mro__ if kind in STATUS_BY_ERROR
        )
        # A refused action carries its FieldError as its one argument: the API answers its
        # English text and code, a page its message in the reader's language (problem()).
        reason = error.args[0] if len(error.args) == 1 else None
        return problem(status, reason if isinstance(reason, FieldError) else str(error) or None)

    @app.errorhandler(ValidationError)
    def _validation_error(error: ValidationError) -> Response:
        _rollback()
        return problem(422, None, errors=error.errors)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        status = error.code or 500
        return problem(status, None)

    def _unavailable(error: Exception) -> Response:
        # The session is unusable; drop it quietly (a rollback may fail the same way).
        try:
            _rollback()
        except UNAVAILABLE_ERRORS:
            g.pop("db_session", None)
        current_app.logger.warning("database unavailable: %s", str(error).splitlines()[0])
        response = problem(503, _("Probeer het over een halve minuut opnieuw. Wij werken eraan."))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    for kind in UNAVAILABLE_ERRORS:
        app.register_error_handler(kind, _unavailable)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        # Roll back first so a broken transaction never leaks into the next request.
        _rollback()
        current_app.logger.exception("unhandled error", exc_info=error)
        return problem(500, None)
