"""The general guard: hostile values into every query parameter, path argument and form field of
every route, as anonymous and as each role, on SQLite and PostgreSQL. Nothing may answer 5xx.

Routes come from ``app.url_map`` and forms from the pages themselves, so a new route or field is
covered the moment it exists. Query parameter names come from what the web layer reads
(``request.args.get("...")``, the search facets, the advisor's profile) and from every GET form.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest

from catalogue.models import OrgRole, Role
from catalogue.services import accounts, components, disputes, submissions
from tests.accounts import COMPONENT, Account, make_account, sign_in
from tests.conftest import ROOT

HOSTILE: dict[str, str] = {
    "nul": "a\x00b",
    "crlf": "a\r\nSet-Cookie: stolen=1",
    "long": "x" * 100_000,
    "deep_json": "[" * 1000 + "]" * 1000,
    "rtl": "\u202egnp.exe\u202c",
    "int64_over": "9223372036854775808",
    "int64_under": "-9223372036854775809",
    "int32_over": "2147483648",
}
# Invalid UTF-8 can only be sent percent-encoded in the raw query string.
INVALID_UTF8 = "%ff%c0%80%ed%a0%80"
HUGE_IDS = ("2147483648", "9223372036854775808")
ROLES = ("anonymous", "unconfirmed", "maintainer", "beheerder", "reviewer", "admin")
# PostgreSQL walks every role: it is the production database and the strict one (an integer
# past int32 or int64 is an error there, not a wrapped number). SQLite walks the widest two, the
# anonymous reader and the admin; the other four SQLite walks cost the suite a minute and a
# half of its fifteen and reach no page those two do not.
SQLITE_ROLES = ("anonymous", "admin")


def _walks(backend: str, role: str) -> None:
    if backend == "sqlite" and role not in SQLITE_ROLES:
        pytest.skip("SQLite walks the anonymous reader and the admin; PostgreSQL every role")


SKIP_ENDPOINTS = {"static"}
STEP_SLUG = "basis"
_READ = re.compile(r"""(?:args\.get|args\.getlist|_int_argument)\(\s*["']([a-z0-9_]+)["']""")


def query_names() -> set[str]:
    """Every query parameter name the web layer reads."""
    from catalogue.search.query import FACETS
    from catalogue.web import advice

    names = set()
    for path in (ROOT / "catalogue" / "web").glob("*.py"):
        names |= set(_READ.findall(path.read_text(encoding="utf-8")))
    names |= {facet.param for facet in FACETS}
    names |= set(advice.ARGUMENTS)
    names |= {advice.WEIGHT_PREFIX + "kosten", "diepte", "breedte"}
    return names


class _Forms(HTMLParser):
    """The forms of a page: method, action and the names of their fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (values.get("method") or "get").lower(),
                    "action": values.get("action") or "",
                    "fields": set(),
                }
            )
        elif tag in ("input", "select", "textarea") and self.forms and values.get("name"):
            if values.get("type") != "file":
                self.forms[-1]["fields"].add(values["name"])


def forms_of(html: str) -> list[dict[str, Any]]:
    """Parse the forms of a page."""
    parser = _Forms()
    parser.feed(html)
    return parser.forms


@pytest.fixture
def world(app: Any) -> Iterator[dict[str, Any]]:
    """Accounts of every role, a submission, a dispute and a token to aim at."""
    app.config["WTF_CSRF_ENABLED"] = False
    app.config["RATELIMIT_ENABLED"] = False
    limiter = app.extensions.get("catalogue_limiter")
    if limiter is not None:
        limiter.enabled = False
    people = {
        "maintainer": make_account(app, Role.MAINTAINER),
        "reviewer": make_account(app, Role.REVIEWER),
        "admin": make_account(app, Role.ADMIN),
        "unconfirmed": make_account(app, Role.MAINTAINER, email="nieuw@example.org"),
        "beheerder": make_account(app, Role.MAINTAINER, email="beheerder@example.org"),
    }
    with app.extensions["catalogue_db"].session() as session:
        accounts.get_user(session, people["unconfirmed"].id).organisation_confirmed = False
        accounts.get_user(session, people["beheerder"].id).organisation_role = OrgRole.BEHEERDER
        maintainer = accounts.get_user(session, people["maintainer"].id)
        change = submissions.start_update(session, COMPONENT, actor=maintainer)
        submissions.submit_for_review(session, change.id, actor=maintainer)
        claim = disputes.claims_of(components.get_component(session, COMPONENT))[0]
        dispute = disputes.open_dispute(
            session, COMPONENT, claim_key=claim.key, reason="klopt niet", actor=maintainer
        )
        token, _plain = accounts.create_token(
            session, actor=maintainer, name="ci", scopes=["submissions:write"]
        )
        ids = {
            "submission_id": change.id,
            "dispute_id": dispute.id,
            "token_id": token.id,
            "user_id": people["unconfirmed"].id,
            "organisation_id": maintainer.organisation_id,
        }
    yield {"app": app, "people": people, "ids": ids}


def _client(app: Any, account: Account | None) -> Any:
    client = app.test_client()
    if account is not None:
        # A hostile logout in the walk ends the sessions; sign in with the current nonce.
        with app.extensions["catalogue_db"].session() as session:
            current = accounts.get_user(session, account.id).get_id()
        sign_in(client, Account(**{**account.__dict__, "session_id": current}))
    return client


_SAMPLES: dict[tuple[int, str], str] = {}


def _sample(app: Any, rule: Any, argument: str) -> str:
    """A real value for a string path argument, read from the page one level up."""
    if rule.endpoint == "contribute.step":
        return STEP_SLUG
    key = (id(app), rule.rule)
    if key not in _SAMPLES:
        _SAMPLES[key] = _find_sample(app, rule)
    return _SAMPLES[key]


def _find_sample(app: Any, rule: Any) -> str:
    prefix = rule.rule.split("/<", 1)[0]
    parent = prefix if not prefix.endswith("/filter") else prefix.rsplit("/", 1)[0]
    body = app.test_client().get(parent).get_data(as_text=True)
    found = re.search(re.escape(prefix) + r'/([A-Za-z0-9._~-]+)(?=["?#])', body)
    if found and found.group(1) not in ("filter",):
        return found.group(1)
    found = re.search(r'"slug":\s*"([^"]+)"', body)
    return found.group(1) if found else COMPONENT


def _get_rules(app: Any) -> list[Any]:
    return sorted(
        (
            r
            for r in app.url_map.iter_rules()
            if "GET" in (r.methods or set()) and r.endpoint not in SKIP_ENDPOINTS
        ),
        key=lambda r: r.rule,
    )


def _path(rule: Any, values: dict[str, str]) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], rule.rule)


def _path_values(app: Any, rule: Any, ids: dict[str, Any]) -> dict[str, str]:
    values = {}
    for argument, converter in ((a, rule._converters[a]) for a in rule.arguments):  # noqa: SLF001
        if type(converter).__name__.lower().startswith(("integer", "bounded")):
            values[argument] = str(ids.get(argument, 1))
        else:
            values[argument] = _sample(app, rule, argument)
    return values


def _assert_no_5xx(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"


@pytest.mark.both_backends
@pytest.mark.parametrize("role", ROLES)
def test_no_hostile_query_or_path_gives_a_5xx(
    world: dict[str, Any], role: str, backend: str
) -> None:
    _walks(backend, role)
    app = world["app"]
    account = world["people"].get(role)
    names = sorted(query_names())
    assert {"q", "page", "c"} <= set(names)  # guards the guard: the names were found
    rules = _get_rules(app)
    assert len(rules) > 40
    # A GET changes nothing, so one signed-in client serves the whole walk.
    reader = _client(app, account)
    for rule in rules:
        values = _path_values(app, rule, world["ids"])
        path = _path(rule, values)
        if account is not None and app.test_client().get(path).status_code < 300:
            # Anonymous readers walk the public pages; each role adds the pages only it opens
            # (the machine is shared: the same public page six times proves nothing more).
            continue
        for label, hostile in HOSTILE.items():
            query = urlencode([(name, hostile) for name in names])
            response = reader.get(f"{path}?{query}")
            _assert_no_5xx(response, f"{role} GET {rule.rule} with {label} in every parameter")
        raw = "&".join(f"{name}={INVALID_UTF8}" for name in names)
        _assert_no_5xx(reader.get(f"{path}?{raw}"), f"{role} {rule.rule} utf-8")
        for argument in rule.arguments:
            converter = rule._converters[argument]  # noqa: SLF001
            integer = type(converter).__name__.lower().startswith(("integer", "bounded"))
            for hostile in HUGE_IDS if integer else HOSTILE.values():
                bad = _path(rule, {**values, argument: quote(hostile, safe="")})
                _assert_no_5xx(reader.get(bad), f"{role} GET {bad[:120]}")


@pytest.mark.both_backends
@pytest.mark.parametrize("role", ROLES)
def test_no_hostile_form_field_gives_a_5xx(world: dict[str, Any], role: str, backend: str) -> None:
    _walks(backend, role)
    app = world["app"]
    account = world["people"].get(role)
    adapter = app.url_map.bind("localhost")
    # Every form on every page this role can open, by the endpoint it posts to.
    fields_by_target: dict[tuple[str, str], set[str]] = {}
    reader = _client(app, account)
    for rule in _get_rules(app):
        path = _path(rule, _path_values(app, rule, world["ids"]))
        page = reader.get(path)
        if page.status_code != 200 or "html" not in (page.content_type or ""):
            continue
        for form in forms_of(page.get_data(as_text=True)):
            if form["method"] != "post":
                continue
            target = urlsplit(form["action"]).path or path
            fields_by_target.setdefault(("POST", target), set()).update(form["fields"])
    if role in ("admin", "maintainer"):
        assert len(fields_by_target) >= 3, fields_by_target  # guards the guard
    # Mutating routes no page showed this role still get the hostile values, in a generic field.
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}):
            target = _path(rule, _path_values(app, rule, world["ids"]))
            fields_by_target.setdefault((method, target), {"name", "body", "q"})
    writer = _client(app, account)
    for (method, target), fields in sorted(fields_by_target.items()):
        adapter.match(target, method=method)  # the form posts somewhere that exists
        for label, hostile in HOSTILE.items():
            data = {name: hostile for name in fields - {"csrf_token"}}
            response = writer.open(target, method=method, data=data)
            _assert_no_5xx(response, f"{role} {method} {target} with {label} in {sorted(fields)}")
            if "uitloggen" in target:
                writer = _client(app, account)  # a logout ended the session: sign in again


@pytest.mark.both_backends
def test_hostile_json_and_files_to_the_api_give_no_5xx(world: dict[str, Any]) -> None:
    app = world["app"]
    client = app.test_client()
    deep = "[" * 100_000 + "]" * 100_000
    for body in (deep, '{"a":' * 1000 + "1" + "}" * 1000, '{"sector": "\\u0000"}'):
        response = client.post(
            "/api/v1/advice", data=body, headers={"Content-Type": "application/json"}
        )
        assert response.status_code in (400, 422), response.status_code
        assert response.mimetype == "application/problem+json"
    for body in (
        b"name: a\x00b\n",
        b"\xff\xfe\x00\x00",
        b"publiccodeYmlVersion: '0.4'\x00",
    ):
        response = client.post("/api/v1/validate", data=body)
        _assert_no_5xx(response, f"validate {body[:20]!r}")
