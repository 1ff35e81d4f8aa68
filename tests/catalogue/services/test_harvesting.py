"""The harvester against a real HTTP server on 127.0.0.1 (pytest-httpserver), never a mocked client.

Real publiccode.yml files from data/publiccode/, a 404, an HTML page, broken YAML, a conditional
re-fetch (ETag -> 304), a changed file, a disappeared file, retries with Retry-After, the size
limit, forge expansion, the lock, a dry run, and the SSRF rules for maintainer-registered sources.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from werkzeug import Request, Response

from catalogue.errors import ENGLISH, ErrorCode
from catalogue.harvest_fetch import Fetcher, UnsafeURL, check_public_url, retry_after
from catalogue.models import (
    Component,
    HarvestLock,
    HarvestRun,
    HarvestSource,
    HarvestSourceKind,
    ImportRecord,
)
from catalogue.publiccode import MAX_BYTES
from catalogue.services import harvesting
from tests.conftest import ROOT

DUTCH = ROOT / "data" / "publiccode" / "dutch"
# In the catalogue (seeded from this very file) and not in it (left out, see data/README.md).
OPEN_ZAAK = DUTCH / "open-zaak__open-zaak.yml"
DON_CRAWLER = DUTCH / "developer-overheid-nl__don-crawler.yml"
CONTACT = "https://example.org/bronnen"
KEYS = {"source", "status", "component", "errors", "warnings"}


@pytest.fixture
def harvest_app(database_url: str, tmp_path: Path, app_factory: Any) -> Iterator[Any]:
    """The app with a contact URL and fast retries."""
    from tests.conftest import close_app

    application = app_factory(
        database_url, tmp_path, HARVEST_CONTACT_URL=CONTACT, HARVEST_BACKOFF=0.01
    )
    yield application
    close_app(application)


def _harvest(app: Any, tmp_path: Path, entries: str, *args: str) -> tuple[int, Any, str]:
    sources = tmp_path / "SOURCES.yaml"
    sources.write_text(entries, encoding="utf-8")
    result = app.test_cli_runner().invoke(
        args=["catalogue", "harvest", *args, "--json", str(sources)]
    )
    try:
        return result.exit_code, json.loads(result.stdout), result.output
    except ValueError:
        return result.exit_code, None, result.output


def _count(app: Any, model: Any) -> int:
    with app.extensions["catalogue_db"].session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _by_source(report: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["source"]: item for item in report}


@pytest.mark.both_backends
def test_real_files_create_and_update_and_each_failure_fails_alone(
    harvest_app: Any, httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/oz.yml").respond_with_data(OPEN_ZAAK.read_bytes())
    httpserver.expect_request("/crawler.yml").respond_with_data(DON_CRAWLER.read_bytes())
    httpserver.expect_request("/weg.yml").respond_with_data("Not Found", status=404)
    httpserver.expect_request("/page.yml").respond_with_data(
        "<!doctype html><html><body>GitHub</body></html>", content_type="text/html"
    )
    httpserver.expect_request("/broken.yml").respond_with_data("name: x\nurl: [unclosed\n")
    httpserver.expect_request("/list.yml").respond_with_data("- a\n- b\n")
    urls = {
        n: httpserver.url_for(f"/{n}.yml")
        for n in ("oz", "crawler", "weg", "page", "broken", "list")
    }
    entries = "".join(f"- url: {u}\n" for u in urls.values())

    code, report, output = _harvest(harvest_app, tmp_path, entries)

    assert code == 1, output
    assert [item["source"] for item in report] == list(urls.values())
    assert all(set(item) == KEYS for item in report)
    got = _by_source(report)
    assert got[urls["oz"]]["status"] == "updated"
    assert got[urls["oz"]]["component"] == "open-zaak"
    assert got[urls["crawler"]]["status"] == "created"
    assert got[urls["crawler"]]["errors"] == []
    created = got[urls["crawler"]]["component"]
    for name in ("weg", "page", "broken", "list"):
        assert got[urls[name]]["status"] == "failed", name
        assert got[urls[name]]["errors"], name
        assert got[urls[name]]["component"] is None
    assert "404" in got[urls["weg"]]["errors"][0]["message"]
    assert "HTML" in got[urls["page"]]["errors"][0]["message"]
    broken = got[urls["broken"]]["errors"][0]
    assert (broken["line"], broken["column"]) == (3, 1)
    assert set(broken) == {"key", "line", "column", "message"}
    assert "mapping" in got[urls["list"]]["errors"][0]["message"]

    with harvest_app.extensions["catalogue_db"].session() as session:
        component = session.scalar(select(Component).where(Component.slug == created))
        assert component is not None
        assert component.url.endswith("don-crawler")
        sources = {s.url: s for s in session.scalars(select(HarvestSource))}
        assert sources[urls["crawler"]].component_id == component.id
        assert sources[urls["weg"]].last_status == "failed"
        # Each source keeps its errors as codes with parameters and the URL they concern.
        kept = {name: sources[urls[name]].last_errors[0] for name in ("weg", "page", "broken")}
        assert {name: (e["code"], e["url"]) for name, e in kept.items()} == {
            "weg": ("harvest_file_gone", urls["weg"]),
            "page": ("harvest_html_page", urls["page"]),
            "broken": ("harvest_file_refused", urls["broken"]),
        }
        assert kept["weg"]["params"] == {"status": 404}
        # The parser's error, in both its languages and with its own code.
        assert kept["broken"]["params"]["issue"] == "yaml-syntax"
        assert kept["broken"]["params"]["message_nl"].startswith("De YAML klopt niet")
        assert kept["broken"]["message"] == broken["message"]
        assert sources[urls["crawler"]].last_errors == []
        run = session.scalars(select(HarvestRun)).one()
        assert run.counts == {"created": 1, "updated": 1, "unchanged": 0, "failed": 4}
        assert session.scalars(select(HarvestLock)).all() == []


@pytest.mark.both_backends
def test_polite_conditional_refetch_then_a_changed_file(
    harvest_app: Any, httpserver: HTTPServer, tmp_path: Path
) -> None:
    body = {"text": DON_CRAWLER.read_text(encoding="utf-8"), "etag": '"v1"'}
    seen: list[dict[str, str]] = []

    def handler(request: Request) -> Response:
        seen.append(dict(request.headers))
        if request.headers.get("If-None-Match") == body["etag"]:
            return Response(status=304, headers={"ETag": body["etag"]})
        return Response(
            body["text"],
            headers={"ETag": body["etag"], "Last-Modified": "Mon, 07 Dec 2026 00:00:00 GMT"},
        )

    httpserver.expect_request("/p.yml").respond_with_handler(handler)
    url = httpserver.url_for("/p.yml")
    entries = f"- url: {url}\n"

    code, first, _ = _harvest(harvest_app, tmp_path, entries)
    assert code == 0
    assert first[0]["status"] == "created"
    records = _count(harvest_app, ImportRecord)

    code, second, _ = _harvest(harvest_app, tmp_path, entries)
    assert code == 0
    assert second[0]["status"] == "unchanged"
    assert second[0]["component"] == first[0]["component"]
    assert seen[1]["If-None-Match"] == '"v1"'
    assert seen[1]["If-Modified-Since"] == "Mon, 07 Dec 2026 00:00:00 GMT"
    assert "Componentenwijzer" in seen[0]["User-Agent"] and CONTACT in seen[0]["User-Agent"]
    assert _count(harvest_app, ImportRecord) == records  # unchanged writes nothing

    assert "developmentStatus: stable" in body["text"]
    body["text"] = body["text"].replace("developmentStatus: stable", "developmentStatus: beta", 1)
    body["etag"] = '"v2"'
    code, third, _ = _harvest(harvest_app, tmp_path, entries)
    assert code == 0
    assert third[0]["status"] == "updated"
    with harvest_app.extensions["catalogue_db"].session() as session:
        component = session.scalar(select(Component).where(Component.slug == third[0]["component"]))
        assert component is not None
        assert component.development_status == "beta"
        source = session.scalar(select(HarvestSource).where(HarvestSource.url == url))
        assert source is not None and source.etag == '"v2"'
    assert _count(harvest_app, HarvestRun) == 3


def test_a_disappeared_file_deletes_nothing_and_says_since_when(
    harvest_app: Any, httpserver: HTTPServer, tmp_path: Path
) -> None:
    state = {"gone": False}

    def handler(_request: Request) -> Response:
        if state["gone"]:
            return Response("Not Found", status=404)
        return Response(DON_CRAWLER.read_bytes())

    httpserver.expect_request("/p.yml").respond_with_handler(handler)
    entries = f"- url: {httpserver.url_for('/p.yml')}\n"
    _, first, _ = _harvest(harvest_app, tmp_path, entries)
    components = _count(harvest_app, Component)
    state["gone"] = True

    code, second, _ = _harvest(harvest_app, tmp_path, entries)

    assert code == 1
    assert second[0]["status"] == "failed"
    assert second[0]["component"] == first[0]["component"]
    today = dt.date.today().isoformat()  # noqa: DTZ011
    # The report speaks English (the CLI's language); the pages word the code (test_sources.py).
    assert f"has not been found at the source since {today}" in second[0]["errors"][0]["message"]
    assert _count(harvest_app, Component) == components
    with harvest_app.extensions["catalogue_db"].session() as session:
        source = session.scalars(select(HarvestSource)).one()
        assert source.missing_since == dt.date.today()  # noqa: DTZ011
        name = session.scalar(select(Component.name).where(Component.slug == first[0]["component"]))
        # The source keeps the code, its parameters and the URL, not words in one language.
        assert source.last_errors == [
            {
                "key": "",
                "line": None,
                "column": None,
                "message": second[0]["errors"][0]["message"],
                "code": "harvest_file_gone_since",
                "params": {"status": 404, "name": name, "since": today},
                "url": source.url,
            }
        ]


def test_retries_on_503_honour_retry_after(
    harvest_app: Any, httpserver: HTTPServer, tmp_path: Path
) -> None:
    calls: list[int] = []

    def handler(_request: Request) -> Response:
        calls.append(1)
        if len(calls) < 3:
            return Response(
                "busy", status=503 if len(calls) == 1 else 429, headers={"Retry-After": "0"}
            )
        return Response(DON_CRAWLER.read_bytes())

    httpserver.expect_request("/p.yml").respond_with_handler(handler)
    code, report, _ = _harvest(harvest_app, tmp_path, f"- url: {httpserver.url_for('/p.yml')}\n")
    assert code == 0
    assert report[0]["status"] == "created"
    assert len(calls) == 3


def test_retry_after_beyond_the_budget_fails_that_source(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p.yml").respond_with_data(
        "busy", status=429, headers={"Retry-After": "3600"}
    )
    fetcher = Fetcher(contact_url=CONTACT, budget=60, backoff=0.01)
    fetched = fetcher.get(httpserver.url_for("/p.yml"))
    assert fetched.status == 429
    assert fetched.error is not None and "Retry-After" in fetched.error
    assert fetched.error.code == ErrorCode.FETCH_RETRY_BEYOND_BUDGET
    assert fetched.error.params == {"status": 429, "seconds": 3600}
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_the_importers_size_limit_holds_while_streaming(httpserver: HTTPServer) -> None:
    def endless(_request: Request) -> Response:
        return Response(
            (b"a" * 65536 for _ in range(MAX_BYTES // 65536 + 2)), direct_passthrough=True
        )

    httpserver.expect_request("/big.yml").respond_with_handler(endless)
    fetched = Fetcher(contact_url=CONTACT).get(httpserver.url_for("/big.yml"))
    assert fetched.error is not None and fetched.error.code == ErrorCode.FETCH_TOO_LARGE_AT_LEAST
    assert fetched.error.params["limit"] == MAX_BYTES < fetched.error.params["size"]
    assert "too large" in fetched.error  # its English text, as the CLI reports it
    assert fetched.body == b""


def test_a_broken_sources_entry_fails_with_line_and_column_and_the_rest_goes_on(
    harvest_app: Any, httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/p.yml").respond_with_data(DON_CRAWLER.read_bytes())
    entries = f"- url: {httpserver.url_for('/p.yml')}\n- foo: bar\n- url: ftp://x\n"
    code, report, _ = _harvest(harvest_app, tmp_path, entries)
    assert code == 1
    assert report[0]["status"] == "failed" and report[0]["source"] == "SOURCES.yaml: item 2"
    assert (report[0]["errors"][0]["line"], report[0]["errors"][0]["column"]) == (2, 3)
    assert report[1]["errors"][0]["line"] == 3
    assert report[2]["status"] == "created"


def test_broken_sources_yaml_is_located(harvest_app: Any, tmp_path: Path) -> None:
    code, report, _ = _harvest(harvest_app, tmp_path, "- url: [x\n")
    assert code == 1
    assert report[0]["status"] == "failed"
    assert report[0]["errors"][0]["line"] == 2


def test_dry_run_writes_nothing(harvest_app: Any, httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/p.yml").respond_with_data(DON_CRAWLER.read_bytes())
    before = [_count(harvest_app, m) for m in (Component, ImportRecord, HarvestSource, HarvestRun)]
    code, report, _ = _harvest(
        harvest_app, tmp_path, f"- url: {httpserver.url_for('/p.yml')}\n", "--dry-run"
    )
    assert code == 0
    assert report[0]["status"] == "created"
    after = [_count(harvest_app, m) for m in (Component, ImportRecord, HarvestSource, HarvestRun)]
    assert after == before


@pytest.mark.both_backends
def test_a_second_run_while_one_holds_the_lock_refuses(
    harvest_app: Any, httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/p.yml").respond_with_data(DON_CRAWLER.read_bytes())
    with harvest_app.extensions["catalogue_db"].session() as session:
        harvesting.acquire_lock(session, holder="other-node", stale_after=dt.timedelta(hours=2))
    code, report, output = _harvest(
        harvest_app, tmp_path, f"- url: {httpserver.url_for('/p.yml')}\n"
    )
    assert code == 1
    assert report == []
    assert "a harvest is already running (started " in output
    assert len(httpserver.log) == 0
    assert _count(harvest_app, HarvestRun) == 0
    # A stale lock (a crashed run) is taken over.
    with harvest_app.extensions["catalogue_db"].session() as session:
        harvesting.acquire_lock(session, holder="me", stale_after=dt.timedelta(0))
        harvesting.release_lock(session, holder="me")
    code, report, _ = _harvest(harvest_app, tmp_path, f"- url: {httpserver.url_for('/p.yml')}\n")
    assert code == 0


def test_github_org_and_gitlab_group_are_expanded_through_their_apis(
    database_url: str, tmp_path: Path, app_factory: Any, httpserver: HTTPServer
) -> None:
    from tests.conftest import close_app

    api = httpserver.url_for("/api").rstrip("/")
    app = app_factory(
        database_url,
        tmp_path,
        HARVEST_CONTACT_URL=CONTACT,
        GITHUB_API_URL=api + "/gh",
        GITLAB_API_URL=api + "/gl",
        GITHUB_TOKEN="gh-token",  # noqa: S106 - a test value sent to the local server
    )
    repos = [
        {"full_name": "org/has-yml", "default_branch": "main", "fork": False},
        {"full_name": "org/has-yaml", "default_branch": "main", "fork": False},
        {"full_name": "org/none", "default_branch": "main", "fork": False},
        {"full_name": "org/a-fork", "default_branch": "main", "fork": True},
    ]
    httpserver.expect_request("/api/gh/orgs/org/repos").respond_with_json(repos)
    httpserver.expect_request(
        "/api/gh/repos/org/has-yml/contents/publiccode.yml"
    ).respond_with_data(DON_CRAWLER.read_bytes())
    httpserver.expect_request(
        "/api/gh/repos/org/has-yaml/contents/publiccode.yml"
    ).respond_with_data("", status=404)
    httpserver.expect_request(
        "/api/gh/repos/org/has-yaml/contents/publiccode.yaml"
    ).respond_with_data(OPEN_ZAAK.read_bytes())
    for name in ("publiccode.yml", "publiccode.yaml"):
        httpserver.expect_request(f"/api/gh/repos/org/none/contents/{name}").respond_with_data(
            "", status=404
        )
    httpserver.expect_request("/api/gl/groups/grp/projects").respond_with_json(
        [{"id": 7, "default_branch": "main"}]
    )
    httpserver.expect_request(
        "/api/gl/projects/7/repository/files/publiccode.yml/raw"
    ).respond_with_data("name: x\nurl: [oops\n")
    httpserver.expect_request("/api/gh/orgs/missing/repos").respond_with_data("", status=404)
    try:
        code, report, output = _harvest(
            app,
            tmp_path,
            "- github_org: org\n- gitlab_group: grp\n- github_org: missing\n",
        )
    finally:
        close_app(app)
    assert code == 1, output
    got = {item["source"].split("/api")[1].split("?")[0]: item for item in report}
    assert got["/gh/repos/org/has-yml/contents/publiccode.yml"]["status"] == "created"
    assert got["/gh/repos/org/has-yaml/contents/publiccode.yaml"]["component"] == "open-zaak"
    assert got["/gl/projects/7/repository/files/publiccode.yml/raw"]["status"] == "failed"
    assert got["/gh/orgs/missing/repos"]["status"] == "failed"
    assert got["/gh/orgs/missing/repos"]["errors"][0]["line"] == 3
    # A repository without a publiccode file is no source; a fork is not even asked.
    assert not any("none" in source or "a-fork" in source for source in got)
    assert not any("a-fork" in r.path for r, _ in httpserver.log)
    token_requests = [r for r, _ in httpserver.log if r.path.startswith("/api/gh/")]
    assert all(r.headers.get("Authorization") == "Bearer gh-token" for r in token_requests)


def test_the_budget_ends_the_run_and_fails_what_is_left(
    database_url: str, tmp_path: Path, app_factory: Any, httpserver: HTTPServer
) -> None:
    from tests.conftest import close_app

    app = app_factory(database_url, tmp_path, HARVEST_CONTACT_URL=CONTACT, HARVEST_BUDGET=0)
    try:
        code, report, _ = _harvest(app, tmp_path, f"- url: {httpserver.url_for('/p.yml')}\n")
    finally:
        close_app(app)
    assert code == 1
    assert report[0]["errors"][0]["message"] == ENGLISH[ErrorCode.HARVEST_BUDGET_SPENT]


def test_the_command_refuses_without_a_contact_url(runner: Any, tmp_path: Path) -> None:
    sources = tmp_path / "SOURCES.yaml"
    sources.write_text("[]\n", encoding="utf-8")
    result = runner.invoke(args=["catalogue", "harvest", str(sources)])
    assert result.exit_code == 1
    assert "HARVEST_CONTACT_URL" in result.output


# ---------------------------------------------------------------- SSRF


def _resolver(address: str) -> Any:
    def resolve(host: str, port: int, **_kwargs: Any) -> list[Any]:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    return resolve


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://example.org/publiccode.yml", "93.184.215.14"),
        ("https://user:pw@example.org/publiccode.yml", "93.184.215.14"),
        ("https://intern.example/publiccode.yml", "127.0.0.1"),
        ("https://intern.example/publiccode.yml", "10.1.2.3"),
        ("https://intern.example/publiccode.yml", "169.254.169.254"),
        ("https://intern.example/publiccode.yml", "::1"),
        ("https://intern.example/publiccode.yml", "fd00::1"),
        ("https://127.0.0.1/publiccode.yml", "127.0.0.1"),
    ],
)
def test_maintainer_sources_must_be_https_to_public_addresses(url: str, address: str) -> None:
    with pytest.raises(UnsafeURL) as refused:
        check_public_url(url, resolve=_resolver(address))
    # The refusal is the broken rule's code, the same a maintainer's form shows.
    rule = refused.value.code.replace("-", "_")
    assert refused.value.reason.code == ErrorCode(f"source_{rule}")


def test_a_public_https_source_passes(app: Any) -> None:
    from catalogue.errors import FieldError, NotAuthorized, ValidationError
    from catalogue.models import Role
    from catalogue.services import accounts
    from tests.accounts import make_account

    check_public_url("https://example.org/publiccode.yml", resolve=_resolver("93.184.215.14"))
    amsterdam = make_account(app, Role.MAINTAINER)  # Amsterdam maintains the Signalen backend
    other = make_account(app, Role.MAINTAINER, organisation="conduction")
    with app.extensions["catalogue_db"].session() as session:
        user = accounts.get_user(session, amsterdam.id)
        row = harvesting.register_source(
            session,
            "signalen-backend",
            "https://example.org/publiccode.yml",
            actor=user,
            check=lambda url: check_public_url(url, resolve=_resolver("93.184.215.14")),
        )
        assert row.registered_by == HarvestSourceKind.MAINTAINER
        assert row.component.slug == "signalen-backend"
        with pytest.raises(ValidationError) as refused:
            harvesting.register_source(
                session, "signalen-backend", "http://127.0.0.1:8080/p.yml", actor=user
            )
        assert refused.value.errors == {"url": [FieldError(ErrorCode.SOURCE_NOT_HTTPS)]}
        assert refused.value.errors["url"][0].code == ErrorCode.SOURCE_NOT_HTTPS
        with pytest.raises(NotAuthorized):
            harvesting.register_source(
                session,
                "signalen-backend",
                "https://93.184.215.14/p.yml",
                actor=accounts.get_user(session, other.id),
            )


def test_the_cli_may_fetch_loopback_but_a_maintainer_source_may_not(
    harvest_app: Any, httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/p.yml").respond_with_data(DON_CRAWLER.read_bytes())
    loopback = httpserver.url_for("/p.yml")
    with harvest_app.extensions["catalogue_db"].session() as session:
        # Registered before the SSRF rule could refuse it (say, a name that later moved to a
        # private address): the fetch itself checks again.
        session.add(
            HarvestSource(url=loopback, registered_by=HarvestSourceKind.MAINTAINER, last_errors=[])
        )
    code, report, _ = _harvest(harvest_app, tmp_path, "[]\n", "--include-registered")
    assert code == 1
    assert report[0]["status"] == "failed"
    assert "https" in report[0]["errors"][0]["message"]
    assert len(httpserver.log) == 0
    with harvest_app.extensions["catalogue_db"].session() as session:
        kept = session.scalars(select(HarvestSource)).one().last_errors
    assert [(e["code"], e["url"]) for e in kept] == [("source_not_https", loopback)]

    code, report, _ = _harvest(harvest_app, tmp_path, f"- url: {loopback}\n")
    assert code == 0
    assert report[0]["status"] == "created"


def test_a_maintainer_source_may_only_update_its_own_component(harvest_app: Any) -> None:
    from catalogue.harvest_fetch import Fetched

    with harvest_app.extensions["catalogue_db"].session() as session:
        backend = session.scalar(select(Component).where(Component.slug == "signalen-backend"))
        row = HarvestSource(
            url="https://93.184.215.14/publiccode.yml",
            registered_by=HarvestSourceKind.MAINTAINER,
            component=backend,
            last_errors=[],
        )
        session.add(row)
        session.flush()
        # The file speaks for Open Zaak, another organisation's component.
        fetched = Fetched(url=row.url, status=200, body=OPEN_ZAAK.read_bytes())
        version = session.scalar(select(Component.version).where(Component.slug == "open-zaak"))
        result = harvesting.harvest_fetched(session, row.url, fetched, listed_as="test")
        assert result.status == "failed"
        assert result.errors[0]["key"] == "url"
        assert "open-zaak" in result.errors[0]["message"]
        assert result.errors[0]["code"] == "harvest_other_repository"
        assert result.errors[0]["params"]["registered"] == backend.url
        assert "open-zaak" in result.errors[0]["params"]["named"]
        session.flush()
        session.expire(row)  # read back what the database keeps
        assert row.last_errors == result.errors
        now = session.scalar(select(Component.version).where(Component.slug == "open-zaak"))
        assert now == version
