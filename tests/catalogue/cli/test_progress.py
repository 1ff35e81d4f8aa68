"""Progress on long work: a bar on a terminal, nothing when piped or asked for ``--json``.

``reindex`` and ``seed`` run as the real ``flask`` executable with stdout on a pseudo-terminal
(``pty``) or a pipe; ``import``, ``export`` and ``harvest`` are checked through the callback
their services take, against counts computed from the data.
"""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml
from pytest_httpserver import HTTPServer
from sqlalchemy import func
from sqlalchemy import select as sql_select

from catalogue.models import Component
from catalogue.services import harvesting
from catalogue.services.exporting import export
from catalogue.services.importing import import_files
from tests.conftest import ROOT

DATA_DIR = ROOT / "data"
DUTCH = DATA_DIR / "publiccode" / "dutch"
FLASK = Path(sys.executable).with_name("flask")
TIMEOUT = 300.0
# What click's bar prints: the bar's brackets, the count and the percentage.
BAR_END = "100%"
# How click ends the bar's line on a terminal: the cursor shown again, then a newline.
BAR_DONE = "\x1b[?25h\n"


def _env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "CATALOGUE_ENV": "testing",
        "CATALOGUE_DATABASE_URL": database_url,
        "CATALOGUE_SEARCH_INDEX_DIR": str(tmp_path / "index"),
    }


def _on_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """Run ``flask --app app catalogue ARGS`` with stdout on a pseudo-terminal."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(  # noqa: S603 - our own executable and arguments
        [str(FLASK), "--app", "app", "catalogue", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=subprocess.PIPE,
    )
    os.close(terminal)
    received = bytearray()
    deadline = time.monotonic() + TIMEOUT
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 1.0)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            received += chunk
        code = process.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        os.close(controller)
    assert process.stderr is not None
    errors = process.stderr.read().decode()
    process.stderr.close()
    # The terminal turns every "\n" into "\r\n".
    return code, received.decode().replace("\r\n", "\n"), errors


def _piped(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own executable and arguments
        [str(FLASK), "--app", "app", "catalogue", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False,
    )  # fmt: skip


def _shows_bar(output: str, label: str, total: int) -> None:
    bar_lines = [part for part in output.split("\r") if label in part]
    assert bar_lines, output
    final = bar_lines[-1]
    assert f"{total}/{total}" in final and BAR_END in final, final
    assert "[" in final and "#" in final, final
    # The bar counted up: the first drawing is before any item was done.
    assert f"0/{total}" in bar_lines[0], bar_lines[0]


def _no_bar(output: str, label: str) -> None:
    assert label not in output
    assert "\r" not in output and "\x1b" not in output and "%" not in output


def _components(database_url: str) -> int:
    from sqlalchemy import create_engine

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(sql_select(func.count(Component.id))) or 0
    finally:
        engine.dispose()


# ---------------------------------------------------------------- reindex, for real


def test_reindex_shows_a_bar_on_a_terminal_only(database_url: str, tmp_path: Path) -> None:
    env = _env(database_url, tmp_path)
    total = _components(database_url)
    assert total > 0
    summary = f"search index rebuilt with {total} documents (whoosh)\n"

    code, output, errors = _on_terminal(["reindex"], env)
    assert code == 0, errors
    _shows_bar(output, "Indexing components", total)
    # The bar's line is ended before the summary, which stays the last line as it was.
    assert output.endswith(BAR_DONE + summary), output

    piped = _piped(["reindex"], env)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == summary

    code, output, errors = _on_terminal(["reindex", "--json"], env)
    assert code == 0, errors
    _no_bar(output, "Indexing components")
    assert json.loads(output) == {"documents": total, "backend": "whoosh"}
    assert output == json.dumps({"documents": total, "backend": "whoosh"}) + "\n"


# ---------------------------------------------------------------- seed, for real


def _small_data_dir(target: Path) -> int:
    """A dozen of the real components with the real municipalities and the part of GEMMA they
    name; returns the number of components."""
    catalogue = yaml.safe_load((DATA_DIR / "components.yaml").read_text(encoding="utf-8"))
    # Entries that require no other component, so the dozen stands on its own.
    chosen = [entry for entry in catalogue["components"] if not entry.get("requires")][:12]
    for entry in chosen:
        if entry.get("publiccode"):
            copy = target / entry["publiccode"]
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(DATA_DIR / entry["publiccode"], copy)
    catalogue["components"] = chosen
    (target / "gemma").mkdir(parents=True)
    (target / "municipalities").mkdir()
    (target / "components.yaml").write_text(
        yaml.safe_dump(catalogue, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    # The reference components and standards the components name; the rest of GEMMA only
    # makes each of the three runs slower.
    with (DATA_DIR / "gemma" / "gemma.yaml").open("rb") as handle:
        gemma = yaml.load(handle, Loader=yaml.CSafeLoader)  # noqa: S506 - a safe loader
    kept = {"meta", "reference_components", "standards"}
    (target / "gemma" / "gemma.yaml").write_text(
        yaml.safe_dump({key: value if key in kept else [] for key, value in gemma.items()}),
        encoding="utf-8",
    )
    municipalities = target / "municipalities"
    shutil.copyfile(
        DATA_DIR / "municipalities" / "municipalities.csv", municipalities / "municipalities.csv"
    )
    with (DATA_DIR / "municipalities" / "usage_claims.csv").open(encoding="utf-8") as claims:
        (municipalities / "usage_claims.csv").write_text(claims.readline(), encoding="utf-8")
    return len(chosen)


def test_seed_shows_a_bar_on_a_terminal_only(database_url: str, tmp_path: Path) -> None:
    env = _env(database_url, tmp_path)
    data_dir = tmp_path / "data"
    total = _small_data_dir(data_dir)

    code, output, errors = _on_terminal(["seed", "--data-dir", str(data_dir)], env)
    assert code == 0, errors
    _shows_bar(output, "Seeding components", total)
    assert BAR_DONE in output, output
    summary = output.rpartition(BAR_DONE)[2]
    assert summary.startswith("GEMMA: "), output
    assert f"; {total} components (" in summary

    piped = _piped(["seed", "--data-dir", str(data_dir)], env)
    assert piped.returncode == 0, piped.stderr
    _no_bar(piped.stdout, "Seeding components")
    # Seeding is idempotent: the same report, without the bar.
    assert piped.stdout == summary

    code, output, errors = _on_terminal(["seed", "--data-dir", str(data_dir), "--json"], env)
    assert code == 0, errors
    _no_bar(output, "Seeding components")
    report = json.loads(output)
    assert output == json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    assert report["components"] == total
    assert summary.startswith(f"GEMMA: {report['gemma_elements']} elements, ")


# ---------------------------------------------------------------- the services' callbacks


class Recorder:
    """A progress callback that keeps every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def __call__(self, done: int, total: int) -> None:
        self.calls.append((done, total))

    def assert_counted_up_to(self, total: int) -> None:
        """Called with (0, total), then once per item, ending at (total, total)."""
        assert self.calls == [(done, total) for done in range(total + 1)], self.calls


def test_import_tells_progress_per_file(app: Any, tmp_path: Path) -> None:
    paths = sorted(DUTCH.glob("*.yml"))[:5]
    paths.append(tmp_path / "broken.yml")
    paths[-1].write_text("name: x\nurl: [unclosed\n", encoding="utf-8")
    recorder = Recorder()
    with app.extensions["catalogue_db"].session() as session:
        outcomes = import_files(session, paths, dry_run=True, progress=recorder)
        session.rollback()
    assert [outcome.source for outcome in outcomes] == [str(path) for path in paths]
    assert not outcomes[-1].accepted
    recorder.assert_counted_up_to(len(paths))


def test_export_tells_progress_per_component(app: Any, tmp_path: Path) -> None:
    recorder = Recorder()
    with app.extensions["catalogue_db"].session() as session:
        total = session.scalar(sql_select(func.count(Component.id))) or 0
        export(session, tmp_path / "out", progress=recorder)
    exported = yaml.safe_load((tmp_path / "out" / "components.yaml").read_text(encoding="utf-8"))
    assert total > 0
    assert len(exported["components"]) == total
    recorder.assert_counted_up_to(total)


def test_harvest_tells_progress_per_source(
    app: Any, httpserver: HTTPServer, tmp_path: Path
) -> None:
    from catalogue.harvest_fetch import Fetcher

    names = ("open-zaak__open-zaak", "developer-overheid-nl__don-crawler")
    for name in names:
        httpserver.expect_request(f"/{name}.yml").respond_with_data(
            (DUTCH / f"{name}.yml").read_bytes()
        )
    httpserver.expect_request("/weg.yml").respond_with_data("Not Found", status=404)
    urls = [httpserver.url_for(f"/{name}.yml") for name in (*names, "weg")]
    sources = tmp_path / "SOURCES.yaml"
    sources.write_text("".join(f"- url: {url}\n" for url in urls), encoding="utf-8")
    recorder = Recorder()
    results = harvesting.run(
        app.extensions["catalogue_db"],
        sources,
        Fetcher(contact_url="https://example.org/bronnen", backoff=0.01),
        harvesting.Settings(
            github_api_url=httpserver.url_for("/github"),
            gitlab_api_url=httpserver.url_for("/gitlab"),
            dry_run=True,
        ),
        progress=recorder,
    )
    assert [result.source for result in results] == urls
    assert [result.status for result in results][-1] == harvesting.FAILED
    recorder.assert_counted_up_to(len(urls))


def test_a_rebuild_tells_progress_per_document(app: Any) -> None:
    from catalogue.search import get_service, init_app

    init_app(app)
    recorder = Recorder()
    count = get_service(app).rebuild(progress=recorder)
    with app.extensions["catalogue_db"].session() as session:
        total = session.scalar(sql_select(func.count(Component.id))) or 0
    assert count == total > 0
    recorder.assert_counted_up_to(total)
