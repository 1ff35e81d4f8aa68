"""Passwords: what is good enough, and the argon2 hash that stores one."""

from __future__ import annotations

import re
import secrets
import string
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher

from catalogue.errors import ErrorCode, FieldError

COMMON_PASSWORDS_FILE = Path(__file__).resolve().parents[3] / "data" / "common-passwords.txt"
PASSWORD_MIN_LENGTH = 12
# argon2 hashes any length, but a megabyte "password" is a cheap way to make us work hard.
PASSWORD_MAX_LENGTH = 1024

# Why a field is refused: stable codes (catalogue/errors.py); the pages translate them.
PASSWORD_TOO_SHORT = FieldError(ErrorCode.PASSWORD_TOO_SHORT, minimum=PASSWORD_MIN_LENGTH)
PASSWORD_TOO_LONG = FieldError(ErrorCode.PASSWORD_TOO_LONG, maximum=PASSWORD_MAX_LENGTH)
PASSWORD_COMMON = FieldError(ErrorCode.PASSWORD_COMMON)
PASSWORD_HAS_EMAIL = FieldError(ErrorCode.PASSWORD_HAS_EMAIL)


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
