"""The harvester's network side: a polite HTTP fetcher, forge expansion, SSRF checks.

No Flask and no database here: :mod:`catalogue.services.harvesting` stores what this fetched.

Polite means: a User-Agent naming the project and a contact URL; ``If-None-Match`` /
``If-Modified-Since`` from the last run; a per-request timeout and a total time budget; retries
with exponential backoff on 429 and 5xx, honouring ``Retry-After``; and the importer's size limit,
enforced while streaming so an endless body cannot fill memory.
"""

from __future__ import annotations

import email.utils
import ipaddress
import socket
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import requests

from catalogue.errors import ErrorCode, FieldError
from catalogue.publiccode import MAX_BYTES

PROJECT = "Componentenwijzer-harvester/1.0"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_REDIRECTS = 5
PUBLICCODE_NAMES = ("publiccode.yml", "publiccode.yaml")


class BudgetExhausted(Exception):
    """The run's total time budget is spent."""


class UnsafeURL(ValueError):
    """A maintainer-registered URL that is not https or does not resolve to public addresses.

    ``reason`` is the refusal (a ``source_*`` error code, with the host and address it concerns);
    ``code`` says which rule it broke: not-https, credentials, no-host, unresolvable, not-public.
    """

    def __init__(self, reason: FieldError, code: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


@dataclass
class Fetched:
    """What one GET returned (after redirects and retries); ``error`` says what went wrong, as an
    error code with its parameters (a ``FieldError``: as text, its English message)."""

    url: str
    status: int | None
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    error: FieldError | None = None
    links: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True for a 200 with a body within the limit."""
        return self.error is None and self.status == 200


def check_public_url(url: str, *, resolve: Callable[..., Any] = socket.getaddrinfo) -> None:
    """Refuse what a maintainer may not make us fetch: not https, credentials, private targets.

    Every address the host name resolves to must be a public (global unicast) address, so a
    name pointing at 127.0.0.1, 10.0.0.0/8, 169.254.169.254 or ::1 is refused.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "https":
        raise UnsafeURL(FieldError(ErrorCode.SOURCE_NOT_HTTPS), "not-https")
    if parts.username or parts.password:
        raise UnsafeURL(FieldError(ErrorCode.SOURCE_CREDENTIALS), "credentials")
    host = parts.hostname
    if not host:
        raise UnsafeURL(FieldError(ErrorCode.SOURCE_NO_HOST), "no-host")
    try:
        infos = resolve(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as error:
        reason = FieldError(ErrorCode.SOURCE_UNRESOLVABLE, host=host, error=str(error))
        raise UnsafeURL(reason, "unresolvable") from error
    addresses = {info[4][0] for info in infos}
    if not addresses:
        raise UnsafeURL(FieldError(ErrorCode.SOURCE_UNRESOLVABLE, host=host), "unresolvable")
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not ip.is_global or ip.is_multicast:
            reason = FieldError(ErrorCode.SOURCE_NOT_PUBLIC, host=host, address=str(ip))
            raise UnsafeURL(reason, "not-public")


class Fetcher:
    """GET with the harvester's manners. One per run; it owns the run's time budget."""

    def __init__(
        self,
        *,
        contact_url: str,
        timeout: float = 20.0,
        budget: float = 1800.0,
        retries: int = 3,
        backoff: float = 1.0,
        max_bytes: int = MAX_BYTES,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.user_agent = f"{PROJECT} (+{contact_url})"
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_bytes = max_bytes
        self._sleep = sleep
        self._clock = clock
        self._deadline = clock() + budget
        self.http = requests.Session()
        self.http.headers["User-Agent"] = self.user_agent
        # Proxies and .netrc from the environment must not change what a source URL reaches.
        self.http.trust_env = False
        self.requests_made = 0

    def remaining(self) -> float:
        """Seconds left in the budget."""
        return self._deadline - self._clock()

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        headers: dict[str, str] | None = None,
        public_only: bool = False,
    ) -> Fetched:
        """GET ``url``; never raises for HTTP or network trouble (see ``Fetched.error``).

        Raises :class:`BudgetExhausted` when no time is left to even try.
        """
        send = dict(headers or {})
        if etag:
            send["If-None-Match"] = etag
        if last_modified:
            send["If-Modified-Since"] = last_modified
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            if public_only:
                try:
                    check_public_url(current)
                except UnsafeURL as error:
                    return Fetched(url=current, status=None, error=error.reason)
            response = self._with_retries(current, send)
            if isinstance(response, Fetched):
                return response
            if response.is_redirect and response.headers.get("Location"):
                current = urllib.parse.urljoin(current, response.headers["Location"])
                response.close()
                continue
            return self._read(current, response)
        return Fetched(
            url=current,
            status=None,
            error=FieldError(ErrorCode.FETCH_TOO_MANY_REDIRECTS, maximum=MAX_REDIRECTS),
        )

    def _with_retries(self, url: str, headers: dict[str, str]) -> requests.Response | Fetched:
        attempt = 0
        while True:
            left = self.remaining()
            if left <= 0:
                raise BudgetExhausted
            try:
                self.requests_made += 1
                response = self.http.get(
                    url,
                    headers=headers,
                    timeout=min(self.timeout, left),
                    allow_redirects=False,
                    stream=True,
                )
            except requests.RequestException as error:
                problem = _failed(error)
                if attempt >= self.retries:
                    return Fetched(url=url, status=None, error=problem)
                self._wait(self.backoff * 2**attempt)
                attempt += 1
                continue
            if response.status_code not in RETRY_STATUSES or attempt >= self.retries:
                return response
            delay = retry_after(response.headers.get("Retry-After"))
            if delay is None:
                delay = self.backoff * 2**attempt
            response.close()
            if delay >= self.remaining():
                return Fetched(
                    url=url,
                    status=response.status_code,
                    error=FieldError(
                        ErrorCode.FETCH_RETRY_BEYOND_BUDGET,
                        status=response.status_code,
                        seconds=round(delay),
                    ),
                )
            self._wait(delay)
            attempt += 1

    def _wait(self, seconds: float) -> None:
        if seconds >= self.remaining():
            raise BudgetExhausted
        self._sleep(max(0.0, seconds))

    def _read(self, url: str, response: requests.Response) -> Fetched:
        result = Fetched(
            url=url,
            status=response.status_code,
            content_type=response.headers.get("Content-Type", ""),
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            links=dict(response.links),
        )
        try:
            if response.status_code != 200:
                result.error = FieldError(
                    ErrorCode.FETCH_HTTP_STATUS,
                    status=response.status_code,
                    reason=response.reason or "",
                )
                return result
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                result.error = _too_large(int(declared), self.max_bytes)
                return result
            chunks: list[bytes] = []
            size = 0
            for chunk in _chunks(response):
                size += len(chunk)
                if size > self.max_bytes:
                    result.error = _too_large(size, self.max_bytes, at_least=True)
                    return result
                chunks.append(chunk)
            result.body = b"".join(chunks)
            return result
        except requests.RequestException as error:
            result.error = _failed(error)
            return result
        finally:
            response.close()


def _chunks(response: requests.Response) -> Iterator[bytes]:
    yield from response.iter_content(chunk_size=65536)


def _too_large(size: int, limit: int, *, at_least: bool = False) -> FieldError:
    code = ErrorCode.FETCH_TOO_LARGE_AT_LEAST if at_least else ErrorCode.FETCH_TOO_LARGE
    return FieldError(code, size=size, limit=limit)


def _failed(error: Exception) -> FieldError:
    """A request that got no answer: the exception's kind and text (technical, in English)."""
    return FieldError(ErrorCode.FETCH_FAILED, error=f"{type(error).__name__}: {error}")


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date).

    >>> retry_after("3")
    3.0
    >>> retry_after(None) is None
    True
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


# ---------------------------------------------------------------- forges


@dataclass(frozen=True)
class Candidate:
    """A place where a repository's publiccode.yml may be: try ``urls`` in order."""

    urls: tuple[str, ...]
    listed_as: str
    headers: tuple[tuple[str, str], ...] = ()


def github_candidates(
    fetcher: Fetcher, api_url: str, org: str, token: str | None
) -> tuple[list[Candidate], Fetched | None]:
    """The repositories of a GitHub organisation as candidates; (candidates, failure)."""
    base = api_url.rstrip("/")
    headers = {"Accept": "application/vnd.github+json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    repos, failure = _pages(
        fetcher, f"{base}/orgs/{urllib.parse.quote(org, safe='')}/repos?per_page=100", headers
    )
    raw_headers = {**headers, "Accept": "application/vnd.github.raw+json"}
    candidates = []
    for repo in repos:
        if not isinstance(repo, dict) or repo.get("fork") or not repo.get("full_name"):
            continue
        branch = urllib.parse.quote(str(repo.get("default_branch") or "HEAD"), safe="")
        full = str(repo["full_name"])
        candidates.append(
            Candidate(
                urls=tuple(
                    f"{base}/repos/{full}/contents/{name}?ref={branch}" for name in PUBLICCODE_NAMES
                ),
                listed_as=f"github_org: {org}",
                headers=tuple(raw_headers.items()),
            )
        )
    return candidates, failure


def gitlab_candidates(
    fetcher: Fetcher, api_url: str, group: str, token: str | None
) -> tuple[list[Candidate], Fetched | None]:
    """The projects of a GitLab group (with subgroups) as candidates; (candidates, failure)."""
    base = api_url.rstrip("/")
    headers = {"PRIVATE-TOKEN": token} if token else {}
    projects, failure = _pages(
        fetcher,
        f"{base}/groups/{urllib.parse.quote(group, safe='')}/projects"
        "?include_subgroups=true&per_page=100",
        headers,
    )
    candidates = []
    for project in projects:
        if not isinstance(project, dict) or project.get("id") is None:
            continue
        if project.get("forked_from_project"):
            continue
        branch = urllib.parse.quote(str(project.get("default_branch") or "HEAD"), safe="")
        candidates.append(
            Candidate(
                urls=tuple(
                    f"{base}/projects/{project['id']}/repository/files/{name}/raw?ref={branch}"
                    for name in PUBLICCODE_NAMES
                ),
                listed_as=f"gitlab_group: {group}",
                headers=tuple(headers.items()),
            )
        )
    return candidates, failure


def _pages(
    fetcher: Fetcher, url: str, headers: dict[str, str], limit: int = 50
) -> tuple[list[Any], Fetched | None]:
    """Follow ``Link: rel=next`` pages of a JSON list; stop at the first failing page."""
    import json

    items: list[Any] = []
    next_url: str | None = url
    for _page in range(limit):
        if next_url is None:
            break
        fetched = fetcher.get(next_url, headers=headers)
        if not fetched.ok:
            return items, fetched
        try:
            page = json.loads(fetched.body)
        except ValueError:
            fetched.error = FieldError(ErrorCode.FORGE_NOT_JSON)
            return items, fetched
        if not isinstance(page, list):
            fetched.error = FieldError(ErrorCode.FORGE_NOT_LIST)
            return items, fetched
        items.extend(page)
        next_url = (fetched.links.get("next") or {}).get("url")
    return items, None
