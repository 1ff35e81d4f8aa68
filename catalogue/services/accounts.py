"""Accounts: registration, passwords (argon2), roles, TOTP and personal API tokens.

Services take a Session, flush when they must, never commit, check permission first and raise
domain errors. Messages are English sentences; the web layer translates the ones it shows.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import re
import secrets
import string
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from catalogue.errors import ErrorCode, FieldError, NotAuthorized, NotFound, ValidationError
from catalogue.models import ApiToken, AuditEvent, Organisation, OrgRole, Role, User
from catalogue.services import audit
from catalogue.services.audit import AuditKind
from catalogue.services.permissions import Permission, has, require

COMMON_PASSWORDS_FILE = Path(__file__).resolve().parents[2] / "data" / "common-passwords.txt"
PASSWORD_MIN_LENGTH = 12
# argon2 hashes any length, but a megabyte "password" is a cheap way to make us work hard.
PASSWORD_MAX_LENGTH = 1024
TOTP_ISSUER = "Componentenwijzer"
TOKEN_PREFIX = "cw_"  # noqa: S105 - a name or message, not a secret
TOKEN_LIFETIME_DAYS = 90
# Failed logins of one account within the window before it is locked for that window.
LOCKOUT_ATTEMPTS = 10
LOCKOUT_MINUTES = 15

# Why a field is refused: stable codes (catalogue/errors.py); the pages translate them.
EMAIL_INVALID = FieldError(ErrorCode.EMAIL_INVALID)
EMAIL_TAKEN = FieldError(ErrorCode.EMAIL_TAKEN)
PASSWORD_TOO_SHORT = FieldError(ErrorCode.PASSWORD_TOO_SHORT, minimum=PASSWORD_MIN_LENGTH)
PASSWORD_TOO_LONG = FieldError(ErrorCode.PASSWORD_TOO_LONG, maximum=PASSWORD_MAX_LENGTH)
PASSWORD_COMMON = FieldError(ErrorCode.PASSWORD_COMMON)
PASSWORD_HAS_EMAIL = FieldError(ErrorCode.PASSWORD_HAS_EMAIL)
ORGANISATION_UNKNOWN = FieldError(ErrorCode.ORGANISATION_UNKNOWN)
ROLE_UNKNOWN = FieldError(ErrorCode.ROLE_UNKNOWN)
TOTP_WRONG = FieldError(ErrorCode.TOTP_WRONG)
TOKEN_NAME_REQUIRED = FieldError(ErrorCode.TOKEN_NAME_REQUIRED)
SCOPE_UNKNOWN = FieldError(ErrorCode.SCOPE_UNKNOWN)

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# zxcvbn's list leaves out what its pattern matchers catch; these catch the worst of those.
_REPEATED = re.compile(r"(.+?)\1+")
_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiopasdfghjklzxcvbnm",
    "azertyuiopqsdfghjklmwxcvbn",
    "1234567890" * 2,
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
)
_hasher = PasswordHasher()


class TokenScope(enum.StrEnum):
    """What a personal API token may be used for."""

    SUBMIT = "submissions:write"  # PUT /api/v1/components/<slug>/publiccode


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# ---------------------------------------------------------------- passwords


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lowercased (see the file's header for its origin)."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def password_problems(password: str, *, email: str = "") -> list[str]:
    """Why ``password`` is not good enough; empty when it is."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return [PASSWORD_TOO_SHORT]
    if len(password) > PASSWORD_MAX_LENGTH:
        return [PASSWORD_TOO_LONG]
    lowered = password.lower()
    stripped = lowered.rstrip(string.digits + string.punctuation + " ")
    common = common_passwords()
    if lowered in common or stripped in common or len(set(lowered)) < 5 or _is_pattern(lowered):
        return [PASSWORD_COMMON]
    local_part = email.split("@", 1)[0].lower()
    if len(local_part) >= 4 and local_part in lowered:
        return [PASSWORD_HAS_EMAIL]
    return []


def _is_pattern(lowered: str) -> bool:
    """A repeated chunk ("passwordpassword") or a run along the keyboard or alphabet."""
    if _REPEATED.fullmatch(lowered):
        return True
    core = re.sub(r"[^a-z0-9]", "", lowered)
    return any(core in sequence or core in sequence[::-1] for sequence in _SEQUENCES)


def hash_password(password: str) -> str:
    """An argon2id hash (argon2-cffi's defaults, RFC 9106's low-memory profile)."""
    return _hasher.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def normalise_email(email: str) -> str:
    """E-mail addresses compare without case and surrounding space."""
    return email.strip().lower()


# ---------------------------------------------------------------- registration and login


def registrable_organisations(session: Session) -> list[Organisation]:
    """The organisations an account can belong to, by name."""
    return list(session.scalars(select(Organisation).order_by(func.lower(Organisation.name))))


def register(
    session: Session,
    *,
    email: str,
    password: str,
    organisation_id: int | None,
    role: str = Role.MAINTAINER,
    actor: User | None = None,
    trusted: bool = False,
    display_name: str | None = None,
    remote_addr: str | None = None,
) -> User:
    """Create an account.

    Anyone may register as a maintainer. Any other role needs an admin (``actor``), or a trusted
    caller: the ``create-user`` command of someone with shell access.
    """
    if role != Role.MAINTAINER and not trusted:
        require(actor, Permission.MANAGE_USERS)
    errors: dict[str, list[str]] = {}
    address = normalise_email(email)
    if len(address) > 254 or not _EMAIL.fullmatch(address):
        errors["email"] = [EMAIL_INVALID]
    elif session.scalar(select(User.id).where(User.email == address)) is not None:
        errors["email"] = [EMAIL_TAKEN]
    problems = password_problems(password, email=address)
    if problems:
        errors["password"] = problems
    organisation = session.get(Organisation, organisation_id) if organisation_id else None
    if organisation is None:
        errors["organisation"] = [ORGANISATION_UNKNOWN]
    if role not in set(Role):
        errors["role"] = [ROLE_UNKNOWN]
    if errors:
        if errors.get("email") == [EMAIL_TAKEN]:
            # As slow as a registration that succeeds, so timing does not tell either.
            hash_password(password[:PASSWORD_MAX_LENGTH])
        raise ValidationError(errors)
    user = User(
        email=address,
        password_hash=hash_password(password),
        role=str(role),
        organisation=organisation,
        display_name=(display_name or "").strip()[:100] or None,
        # Whoever creates an account by hand vouches for its organisation.
        organisation_confirmed=actor is not None or trusted,
    )
    session.add(user)
    session.flush()
    kind = AuditKind.REGISTERED if actor is None and not trusted else AuditKind.USER_CREATED
    audit.record(
        session,
        kind,
        actor=actor,
        actor_label=None if actor else address,
        subject=address,
        detail={"role": str(role), "organisation": organisation.slug if organisation else None},
        remote_addr=remote_addr,
    )
    return user


def note_existing_registration(
    session: Session, email: str, *, remote_addr: str | None = None
) -> User | None:
    """Someone registered with an address that has an account: log it for the account.

    The registration page answers as if it were new (no enumeration); the news belongs to the
    address's owner, so the caller e-mails it to the account it returns, where e-mail is set up.
    """
    user = session.scalar(select(User).where(User.email == normalise_email(email)[:254]))
    if user is None:
        return None
    audit.record(
        session,
        AuditKind.REGISTERED_AGAIN,
        actor=user,
        subject=user.email,
        remote_addr=remote_addr,
    )
    return user


def authenticate(
    session: Session,
    email: str,
    password: str,
    *,
    remote_addr: str | None = None,
    lockout_attempts: int = LOCKOUT_ATTEMPTS,
    lockout_minutes: int = LOCKOUT_MINUTES,
) -> User | None:
    """The account when e-mail and password match an active account; None otherwise.

    A failed attempt is logged. An unknown address costs as much time as a wrong password, so
    timing does not tell which addresses have an account. A second factor may still be due.
    After ``lockout_attempts`` failures within ``lockout_minutes`` the account refuses even the
    right password until that time has passed (a per-account limit beside the per-address one,
    which many addresses together would not hit).
    """
    address = normalise_email(email)[:254]
    # PostgreSQL cannot even compare text with a NUL in it; no address has one.
    lookup = bool(address) and "\x00" not in address
    user = session.scalar(select(User).where(User.email == address)) if lookup else None
    if user is None:
        try:
            _hasher.verify(_dummy_hash(), password[:PASSWORD_MAX_LENGTH])
        except VerificationError:
            pass
        audit.record(
            session,
            AuditKind.LOGIN_FAILED,
            actor_label=address or None,
            detail={"reason": "unknown account"},
            remote_addr=remote_addr,
        )
        return None
    if lockout_attempts > 0 and _is_locked(session, user, lockout_attempts, lockout_minutes):
        try:
            _hasher.verify(_dummy_hash(), password[:PASSWORD_MAX_LENGTH])
        except VerificationError:
            pass
        audit.record(
            session,
            AuditKind.LOGIN_FAILED,
            actor=user,
            detail={"reason": "locked"},
            remote_addr=remote_addr,
        )
        return None
    try:
        _hasher.verify(user.password_hash, password[:PASSWORD_MAX_LENGTH])
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        audit.record(
            session,
            AuditKind.LOGIN_FAILED,
            actor=user,
            detail={"reason": "wrong password"},
            remote_addr=remote_addr,
        )
        return None
    if not user.active:
        audit.record(
            session,
            AuditKind.LOGIN_FAILED,
            actor=user,
            detail={"reason": "inactive"},
            remote_addr=remote_addr,
        )
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _is_locked(session: Session, user: User, attempts: int, minutes: int) -> bool:
    """Were there ``attempts`` failed logins within ``minutes``, since the last good one?"""
    since = _now() - dt.timedelta(minutes=minutes)
    if user.last_login_at is not None and _aware(user.last_login_at) > since:
        since = _aware(user.last_login_at)
    failures = session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.kind == AuditKind.LOGIN_FAILED,
            AuditEvent.actor_id == user.id,
            AuditEvent.occurred_at > since,
        )
    )
    return int(failures or 0) >= attempts


def record_refused_login(session: Session, email: str, *, remote_addr: str | None = None) -> None:
    """Log a login refused before its password was checked (a control character, say)."""
    audit.record(
        session,
        AuditKind.LOGIN_FAILED,
        actor_label=normalise_email(email)[:254] or None,
        detail={"reason": "invalid input"},
        remote_addr=remote_addr,
    )


def complete_login(session: Session, user: User, *, remote_addr: str | None = None) -> None:
    """Record a login that passed every factor it needed."""
    user.last_login_at = _now()
    audit.record(
        session,
        AuditKind.LOGIN,
        actor=user,
        detail={"totp": user.needs_totp},
        remote_addr=remote_addr,
    )


def record_logout(session: Session, user: User, *, remote_addr: str | None = None) -> None:
    """Log a logout and end every session and remember cookie of the account on the server.

    The session id holds the account's nonce (``User.get_id``); a new nonce makes every copy of a
    session or remember cookie worthless, wherever it is kept.
    """
    account = get_user(session, user.id)
    account.session_nonce = secrets.token_hex(16)
    audit.record(session, AuditKind.LOGOUT, actor=account, remote_addr=remote_addr)
    session.flush()


def end_other_sessions(session: Session, user: User, *, remote_addr: str | None = None) -> str:
    """End every session of the account ("overal uitloggen"; after a password change or reset).

    Returns the account's new session id: the caller logs its own request in again with it
    (``login_user``), so only the *other* sessions end.
    """
    require(user, Permission.MANAGE_OWN_ACCOUNT)
    account = get_user(session, user.id)
    account.session_nonce = secrets.token_hex(16)
    audit.record(session, AuditKind.SESSIONS_ENDED, actor=account, remote_addr=remote_addr)
    session.flush()
    return account.get_id()


def user_for_session_id(session: Session, session_id: str) -> User | None:
    """The account a session id (``"<id>:<nonce>"``) names, if it is still valid and active."""
    user_id, _, nonce = str(session_id).partition(":")
    if not user_id.isdigit() or not nonce:
        return None
    user = session.scalar(
        select(User).where(User.id == int(user_id)).options(selectinload(User.organisation))
    )
    if user is None or not user.active or not hmac.compare_digest(user.session_nonce, nonce):
        return None
    return user


def get_user(session: Session, user_id: int) -> User:
    """One account by id, or NotFound."""
    user = session.get(User, user_id)
    if user is None:
        msg = f"no account {user_id}"
        raise NotFound(msg)
    return user


# ---------------------------------------------------------------- TOTP


def new_totp_secret() -> str:
    """A fresh base32 secret for an authenticator app."""
    return pyotp.random_base32()


def totp_uri(email: str, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)


def _matching_step(secret: str, code: str, now: dt.datetime) -> int | None:
    """The time step whose code is ``code``: this one, or one either side for clock drift."""
    code = code.strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // totp.interval
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify_totp(
    session: Session,
    user: User,
    code: str,
    *,
    secret: str | None = None,
    now: dt.datetime | None = None,
    remote_addr: str | None = None,
) -> bool:
    """True when ``code`` is the user's current code and has not been used before.

    Each accepted time step is remembered, so a code seen by someone else (or sent twice) is
    refused afterwards. ``secret`` checks a secret that is being set up instead of the stored one.
    """
    key = secret or user.totp_secret
    step = _matching_step(key, code, now or _now()) if key else None
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        audit.record(
            session,
            AuditKind.TOTP_FAILED,
            actor=user,
            detail={"replay": step is not None},
            remote_addr=remote_addr,
        )
        return False
    user.totp_last_step = step
    return True


def enable_totp(
    session: Session, user: User, secret: str, code: str, *, remote_addr: str | None = None
) -> None:
    """Switch TOTP on once the user proved their app produces the codes for ``secret``."""
    if not verify_totp(session, user, code, secret=secret, remote_addr=remote_addr):
        raise ValidationError({"code": [TOTP_WRONG]})
    user.totp_secret = secret
    audit.record(session, AuditKind.TOTP_ENABLED, actor=user, remote_addr=remote_addr)


# ---------------------------------------------------------------- administration


def list_users(session: Session, *, actor: User) -> list[User]:
    """Every account, by e-mail address; admins only."""
    require(actor, Permission.MANAGE_USERS)
    return list(
        session.scalars(select(User).options(selectinload(User.organisation)).order_by(User.email))
    )


def change_role(
    session: Session, user_id: int, role: str, *, actor: User, remote_addr: str | None = None
) -> User:
    """Give an account another role. Its sessions end, so the new role starts at a new login."""
    require(actor, Permission.MANAGE_USERS)
    if role not in set(Role):
        raise ValidationError({"role": [ROLE_UNKNOWN]})
    user = get_user(session, user_id)
    if user.id == actor.id and role != Role.ADMIN:
        raise ValidationError({"role": [FieldError(ErrorCode.OWN_ADMIN_ROLE)]})
    before = user.role
    if before == role:
        return user
    user.role = str(role)
    user.session_nonce = secrets.token_hex(16)
    audit.record(
        session,
        AuditKind.ROLE_CHANGED,
        actor=actor,
        subject=user.email,
        detail={"from": before, "to": str(role)},
        remote_addr=remote_addr,
    )
    session.flush()
    return user


def update_account(
    session: Session,
    user_id: int,
    *,
    actor: User,
    active: bool | None = None,
    organisation_id: int | None = None,
    organisation_confirmed: bool | None = None,
    remote_addr: str | None = None,
) -> User:
    """Activate or deactivate an account, move it to another organisation, or confirm it."""
    require(actor, Permission.MANAGE_USERS)
    user = get_user(session, user_id)
    changes: dict[str, object] = {}
    if active is not None and active != user.active:
        if user.id == actor.id and not active:
            raise ValidationError({"active": [FieldError(ErrorCode.OWN_ACCOUNT_ACTIVE)]})
        user.active = active
        changes["active"] = active
    if organisation_id is not None and organisation_id != user.organisation_id:
        organisation = session.get(Organisation, organisation_id)
        if organisation is None:
            raise ValidationError({"organisation": [ORGANISATION_UNKNOWN]})
        user.organisation = organisation
        changes["organisation"] = organisation.slug
    if organisation_confirmed is not None and organisation_confirmed != user.organisation_confirmed:
        user.organisation_confirmed = organisation_confirmed
        user.membership_decided_at = _now()
        changes["organisation_confirmed"] = organisation_confirmed
    if changes:
        if "active" in changes or "organisation" in changes:
            user.session_nonce = secrets.token_hex(16)
        audit.record(
            session,
            AuditKind.ACCOUNT_CHANGED,
            actor=actor,
            subject=user.email,
            detail=changes,
            remote_addr=remote_addr,
        )
        session.flush()
    return user


# ---------------------------------------------------------------- membership


class MembershipDecision(enum.StrEnum):
    """What an admin or a beheerder decides about an account's membership."""

    CONFIRM = "confirm"  # also: change a confirmed member's organisation role
    REFUSE = "refuse"  # a pending account is not a member
    REMOVE = "remove"  # a confirmed member is one no longer


ORG_ROLE_UNKNOWN = FieldError(ErrorCode.ORG_ROLE_UNKNOWN)
DECISION_UNKNOWN = FieldError(ErrorCode.DECISION_UNKNOWN)


def _members_query(actor: User) -> Select[User]:
    """Accounts whose membership ``actor`` may decide: all for an admin, else their organisation's."""
    require(actor, Permission.CONFIRM_MEMBERS)
    query = select(User).options(selectinload(User.organisation)).where(User.id != actor.id)
    if not has(actor, Permission.MANAGE_USERS):
        query = query.where(User.organisation_id == actor.organisation_id)
    return query


def pending_members(session: Session, *, actor: User) -> list[User]:
    """Accounts waiting for a decision about their membership, oldest first."""
    query = _members_query(actor).where(
        User.organisation_confirmed.is_(False),
        User.membership_decided_at.is_(None),
        User.active.is_(True),
    )
    return list(session.scalars(query.order_by(User.created_at, User.id)))


def confirmed_members(session: Session, *, actor: User) -> list[User]:
    """Confirmed members ``actor`` may change or remove."""
    query = _members_query(actor).where(User.organisation_confirmed.is_(True))
    return list(session.scalars(query.order_by(User.organisation_id, User.email)))


def decide_membership(
    session: Session,
    user_id: int,
    decision: str,
    *,
    actor: User,
    organisation_role: str = OrgRole.VIEWER,
    remote_addr: str | None = None,
) -> User:
    """Confirm, refuse or remove an account's membership of its organisation; audited.

    Admins decide for every organisation, a confirmed beheerder for their own. Nobody decides
    about their own account.
    """
    require(actor, Permission.CONFIRM_MEMBERS)
    if decision not in set(MembershipDecision):
        raise ValidationError({"decision": [DECISION_UNKNOWN]})
    if organisation_role not in set(OrgRole):
        raise ValidationError({"organisation_role": [ORG_ROLE_UNKNOWN]})
    user = get_user(session, user_id)
    if user.id == actor.id:
        msg = "nobody decides about their own membership"
        raise NotAuthorized(msg)
    if not has(actor, Permission.MANAGE_USERS) and user.organisation_id != actor.organisation_id:
        msg = "a beheerder decides only about members of their own organisation"
        raise NotAuthorized(msg)
    before = {"confirmed": user.organisation_confirmed, "role": user.organisation_role}
    if decision == MembershipDecision.CONFIRM:
        user.organisation_confirmed = True
        user.organisation_role = str(organisation_role)
        kind = AuditKind.MEMBER_CONFIRMED
    else:
        if decision == MembershipDecision.REMOVE and not user.organisation_confirmed:
            raise ValidationError({"decision": [FieldError(ErrorCode.NOT_A_CONFIRMED_MEMBER)]})
        user.organisation_confirmed = False
        user.organisation_role = str(OrgRole.VIEWER)
        kind = (
            AuditKind.MEMBER_REFUSED
            if decision == MembershipDecision.REFUSE
            else AuditKind.MEMBER_REMOVED
        )
    user.membership_decided_at = _now()
    audit.record(
        session,
        kind,
        actor=actor,
        subject=user.email,
        detail={
            "organisation": user.organisation.slug if user.organisation else None,
            "before": before,
            "role": user.organisation_role,
        },
        remote_addr=remote_addr,
    )
    session.flush()
    return user


# ---------------------------------------------------------------- API tokens


def _token_hash(plaintext: str) -> str:
    # Tokens are long random strings, so a fast hash is enough: nothing to guess offline.
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def create_token(
    session: Session,
    *,
    actor: User,
    name: str,
    scopes: Iterable[str],
    lifetime_days: int = TOKEN_LIFETIME_DAYS,
    remote_addr: str | None = None,
) -> tuple[ApiToken, str]:
    """A new personal token; returns it with its plaintext, which is never stored or shown again."""
    require(actor, Permission.MANAGE_OWN_ACCOUNT)
    wanted = sorted(set(scopes))
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [TOKEN_NAME_REQUIRED]
    if not wanted or any(scope not in set(TokenScope) for scope in wanted):
        errors["scopes"] = [SCOPE_UNKNOWN]
    if errors:
        raise ValidationError(errors)
    if TokenScope.SUBMIT in wanted:
        require(actor, Permission.SUBMIT)
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=actor.id,
        name=name.strip()[:100],
        token_hash=_token_hash(plaintext),
        prefix=plaintext[:10],
        scopes=wanted,
        expires_at=_now() + dt.timedelta(days=max(1, min(lifetime_days, 366))),
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        AuditKind.TOKEN_CREATED,
        actor=actor,
        subject=token.prefix,
        detail={"name": token.name, "scopes": wanted},
        remote_addr=remote_addr,
    )
    return token, plaintext


def tokens_of(session: Session, *, actor: User) -> list[ApiToken]:
    """The actor's own tokens, newest first."""
    require(actor, Permission.MANAGE_OWN_ACCOUNT)
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == actor.id).order_by(ApiToken.id.desc())
        )
    )


def revoke_token(
    session: Session, token_id: int, *, actor: User, remote_addr: str | None = None
) -> ApiToken:
    """Revoke a token: the owner's own, or any token for an admin."""
    require(actor, Permission.MANAGE_OWN_ACCOUNT)
    token = session.get(ApiToken, token_id)
    if token is None:
        msg = f"no token {token_id}"
        raise NotFound(msg)
    if token.user_id != actor.id and not has(actor, Permission.MANAGE_USERS):
        msg = "this is not your token"
        raise NotAuthorized(msg)
    if token.revoked_at is None:
        token.revoked_at = _now()
        audit.record(
            session,
            AuditKind.TOKEN_REVOKED,
            actor=actor,
            subject=token.prefix,
            remote_addr=remote_addr,
        )
    return token


def user_for_token(
    session: Session, plaintext: str, *, scope: TokenScope, remote_addr: str | None = None
) -> User | None:
    """The account behind a bearer token that is valid, unexpired and unrevoked; None if not.

    A valid token without ``scope`` raises NotAuthorized. Every use and refusal is logged.
    """
    if not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 200:
        audit.record(
            session,
            AuditKind.TOKEN_REFUSED,
            detail={"reason": "malformed"},
            remote_addr=remote_addr,
        )
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(plaintext)))
    now = _now()
    reason = None
    if token is None:
        reason = "unknown"
    elif token.revoked_at is not None:
        reason = "revoked"
    elif token.expires_at is not None and _aware(token.expires_at) <= now:
        reason = "expired"
    elif not token.user.active:
        reason = "inactive account"
    if reason is not None or token is None:
        audit.record(
            session,
            AuditKind.TOKEN_REFUSED,
            actor=token.user if token else None,
            subject=token.prefix if token else None,
            detail={"reason": reason},
            remote_addr=remote_addr,
        )
        return None
    if scope not in token.scopes:
        audit.record(
            session,
            AuditKind.TOKEN_REFUSED,
            actor=token.user,
            subject=token.prefix,
            detail={"reason": f"scope {scope.value} missing"},
            remote_addr=remote_addr,
        )
        msg = f"this token lacks the scope {scope.value!r}"
        raise NotAuthorized(msg)
    token.last_used_at = now
    audit.record(
        session,
        AuditKind.TOKEN_USED,
        actor=token.user,
        subject=token.prefix,
        detail={"scope": scope.value},
        remote_addr=remote_addr,
    )
    return token.user


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes for timezone-aware columns; they are UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


# ---------------------------------------------------------------- password reset and change

RESET_SALT = "password-reset"
RESET_TOKEN_INVALID = FieldError(ErrorCode.RESET_TOKEN_INVALID)
PASSWORD_WRONG = FieldError(ErrorCode.PASSWORD_WRONG)


def _reset_fingerprint(user: User) -> str:
    # The token names the password hash and the session nonce it was made for: setting a new
    # password changes both, so a token works once, and any other session end also voids it.
    material = f"{user.password_hash}|{user.session_nonce}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


def password_reset_token(user: User, *, secret: str) -> str:
    """A signed, timestamped token for one password reset of ``user`` (URL-safe)."""
    serializer = URLSafeTimedSerializer(secret, salt=RESET_SALT)
    return str(serializer.dumps([user.id, _reset_fingerprint(user)]))


def request_password_reset(
    session: Session, email: str, *, remote_addr: str | None = None
) -> User | None:
    """The active account for ``email`` that may get a reset link, or None; logged either way.

    The caller sends the link; it must answer the same whether or not an account exists.
    """
    address = normalise_email(email)[:254]
    user = session.scalar(select(User).where(User.email == address)) if address else None
    if user is not None and not user.active:
        user = None
    audit.record(
        session,
        AuditKind.PASSWORD_RESET_ASKED,
        actor=user,
        actor_label=None if user is not None else (address or None),
        detail={"known": user is not None},
        remote_addr=remote_addr,
    )
    session.flush()
    return user


def user_for_reset_token(session: Session, token: str, *, secret: str, max_age: int) -> User:
    """The account a reset token is good for; ValidationError when it expired, was used or is forged."""
    serializer = URLSafeTimedSerializer(secret, salt=RESET_SALT)
    try:
        user_id, fingerprint = serializer.loads(token, max_age=max_age)
    except (BadSignature, ValueError, TypeError) as error:
        raise ValidationError({"token": [RESET_TOKEN_INVALID]}) from error
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if (
        user is None
        or not user.active
        or not isinstance(fingerprint, str)
        or not hmac.compare_digest(_reset_fingerprint(user), fingerprint)
    ):
        raise ValidationError({"token": [RESET_TOKEN_INVALID]})
    return user


def _set_password(user: User, password: str) -> None:
    problems = password_problems(password, email=user.email)
    if problems:
        raise ValidationError({"password": problems})
    user.password_hash = hash_password(password)


def reset_password(
    session: Session,
    token: str,
    password: str,
    *,
    secret: str,
    max_age: int,
    remote_addr: str | None = None,
) -> User:
    """Set a new password with a reset token; the token is spent and every session ends."""
    user = user_for_reset_token(session, token, secret=secret, max_age=max_age)
    _set_password(user, password)
    # Whoever asked for the reset may not be the one logged in elsewhere: end every session.
    user.session_nonce = secrets.token_hex(16)
    audit.record(session, AuditKind.PASSWORD_RESET, actor=user, remote_addr=remote_addr)
    session.flush()
    return user


def change_password(
    session: Session,
    *,
    actor: User,
    current: str,
    new: str,
    remote_addr: str | None = None,
) -> User:
    """Change one's own password after proving the current one; other sessions end."""
    require(actor, Permission.MANAGE_OWN_ACCOUNT)
    user = get_user(session, actor.id)
    try:
        _hasher.verify(user.password_hash, current[:PASSWORD_MAX_LENGTH])
    except (VerifyMismatchError, VerificationError, InvalidHashError) as error:
        raise ValidationError({"current_password": [PASSWORD_WRONG]}) from error
    _set_password(user, new)
    end_other_sessions(session, user, remote_addr=remote_addr)
    audit.record(session, AuditKind.PASSWORD_CHANGED, actor=user, remote_addr=remote_addr)
    session.flush()
    return user
