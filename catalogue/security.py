"""Security defaults: CSRF on every form, strict headers, no inline script or style."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, abort, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter, Map

# No 'unsafe-inline' anywhere: every script and style is a file under static/.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# No request body we accept nests deeper than this; JSON 1,000 deep would exhaust the stack.
MAX_JSON_DEPTH = 32


def json_depth(value: Any) -> int:
    """How deep lists and objects nest in ``value`` (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth + 1)
        stack.extend((child, depth + 1) for child in children)
    return deepest


class LimitedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing documents that nest too deep (a ValueError: Flask answers 400)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse, then refuse what nests deeper than :data:`MAX_JSON_DEPTH`."""
        try:
            value = super().loads(s, **kwargs)
        except RecursionError as error:
            msg = "JSON nested too deep"
            raise ValueError(msg) from error
        if json_depth(value) > MAX_JSON_DEPTH:
            msg = f"JSON nested deeper than {MAX_JSON_DEPTH}"
            raise ValueError(msg)
        return value


# Our ids are INTEGER columns: a larger number in a URL can name nothing, and the databases
# refuse to even compare it (SQLite: OverflowError; PostgreSQL: out of range).
MAX_ID = 2_147_483_647


class BoundedIntegerConverter(IntegerConverter):
    """``<int:...>`` that matches only what an INTEGER column can hold; anything larger is a 404."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Limit JSON depth and ids, refuse NUL in query strings, add headers.

    CSRF protection itself is bound with the other extensions (catalogue/extensions.py).
    """
    app.json = LimitedJSONProvider(app)
    app.url_map.converters["int"] = BoundedIntegerConverter

    @app.before_request
    def _refuse_nul() -> None:
        # PostgreSQL stores and compares no text with NUL; no query or path of ours needs one.
        # (Form fields get a field error instead: catalogue.web.forms.Form.)
        if "\x00" in request.path or any(
            "\x00" in k + v for k, v in request.args.items(multi=True)
        ):
            abort(400)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config["HSTS"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
