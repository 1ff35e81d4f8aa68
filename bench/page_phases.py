"""Where an uncached page's time goes, phase by phase, in CPU time of the serving thread.

    python bench/page_phases.py DIR [--count 300] [--warm 50]

``DIR`` is an instance as ``bench/http.sh`` builds it (``BENCH_INSTANCES=...`` keeps them):
``catalogue.db``, ``search-index/`` and ``urls/{components,search}.txt``. The app runs
in-process (Flask's test client, no server, page cache off), over ``--count`` distinct URLs of
each page kind after an untimed pass over others. Each phase is timed with
``time.thread_time()`` around the functions the views call, so time the thread spends waiting for
a CPU (on a shared, loaded machine) is not counted: the figures hold up better under load than
wall-clock times, though caches shared with other processes still slow them. ``/health`` runs in
the same process as the floor.

Prints a Markdown table per page kind: mean ms per request of each phase, and of the whole
request (``wsgi_app``: Flask's request handling, hooks included).
"""

from __future__ import annotations

import argparse
import collections
import functools
import itertools
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SPENT: collections.defaultdict[str, float] = collections.defaultdict(float)
# A word no catalogue has.
NOTHING = "qxzvqxzv"


def timed(owner: Any, name: str, label: str) -> None:
    """Replace ``owner.name`` by the same function that adds its thread time to ``label``
    (nothing when ``owner`` has no such function: an older version of the code)."""
    function: Callable[..., Any] | None = getattr(owner, name, None)
    if function is None:
        return

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            SPENT[label] += time.thread_time() - started

    setattr(owner, name, wrapper)


def instrument() -> None:
    """The phases of the component page and the search page (catalogue/web/pages.py, search.py)."""
    import catalogue.web.pages as pages
    import catalogue.web.search as search_page

    timed(pages, "read_component", "read the component (one statement)")
    timed(pages.graph_service, "component_graph", "dependency graph")
    timed(pages, "markdown_to_html", "description Markdown")
    timed(pages, "render_svg", "graph SVG")
    timed(pages, "contribution_panel", "contribution panel")
    timed(pages, "render_template", "render the component page")
    timed(search_page, "search_catalogue", "search (with recovery)")
    timed(search_page, "_groups", "facet groups")
    timed(search_page, "result_cards", "result cards")  # before the CardCache
    if hasattr(search_page, "CardCache"):
        timed(search_page.CardCache, "cards", "result cards")
    timed(search_page, "_cards_html", "result cards' HTML")
    timed(search_page, "render_template", "render the search page")


def measure(client: Any, app: Any, urls: list[str], count: int, warm: int = 50) -> dict[str, float]:
    """Mean thread ms per request of each phase over ``count`` URLs after ``warm`` others."""
    timed_app = {"wsgi_app": app.wsgi_app}

    def whole(environ: Any, start_response: Any) -> Any:
        started = time.thread_time()
        try:
            return timed_app["wsgi_app"](environ, start_response)
        finally:
            SPENT["whole request (wsgi_app)"] += time.thread_time() - started

    app.wsgi_app = whole
    if len(urls) < warm + count:
        # A small catalogue (the seed's 102 component pages): its URLs again, in turn (the page
        # cache is off, so each is rendered again).
        urls = list(itertools.islice(itertools.cycle(urls), warm + count))
    first, measured = urls[:warm], urls[warm : warm + count]
    for url in first:
        client.get(url)
    if any(url.startswith("/componenten?") for url in first):
        # "Did you mean" counts the index's words on the first search that finds nothing (once
        # per opened index and worker); done here, so the figures are of the pages in use.
        SPENT.clear()
        client.get(f"/componenten?q={NOTHING}")
        once = SPENT["whole request (wsgi_app)"] * 1000
        print(f"first search without results (counts the words for suggestions): {once:.0f} ms\n")
    SPENT.clear()
    for url in measured:
        response = client.get(url)
        if response.status_code != 200:
            msg = f"{url}: {response.status_code}"
            raise SystemExit(msg)
    app.wsgi_app = timed_app["wsgi_app"]
    return {label: seconds * 1000 / len(measured) for label, seconds in SPENT.items()}


def in_process_settings(directory: Path) -> dict[str, str]:
    """The settings of the app run in-process on an instance ``bench/http.sh`` kept in
    ``directory``: its SQLite catalogue and Whoosh index, the page cache off, production (unless
    the environment says otherwise)."""
    return {
        "CATALOGUE_DATABASE_URL": f"sqlite:///{directory / 'catalogue.db'}",
        "CATALOGUE_SEARCH_INDEX_DIR": str(directory / "search-index"),
        "CATALOGUE_SEARCH_BACKEND": "whoosh",
        "CATALOGUE_AUTO_SEED": "false",
        "CATALOGUE_PAGE_CACHE_SIZE": "0",
        "CATALOGUE_ENV": os.environ.get("CATALOGUE_ENV", "production"),
        "CATALOGUE_SECRET_KEY": os.environ.get("CATALOGUE_SECRET_KEY", "bench-" + "k" * 40),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance", type=Path)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument(
        "--warm",
        type=int,
        default=50,
        help="untimed URLs of each kind first (a worker that has served many pages has its "
        "kept result cards, snippets and postings; 50 is nearly a fresh one)",
    )
    arguments = parser.parse_args(argv)
    directory = arguments.instance.resolve()
    os.environ.update(in_process_settings(directory))
    instrument()
    from app import create_app

    app = create_app()
    client = app.test_client()
    rng = random.Random(1)
    kinds = {
        "component page": (directory / "urls" / "components.txt"),
        "search page": (directory / "urls" / "search.txt"),
    }
    health = measure(client, app, ["/health"] * (arguments.count + 50), arguments.count)
    floor = health["whole request (wsgi_app)"]
    print(f"load average at the start: {os.getloadavg()[0]:.2f}\n")
    for kind, path in kinds.items():
        urls = path.read_text(encoding="utf-8").split()
        rng.shuffle(urls)
        phases = measure(client, app, urls, arguments.count, arguments.warm)
        whole = phases.pop("whole request (wsgi_app)")
        print(f"| {kind} | ms per request (thread CPU) |\n|---|---:|")
        for label, ms in sorted(phases.items(), key=lambda item: -item[1]):
            print(f"| {label} | {ms:.2f} |")
        rest = whole - sum(phases.values())
        print(f"| the rest: request handling, hooks, other work of the view | {rest:.2f} |")
        print(f"| **whole request** | **{whole:.2f}** |")
        print(f"| `/health`, same process | {floor:.2f} |\n")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
