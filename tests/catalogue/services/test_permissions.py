"""Every mutating route against every role, anonymous included; and the coding standard that
every mutating route and every mutating service checks permission.

The matrix walks ``app.url_map`` for POST, PUT, PATCH and DELETE, so a new route is in it the
moment it exists. A role that lacks the route's permission must get 403; anonymous users get a
redirect to the login page (HTML) or 401 (API). A role that holds the permission must get past
the check (anything but 401, 403 or the login page; most answer 422 to the empty form).
"""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from catalogue.models import Dispute, OrgRole, Role
from catalogue.services import accounts, components, disputes, submissions
from catalogue.services.permissions import (
    ROLE_PERMISSIONS,
    Permission,
    is_unconfirmed,
    permissions_of,
)
from tests.accounts import COMPONENT, Account, make_account, sign_in
from tests.conftest import ROOT

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
# "unconfirmed" registered under Amsterdam but nobody confirmed it; "beheerder" is a maintainer
# whom an admin made a confirmed organisatiebeheerder of Amsterdam.
UNCONFIRMED = "unconfirmed"
BEHEERDER = "beheerder"
ROLES = (
    "anonymous",
    UNCONFIRMED,
    Role.MAINTAINER.value,
    BEHEERDER,
    Role.REVIEWER.value,
    Role.ADMIN.value,
)
# What an unconfirmed account may not touch even with the permission: whatever belongs to the
# organisation it claims (the matrix's submission is Amsterdam's; Signalen is Amsterdam's). That
# includes registering where the harvester reads Signalen's publiccode.yml (/bron): a source
# writes the organisation's component, so only a confirmed member may register one (issue 10).
ORGANISATION_OWNED = re.compile(r"<int:submission_id>|^/componenten/<slug>/(?:wijzigen|bron)$")
# Mutating routes that are open to everyone on purpose, but live in modules that do not use the
# @public decorator (yet). Each needs a reason; anything else without a check fails.
# Mutating endpoints allowed without a decorator: none. Keep it that way.
KNOWN_PUBLIC: dict[str, str] = {}


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, str]]:
    """(endpoint, rule, method) of every mutating route of the real app.

    Read from the app when the tests run, not at collection: collecting builds no app and
    touches no database. A route the app gains is checked the moment it exists; the failure
    names each route that breaks the rule."""
    app = _app_for_the_map(tmp_path_factory.mktemp("map"))
    try:
        return sorted(
            (rule.endpoint, rule.rule, method)
            for rule in app.url_map.iter_rules()
            for method in sorted((rule.methods or set()) & MUTATING)
        )
    finally:
        app.extensions["catalogue_db"].dispose()


def _app_for_the_map(folder: Path) -> Any:
    from app import create_app

    return create_app(
        {
            "ENV": "testing",
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{folder}/map.db",
            "SEARCH_INDEX_DIR": f"{folder}/index",
            "SECRET_KEY": "map",
        }
    )


def _each(rules: list[Any], check: Any) -> list[str]:
    """Run ``check(*case)`` for every case; the failures, each named by its case."""
    failures = []
    for case in rules:
        try:
            check(*case)
        except AssertionError as error:
            failures.append(f"{' '.join(map(str, case))}: {error}")
    return failures


# ---------------------------------------------------------------- coding standard


def test_the_map_has_the_contribute_routes(rules: list[tuple[str, str, str]]) -> None:
    """Guards the guard: if the walk found nothing, every other check would pass."""
    endpoints = {endpoint for endpoint, _rule, _method in rules}
    assert {
        "contribute.step",
        "review.detail",
        "admin.user",
        "api_contribute.put_publiccode",
        "auth.logout",
    } <= endpoints


def test_every_mutating_route_has_a_permission_check(
    rules: list[tuple[str, str, str]], tmp_path: Path
) -> None:
    app = _app_for_the_map(tmp_path)
    try:
        failures = _each(rules, lambda *case: _has_a_permission_check(app, *case))
    finally:
        app.extensions["catalogue_db"].dispose()
    assert not failures, "\n".join(failures)


def _has_a_permission_check(app: Any, endpoint: str, rule: str, method: str) -> None:
    view = app.view_functions[endpoint]
    permission = getattr(view, "required_permission", None)
    reason = getattr(view, "public_reason", None) or KNOWN_PUBLIC.get(endpoint)
    assert permission is not None or reason, (
        f"{method} {rule} ({endpoint}) changes something but has no permission check: decorate it "
        "with @requires(Permission.X) or, if anyone may use it on purpose, @public('why') "
        "(catalogue/web/auth.py)"
    )
    if permission is not None:
        assert permission in set(Permission)


SERVICES = ["accounts", "submissions", "disputes", "curation", "audit", "landscapes"]
# Service functions that change something and still need no permission, and why.
OPEN_BY_DESIGN = {
    "register": "anyone may register as a maintainer; other roles require() inside",
    "record": "writing the audit log is allowed to everyone; reading it is not",
    "authenticate": "checking a password is how permission starts",
    "complete_login": "called after authenticate and the second factor",
    "record_logout": "logs the logout of the account itself (and ends its sessions)",
    "record_refused_login": "logs a login attempt refused for its input",
    "verify_totp": "checks the account's own second factor",
    "enable_totp": "the account switches on its own second factor",
    "user_for_token": "checking a token is how permission starts",
    "request_password_reset": "anyone may ask for a reset link; the answer never tells who has an account",
}
MUTATING_NAME = re.compile(
    r"^(start|save|submit|approve|reject|request|comment|rebase|open_dispute|resolve|merge|change|"
    r"update|create|revoke|register|record|authenticate|complete_|verify|enable)"
)
CHECKS = {"require", "require_component_editor", "_reviewable", "_decide", "require_member"}


def _first_statement(function: ast.FunctionDef) -> ast.stmt:
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return body[0]


def _service_files(module: str) -> list[Path]:
    """The service module's file, or every module of the service package."""
    path = ROOT / "catalogue" / "services" / f"{module}.py"
    return [path] if path.is_file() else sorted((path.parent / module).glob("*.py"))


@pytest.mark.parametrize("module", SERVICES)
def test_mutating_services_check_permission_first(module: str) -> None:
    files = _service_files(module)
    assert files, f"no service {module!r}"
    functions = [
        n
        for path in files
        for n in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")
    ]
    problems = []
    for function in functions:
        if not MUTATING_NAME.match(function.name) or function.name in OPEN_BY_DESIGN:
            continue
        first = _first_statement(function)
        calls = {
            n.func.id
            for n in ast.walk(first)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        }
        if not calls & CHECKS:
            problems.append(f"{module}.{function.name} (line {function.lineno})")
    assert problems == [], (
        "these services change data but do not check permission first: " + ", ".join(problems)
    )


# ---------------------------------------------------------------- the matrix


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Any:
    """One app for the whole matrix: accounts of each role in Amsterdam, and something of each kind
    to act on (a submitted change to Signalen, a dispute, a token, another account)."""
    import shutil

    from tests.conftest import make_app

    folder = tmp_path_factory.mktemp("matrix")
    shutil.copyfile(sqlite_template, folder / "catalogue.db")
    app = make_app(
        f"sqlite:///{folder / 'catalogue.db'}",
        folder,
        WTF_CSRF_ENABLED=False,
        RATELIMIT_LOGIN="1000 per minute",
        RATELIMIT_TOKEN_API="1000 per minute",  # noqa: S106 - a rate, not a password
    )
    people = {
        role: make_account(app, role) for role in ROLES[1:] if role not in (UNCONFIRMED, BEHEERDER)
    }
    people[UNCONFIRMED] = make_account(app, Role.MAINTAINER, email="new@example.org")
    people[BEHEERDER] = make_account(app, Role.MAINTAINER, email="beheerder@example.org")
    other = make_account(app, Role.MAINTAINER, email="colleague@example.org")
    with app.extensions["catalogue_db"].session() as session:
        unconfirmed = accounts.get_user(session, people[UNCONFIRMED].id)
        unconfirmed.organisation_confirmed = False
        accounts.get_user(session, people[BEHEERDER].id).organisation_role = OrgRole.BEHEERDER
        maintainer = accounts.get_user(session, people["maintainer"].id)
        change = submissions.start_update(session, COMPONENT, actor=maintainer)
        submissions.submit_for_review(session, change.id, actor=maintainer)
        claim = disputes.claims_of(components.get_component(session, COMPONENT))[0]
        dispute = disputes.open_dispute(
            session, COMPONENT, claim_key=claim.key, reason="klopt niet", actor=maintainer
        )
        tokens, token_ids = {}, {}
        for role, account in people.items():
            user = accounts.get_user(session, account.id)
            token, tokens[role] = accounts.create_token(
                session, actor=user, name="ci", scopes=["submissions:write"]
            )
            token_ids[role] = token.id
        organisation_id = maintainer.organisation_id
        ids = {
            "submission_id": change.id,
            "dispute_id": dispute.id,
            "token_id": token_ids["maintainer"],
            "user_id": other.id,
            "organisation_id": organisation_id,
            "slug": COMPONENT,
            # The landscape routes (h14): an organisation none of these accounts belongs to, so
            # an allowed role gets past the role check and then meets the membership check
            # (404); tests/catalogue/web/test_landscape.py covers the roles within an organisation.
            "code": "GM0197",
            # A password-reset link; a forged one is refused like any other, whatever the role.
            "token": "not-a-signed-token",
        }
        assert session.scalar(select(Dispute.id)) is not None
    yield {"app": app, "people": people, "ids": ids, "tokens": tokens, "token_ids": token_ids}
    app.extensions["catalogue_db"].dispose()


def _url(rule: str, ids: dict[str, Any], endpoint: str) -> str:
    values = dict(ids)
    if endpoint == "contribute.step":
        values["slug"] = "basis"
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)


def _allowed(app: Any, account: Account | None, rule: str, view: Any) -> bool:
    permission = getattr(view, "required_permission", None)
    if permission is None:
        return True  # public on purpose (checked above)
    if account is None:
        return False
    with app.extensions["catalogue_db"].session() as session:
        user = accounts.get_user(session, account.id)
        if permission not in permissions_of(user):
            return False
        return not (is_unconfirmed(user) and ORGANISATION_OWNED.search(rule))


def _signed_in(client: Any, app: Any, account: Account) -> Any:
    """Sign in with the account's current session id: a logout in the matrix rotates it."""
    with app.extensions["catalogue_db"].session() as session:
        current = accounts.get_user(session, account.id).get_id()
    return sign_in(client, dataclasses.replace(account, session_id=current))


def test_the_matrix_roles_are_what_they_say(world: dict[str, Any]) -> None:
    """Guards the guard: the pseudo-roles really are unconfirmed and beheerder."""
    with world["app"].extensions["catalogue_db"].session() as session:
        unconfirmed = accounts.get_user(session, world["people"][UNCONFIRMED].id)
        beheerder = accounts.get_user(session, world["people"][BEHEERDER].id)
        assert is_unconfirmed(unconfirmed)
        assert permissions_of(unconfirmed) < ROLE_PERMISSIONS[Role.MAINTAINER]
        assert Permission.CONFIRM_MEMBERS in permissions_of(beheerder)
        assert Permission.CONFIRM_MEMBERS not in permissions_of(
            accounts.get_user(session, world["people"][Role.MAINTAINER].id)
        )


def test_every_mutating_route_refuses_the_wrong_roles(
    world: dict[str, Any], rules: list[tuple[str, str, str]]
) -> None:
    # Route by route, each role in turn: the order the matrix has always run in.
    cases = [(endpoint, rule, method, role) for endpoint, rule, method in rules for role in ROLES]
    assert len(cases) == len(rules) * len(ROLES) > 0
    failures = _each(cases, lambda *case: _refuses_the_wrong_roles(world, *case))
    assert not failures, "\n".join(failures)


def _refuses_the_wrong_roles(
    world: dict[str, Any], endpoint: str, rule: str, method: str, role: str
) -> None:
    app = world["app"]
    client = app.test_client()
    view = app.view_functions[endpoint]
    api = rule.startswith("/api/")
    headers = {}
    account = world["people"].get(role)
    if account is not None:
        if api:
            headers["Authorization"] = f"Bearer {world['tokens'][role]}"
        else:
            _signed_in(client, app, account)
    ids = {**world["ids"], "token_id": world["token_ids"].get(role, world["ids"]["token_id"])}
    response = client.open(_url(rule, ids, endpoint), method=method, headers=headers, data={})
    location = response.headers.get("Location", "")
    sent_to_login = response.status_code in (301, 302, 303) and "/login" in location
    if getattr(view, "required_permission", None) is None:
        # Public on purpose; the second login step sends you back to /login without a password step.
        assert response.status_code not in (401, 403) and response.status_code < 500
    elif _allowed(app, account, rule, view):
        assert response.status_code not in (401, 403) and not sent_to_login, (
            f"{role} holds the permission for {method} {rule} but got {response.status_code} {location}"
        )
        assert response.status_code < 500
    elif role == "anonymous":
        if api:
            assert response.status_code == 401
        else:
            assert sent_to_login, f"anonymous {method} {rule}: {response.status_code} {location}"
    else:
        assert response.status_code == 403, (
            f"{role} {method} {rule}: {response.status_code} {location}"
        )


def test_a_maintainer_cannot_edit_another_organisations_component(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    outsider = sign_in(app.test_client(), accounts_of["outsider"])
    assert outsider.get(f"/componenten/{COMPONENT}/wijzigen").status_code == 403
    own = sign_in(app.test_client(), accounts_of["maintainer"])
    assert own.get(f"/componenten/{COMPONENT}/wijzigen").status_code == 200


def test_a_submission_is_private_to_its_organisation_and_the_reviewers(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    author = sign_in(app.test_client(), accounts_of["maintainer"])
    created = author.post("/bijdragen/nieuw", data={"csrf_token": _token(author)})
    path = created.headers["Location"].rsplit("/", 1)[0]
    assert sign_in(app.test_client(), accounts_of["outsider"]).get(path).status_code == 403
    assert sign_in(app.test_client(), accounts_of["reviewer"]).get(path).status_code == 200
    assert app.test_client().get(path).status_code == 302


def test_a_reviewer_cannot_approve_their_own_submission(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    with app.extensions["catalogue_db"].session() as session:
        reviewer = accounts.get_user(session, accounts_of["reviewer"].id)
        change = submissions.start_update(session, COMPONENT, actor=reviewer)
        submissions.submit_for_review(session, change.id, actor=reviewer)
        change_id = change.id
    client = sign_in(app.test_client(), accounts_of["reviewer"])
    response = client.post(
        f"/beoordelen/{change_id}", data={"decision": "approve", "csrf_token": _token(client)}
    )
    assert response.status_code == 403


def test_only_a_municipality_disputes_a_claim(app: Any, accounts_of: dict[str, Account]) -> None:
    supplier = sign_in(app.test_client(), accounts_of["outsider"])  # Conduction is a supplier
    page = supplier.get(f"/componenten/{COMPONENT}/betwisten")
    assert "Alleen accounts van een gemeente" in page.get_data(as_text=True)
    response = supplier.post(
        f"/componenten/{COMPONENT}/betwisten",
        data={"claim": "x", "reason": "y", "csrf_token": _token(supplier)},
    )
    assert response.status_code == 403


def _token(client: Any) -> str:
    from tests.accounts import csrf_of

    return csrf_of(client, "/bijdragen")
