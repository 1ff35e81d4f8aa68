"""Accounts: registration, passwords (argon2), roles, TOTP and personal API tokens.

Services take a Session, flush when they must, never commit, check permission first and raise
domain errors. Messages are English sentences; the web layer translates the ones it shows.

The package, by responsibility:

- ``passwords``: what is good enough, and the argon2 hash;
- ``registration``: a new account;
- ``login``: the password check with its lockout, logging out, the sessions of an account;
- ``totp``: the second factor;
- ``reset``: a forgotten password reset by signed link, and a password change;
- ``administration``: an admin's list of accounts, roles, activation and organisation;
- ``membership``: confirming, refusing and removing members of an organisation;
- ``tokens``: personal API tokens;
- ``common``: the clock, e-mail addresses and ``get_user``, which the others share.

Callers use the names below (``accounts.register``). The modules import each other's
underscore names, which stay inside the package (tests/test_architecture.py).
"""

from __future__ import annotations

# Callers reached the model through this module when it was one file (tests/browser).
from catalogue.models import User
from catalogue.services.accounts.administration import change_role, list_users, update_account
from catalogue.services.accounts.common import get_user, normalise_email
from catalogue.services.accounts.login import (
    LOCKOUT_ATTEMPTS,
    LOCKOUT_MINUTES,
    authenticate,
    complete_login,
    end_other_sessions,
    record_logout,
    record_refused_login,
    user_for_session_id,
)
from catalogue.services.accounts.membership import (
    DECISION_UNKNOWN,
    ORG_ROLE_UNKNOWN,
    MembershipDecision,
    confirmed_members,
    decide_membership,
    pending_members,
)
from catalogue.services.accounts.passwords import (
    COMMON_PASSWORDS_FILE,
    PASSWORD_COMMON,
    PASSWORD_HAS_EMAIL,
    PASSWORD_MAX_LENGTH,
    PASSWORD_MIN_LENGTH,
    PASSWORD_TOO_LONG,
    PASSWORD_TOO_SHORT,
    common_passwords,
    hash_password,
    password_problems,
)
from catalogue.services.accounts.registration import (
    EMAIL_INVALID,
    EMAIL_TAKEN,
    ORGANISATION_UNKNOWN,
    ROLE_UNKNOWN,
    note_existing_registration,
    register,
    registrable_organisations,
)
from catalogue.services.accounts.reset import (
    PASSWORD_WRONG,
    RESET_SALT,
    RESET_TOKEN_INVALID,
    change_password,
    password_reset_token,
    request_password_reset,
    reset_password,
    user_for_reset_token,
)
from catalogue.services.accounts.tokens import (
    SCOPE_UNKNOWN,
    TOKEN_LIFETIME_DAYS,
    TOKEN_NAME_REQUIRED,
    TOKEN_PREFIX,
    TokenScope,
    create_token,
    revoke_token,
    tokens_of,
    user_for_token,
)
from catalogue.services.accounts.totp import (
    TOTP_ISSUER,
    TOTP_WRONG,
    enable_totp,
    new_totp_secret,
    totp_uri,
    verify_totp,
)

__all__ = [
    "COMMON_PASSWORDS_FILE",
    "DECISION_UNKNOWN",
    "EMAIL_INVALID",
    "EMAIL_TAKEN",
    "LOCKOUT_ATTEMPTS",
    "LOCKOUT_MINUTES",
    "ORGANISATION_UNKNOWN",
    "ORG_ROLE_UNKNOWN",
    "PASSWORD_COMMON",
    "PASSWORD_HAS_EMAIL",
    "PASSWORD_MAX_LENGTH",
    "PASSWORD_MIN_LENGTH",
    "PASSWORD_TOO_LONG",
    "PASSWORD_TOO_SHORT",
    "PASSWORD_WRONG",
    "RESET_SALT",
    "RESET_TOKEN_INVALID",
    "ROLE_UNKNOWN",
    "SCOPE_UNKNOWN",
    "TOKEN_LIFETIME_DAYS",
    "TOKEN_NAME_REQUIRED",
    "TOKEN_PREFIX",
    "TOTP_ISSUER",
    "TOTP_WRONG",
    "MembershipDecision",
    "TokenScope",
    "User",
    "authenticate",
    "change_password",
    "change_role",
    "common_passwords",
    "complete_login",
    "confirmed_members",
    "create_token",
    "decide_membership",
    "enable_totp",
    "end_other_sessions",
    "get_user",
    "hash_password",
    "list_users",
    "new_totp_secret",
    "normalise_email",
    "note_existing_registration",
    "password_problems",
    "password_reset_token",
    "pending_members",
    "record_logout",
    "record_refused_login",
    "register",
    "registrable_organisations",
    "request_password_reset",
    "reset_password",
    "revoke_token",
    "tokens_of",
    "totp_uri",
    "update_account",
    "user_for_reset_token",
    "user_for_session_id",
    "user_for_token",
    "verify_totp",
]
