"""The rotating HTTP benchmark's instruments: bench/_urls.py's URL lists, bench/rotate.lua, and
how bench/_report.py places and judges what they measure.

bench/_urls.py runs as bench/http.sh runs it (its own process, on the database URL), on a
private copy of the seeded catalogue; its URLs are then asked for through the app.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[2]
URLS = ROOT / "bench" / "_urls.py"
ROTATE = ROOT / "bench" / "rotate.lua"
WANTED = 2_000
# Every this-many-th search URL is asked for through the app (50 of the 2,000).
SAMPLE_EVERY = 40


def _write_urls(database_url: str, directory: Path) -> tuple[list[str], list[str]]:
    done = subprocess.run(  # noqa: S603 - our own interpreter and script, fixed arguments
        [sys.executable, str(URLS), database_url, str(directory), "--search", str(WANTED)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    read = lambda name: (directory / name).read_text(encoding="utf-8").splitlines()  # noqa: E731
    return read("search.txt"), read("components.txt")


@pytest.mark.slow
def test_the_search_urls_are_distinct_valid_and_answer(
    database_url: str, app: Any, client: Any, tmp_path: Path
) -> None:
    from catalogue.models import Component, GemmaElement, GemmaKind
    from catalogue.search.query import FACETS, UNKNOWN
    from catalogue.search.sync import load_documents

    search, components = _write_urls(database_url, tmp_path / "first")
    assert len(search) == WANTED
    assert len(set(search)) == WANTED
    # The same catalogue gives the same lists in the same order.
    assert (search, components) == _write_urls(database_url, tmp_path / "again")

    # Every facet value a URL filters on is one the catalogue's own search documents hold.
    database = app.extensions["catalogue_db"]
    with database.session() as session:
        documents = load_documents(session)
        slugs = set(session.scalars(select(Component.slug)))
        references = set(
            session.scalars(
                select(GemmaElement.name).where(GemmaElement.kind == GemmaKind.REFERENCE_COMPONENT)
            )
        )
    held = {
        facet.param: {v for d in documents for v in d["facets"][facet.name] if v != UNKNOWN}
        for facet in FACETS
    }
    kinds = {"filtered": 0, "page2": 0, "pair": 0, "reference": 0}
    for url in search:
        parts = urlsplit(url)
        assert parts.path == "/componenten", url
        arguments = parse_qs(parts.query)
        assert set(arguments) <= {"q", "page", *held}, url
        assert len(arguments["q"]) == 1 and arguments["q"][0].strip(), url
        for param in set(arguments) - {"q", "page"}:
            assert set(arguments[param]) <= held[param], url
            kinds["filtered"] += 1
        if "page" in arguments:
            assert arguments["page"] == ["2"], url
            kinds["page2"] += 1
        kinds["pair"] += len(arguments["q"][0].split()) == 2 and set(arguments) == {"q"}
        kinds["reference"] += arguments["q"][0] in references
    assert all(count >= 20 for count in kinds.values()), kinds

    for url in search[::SAMPLE_EVERY]:
        page = client.get(url)
        assert page.status_code == 200, url
        text = parse_qs(urlsplit(url).query)["q"][0]
        assert html.escape(text) in page.get_data(as_text=True), url

    # Every component page, each once.
    assert sorted(components) == sorted(f"/componenten/{slug}" for slug in slugs)
    for url in components[:: max(1, len(components) // 10)]:
        assert client.get(url).status_code == 200, url


class _Recorder(BaseHTTPRequestHandler):
    paths: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self.paths.append(self.path)
        body = b"ok\n"
        try:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            # wrk closes its connections when its time is up, mid-answer; the path was recorded.
            return

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def recording_server() -> Iterator[tuple[str, list[str]]]:
    """A tiny HTTP server on 127.0.0.1 that answers ok and records the paths asked for."""
    paths: list[str] = []
    handler = type("Handler", (_Recorder,), {"paths": paths})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", paths
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_rotate_lua_asks_for_every_path_in_turn(
    recording_server: tuple[str, list[str]], tmp_path: Path
) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from _report import parse_wrk

    base, asked = recording_server
    listed = [f"/componenten?q=woord{n}" for n in range(7)]
    urls = tmp_path / "urls.txt"
    urls.write_text("\n".join(listed) + "\n", encoding="utf-8")
    done = subprocess.run(  # noqa: S603 - wrk against our own server on 127.0.0.1
        ["wrk", "-t1", "-c1", "-d1s", "--latency", "-s", str(ROTATE), base, "--", str(urls), "1"],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(asked) >= len(listed) * 2
    # One connection, one thread: the paths in the file's order, round and round.
    assert asked[: len(listed) * 2] == listed * 2
    measured = parse_wrk(done.stdout)
    assert measured["rotate"]["requests"] == measured["requests"] <= len(asked)
    assert 0 < measured["rotate"]["p50"] <= measured["rotate"]["p95"] <= measured["rotate"]["max"]


def test_the_growth_block_goes_right_after_the_http_block() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from _report import replace_block

    text = (
        "<!-- http:start -->\nold\n<!-- http:end -->\n\n"
        "## By hand\n\n<!-- relevance:start -->\nr\n<!-- relevance:end -->\n"
    )
    placed = replace_block(text, "growth", "grows")
    assert placed.index("<!-- http:end -->") < placed.index("<!-- growth:start -->")
    assert placed.index("<!-- growth:end -->") < placed.index("## By hand")
    # Written again, it stays where it is and the other blocks stay as they were.
    again = replace_block(placed, "growth", "grows more")
    assert again == placed.replace("grows\n", "grows more\n")
    assert replace_block(again, "http", "new").count("<!-- growth:start -->") == 1


def _run(rps: float, p95: float = 10.0, requests: int = 100) -> dict[str, Any]:
    return {
        "rps": rps,
        "requests": requests,
        "non_2xx": 0,
        "socket_errors": 0,
        "distinct": 1,
        "rotate": {"p50": p95 / 2, "p95": p95, "p99": p95 * 2, "requests": requests},
    }


def _results(search: float, component: float, seed_search: float, page_p95: float) -> Any:
    health = {"health-before": _run(1000.0, p95=4.0), "health-after": _run(1000.0, p95=4.0)}
    timing = {"p50": 5.0, "p95": 10.0, "mean": 6.0, "max": 20.0}
    return {
        "settings": {
            "duration": 10,
            "warmup": 2,
            "latency_duration": 10,
            "connections": 8,
            "threads": 2,
            "workers": 2,
            "search_urls": 3000,
        },
        "machine": {
            "cpus": 2,
            "load": 1.0,
            "python": "3.11",
            "gunicorn": "27",
            "wrk": "wrk",
            "date": "2026-12-07",
        },
        "wall": {"build": 1.0, "measure": 1.0},
        "trivial": _run(1500.0),
        "catalogues": {
            "seed": {
                "components": 102,
                "seeded": 102,
                "runs": {**health, "search": _run(seed_search), "component": _run(500.0)},
            },
            "10000": {
                "components": 10000,
                "seeded": 102,
                "runs": {**health, "search": _run(search), "component": _run(component)},
            },
        },
        "latency": {
            "components": 10000,
            "health": _run(200.0, p95=4.0),
            "search": _run(20.0, p95=page_p95),
            "component": _run(30.0, p95=page_p95),
            "inprocess": {
                "queries": 100,
                "backend": "whoosh",
                "backend_ms": timing,
                "service_ms": timing,
            },
        },
    }


def test_the_report_judges_each_target_on_its_own_side_of_the_line() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from _report import rotate_markdown

    def verdicts(text: str) -> list[str]:
        rows = [line for line in text.splitlines() if line.startswith("| ") and "≥" in line]
        rows += [line for line in text.splitlines() if line.startswith("| ") and "≤" in line]
        return [row.rstrip(" |").rsplit("| ", 1)[-1] for row in rows]

    # /health 1,000 requests/s; backend p95 10 ms; /health p95 4 ms (one client).
    above = rotate_markdown(_results(160.0, 360.0, 410.0, page_p95=11.0))
    assert verdicts(above) == ["met"] * 5
    below = rotate_markdown(_results(140.0, 340.0, 390.0, page_p95=16.0))
    assert verdicts(below) == ["**not met**"] * 5
    # 1,000 of the trivial page's 1,500: 67%, so no explanation is asked for.
    assert "67% of it (at least 60%)" in above
