"""Two app processes as two web nodes (issue 10, section 6): one PostgreSQL, one Redis, the
PostgreSQL search backend. A change published through node A is found by node B's search, a
logout on A ends the session on B, and the login rate limit is counted once for both.

Each node is a real process (``werkzeug.serving`` on a free port) started with nothing but the
``CATALOGUE_*`` environment a deployment would give it (docs/deployment.md).
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest

from catalogue.models import Role, Submission
from catalogue.services import accounts, submissions
from tests.accounts import COMPONENT, PASSWORD, make_account
from tests.conftest import ROOT, close_app, make_app

REDIS_URL = os.environ.get("CATALOGUE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SERVE = (
    "from werkzeug.serving import make_server\n"
    "from app import create_app\n"
    "server = make_server('127.0.0.1', 0, create_app(), threaded=True)\n"
    "print(server.server_port, flush=True)\n"
    "server.serve_forever()\n"
)
LOGIN_LIMIT = 5


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


class Browser:
    """A cookie jar shared by both nodes (cookies ignore the port, as a browser's do)."""

    def __init__(self, jar: http.cookiejar.CookieJar | None = None) -> None:
        self.jar = jar or http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def open(self, url: str, data: dict[str, str] | None = None) -> tuple[int, str, Any]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, data=body, timeout=60) as response:
                return response.status, response.read().decode(), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), error.headers

    def csrf(self, url: str) -> str:
        _status, page, _headers = self.open(url)
        found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
        assert found, url
        return found.group(1)

    def log_in(self, node: str, email: str, secret: str | None = None) -> int:
        token = self.csrf(node + "/login")
        status, _page, _headers = self.open(
            node + "/login", {"email": email, "password": PASSWORD, "csrf_token": token}
        )
        if secret and status == 302:
            token = self.csrf(node + "/login/code")
            status, _page, _headers = self.open(
                node + "/login/code", {"code": pyotp.TOTP(secret).now(), "csrf_token": token}
            )
        return status


def _start_node(environment: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", SERVE],
        cwd=ROOT,
        env={**os.environ, **environment},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    port = process.stdout.readline().strip()
    assert port.isdigit(), f"the node did not start (exit {process.poll()})"
    return process, f"http://127.0.0.1:{port}"


@pytest.fixture
def nodes(database_url: str, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Two node processes on one PostgreSQL database and one Redis, and the accounts they serve."""
    redis = pytest.importorskip("redis").Redis.from_url(REDIS_URL)
    try:
        redis.ping()
    except Exception as error:  # noqa: BLE001 - any failure means Redis is not there
        if os.environ.get("CATALOGUE_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"Redis at {REDIS_URL} does not answer: {error}")
        pytest.skip(f"Redis at {REDIS_URL} does not answer: {error}")
    setup = make_app(database_url, tmp_path / "setup", SEARCH_BACKEND="postgres")
    people = {
        "maintainer": make_account(setup, Role.MAINTAINER),
        "reviewer": make_account(setup, Role.REVIEWER),
    }
    prefix = f"cw-nodes-{uuid.uuid4().hex[:8]}"
    common = {
        "CATALOGUE_ENV": "testing",
        "CATALOGUE_SECRET_KEY": "two-nodes-" + prefix,
        "CATALOGUE_DATABASE_URL": database_url,
        "CATALOGUE_SEARCH_BACKEND": "postgres",
        "CATALOGUE_RATELIMIT_STORAGE_URL": REDIS_URL,
        "CATALOGUE_RATELIMIT_KEY_PREFIX": prefix,
        "CATALOGUE_RATELIMIT_LOGIN": f"{LOGIN_LIMIT} per minute",
        "CATALOGUE_PAGE_CACHE_SIZE": "0",
    }
    started = []
    try:
        for name in ("a", "b"):
            started.append(
                _start_node({**common, "CATALOGUE_SEARCH_INDEX_DIR": str(tmp_path / name)})
            )
        yield {"setup": setup, "people": people, "a": started[0][1], "b": started[1][1]}
    finally:
        for process, _url in started:
            process.terminate()
            process.wait(timeout=10)
            if process.stdout is not None:
                process.stdout.close()
        for key in redis.scan_iter(f"*{prefix}*"):
            redis.delete(key)
        redis.close()
        close_app(setup)


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_two_nodes_share_search_sessions_and_rate_limits(nodes: dict[str, Any]) -> None:
    a, b, people = nodes["a"], nodes["b"], nodes["people"]
    new_name = f"Signalen {uuid.uuid4().hex[:6]}"
    with nodes["setup"].extensions["catalogue_db"].session() as session:
        maintainer = accounts.get_user(session, people["maintainer"].id)
        change = submissions.start_update(session, COMPONENT, actor=maintainer)
        submissions.save_step(
            session,
            change.id,
            "basics",
            {"name": new_name, "url": change.document["url"]},
            actor=maintainer,
            lock_version=change.version,
        )
        submissions.submit_for_review(session, change.id, actor=maintainer)
        number = change.id

    # A logout on A ends the session on B.
    member = Browser()
    assert member.log_in(a, people["maintainer"].email) == 302
    assert member.open(b + "/account")[0] == 200  # one session, any node
    copied = [(c.name, c.value) for c in member.jar]
    token = member.csrf(a + "/account")
    assert member.open(a + "/uitloggen", {"csrf_token": token})[0] == 302
    replay = Browser()
    for name, value in copied:
        replay.jar.set_cookie(
            http.cookiejar.Cookie(
                0, name, value, None, False, "127.0.0.1", False, False, "/", True, False,
                None, False, None, None, {},
            )
        )  # fmt: skip
    assert replay.open(b + "/account")[0] == 302

    # A change published through A is found through B's search.
    reviewer = Browser()
    assert reviewer.log_in(a, people["reviewer"].email, people["reviewer"].totp_secret) == 302
    with nodes["setup"].extensions["catalogue_db"].session() as session:
        version = session.get(Submission, number).version
    token = reviewer.csrf(a + "/beoordelen")
    status, _page, _headers = reviewer.open(
        f"{a}/beoordelen/{number}",
        {"decision": "approve", "lock_version": str(version), "csrf_token": token},
    )
    assert status == 302
    query = urllib.parse.urlencode({"q": new_name})
    status, body, _headers = Browser().open(f"{b}/api/v1/components?{query}")
    assert status == 200
    assert [item["name"] for item in json.loads(body)["items"]][:1] == [new_name]

    # The login limit is counted once for both nodes: alternating, neither node alone reaches
    # the limit before the shared count does.
    statuses = []
    for attempt in range(LOGIN_LIMIT):
        node = a if attempt % 2 == 0 else b
        stranger = Browser()
        token = stranger.csrf(node + "/login")
        status, _page, _headers = stranger.open(
            node + "/login",
            {"email": "niemand@example.org", "password": "fout", "csrf_token": token},
        )
        statuses.append((node == a, status))
    assert 429 in [status for _on_a, status in statuses], statuses
    per_node = max(
        sum(1 for on_a, _s in statuses if on_a), sum(1 for on_a, _s in statuses if not on_a)
    )
    assert per_node < LOGIN_LIMIT  # so only a shared count explains the 429
