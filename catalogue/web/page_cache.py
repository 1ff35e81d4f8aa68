"""Rendered pages kept in memory per worker, for anonymous readers, keyed by the catalogue's
generation: a change anywhere in the catalogue makes every cached page stale at once.

Only anonymous GET requests are cached (a signed-in user sees their own links and tokens), and
only successful HTML answers. The cache is bounded (least recently used goes first).
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, g, make_response, request
from flask_login import current_user

from catalogue.services.state import current_generation, install
from catalogue.web.context import db_session

EXTENSION = "catalogue_page_cache"


class PageCache:
    """A bounded, thread-safe LRU map from a request's key to a rendered page."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._pages: OrderedDict[tuple[Any, ...], tuple[bytes, int, str, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> tuple[bytes, int, str, str] | None:
        """The stored page, freshly used; None when absent."""
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: tuple[Any, ...], page: tuple[bytes, int, str, str]) -> None:
        """Store a page, dropping the least recently used beyond the size."""
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)


def cached_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Serve ``view`` from the cache for anonymous GETs while the catalogue is unchanged."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        cache: PageCache | None = current_app.extensions.get(EXTENSION)
        if request.method != "GET" or current_user.is_authenticated:
            return view(*args, **kwargs)
        # An anonymous GET of a public page: the same page for every reader, so it carries no
        # reader's CSRF token (nor the session cookie that holds it), whether or not a cache
        # keeps it.
        g.page_cacheable = True
        if cache is None:
            return view(*args, **kwargs)
        key = (
            request.full_path,
            g.get("lang", "nl"),
            # htmx asks for a fragment, or for the whole page when it restores history.
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-History-Restore-Request", ""),
            current_generation(db_session()),
        )
        page = cache.get(key)
        if page is None:
            response = make_response(view(*args, **kwargs))
            if (
                response.status_code != 200
                or response.mimetype != "text/html"
                or g.get("no_page_cache")
            ):
                return response
            page = (
                response.get_data(),
                response.status_code,
                response.mimetype,
                response.headers.get("Vary", ""),
            )
            cache.put(key, page)
        body, status, mimetype, vary = page
        response = Response(body, status=status, mimetype=mimetype)
        if vary:
            response.headers["Vary"] = vary
        return response

    return wrapper


def init_app(app: Flask) -> None:
    """Count catalogue changes and keep a page cache (``PAGE_CACHE_SIZE`` pages; 0 turns it off)."""
    install(app.extensions["catalogue_db"].session_factory)
    size = int(app.config.get("PAGE_CACHE_SIZE", 0))
    if size > 0:
        app.extensions[EXTENSION] = PageCache(size)
