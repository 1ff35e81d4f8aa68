"""Small validators for the formats publiccode.yml values take: URLs, dates, BCP 47 language
tags, SPDX licence expressions and text length in graphemes."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from urllib.parse import urlsplit

from catalogue.publiccode import vocab

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
_EMAIL = re.compile(
    r"[^@\s<>()\[\],;:\"\\]+@[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)*", re.UNICODE
)
_MIME = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SPDX_TOKEN = re.compile(r"\s*(\(|\)|[A-Za-z0-9.:+-]+)")
_LICENSE_REF = re.compile(r"(documentref-[a-z0-9.-]+:)?licenseref-[a-z0-9.-]+")
_IPA_CODE = re.compile(r"[A-Za-z0-9_]{2,}")
_LANGUAGES_2 = frozenset(code.lower() for code in vocab.LANGUAGES_2)
_LANGUAGES_3 = frozenset(code.lower() for code in vocab.LANGUAGES_3)
_SCRIPTS = frozenset(code.lower() for code in vocab.SCRIPTS)
_COUNTRIES_LOWER = frozenset(code.lower() for code in vocab.COUNTRIES)
_LICENSES = frozenset(code.lower() for code in vocab.SPDX_LICENSES)
_EXCEPTIONS = frozenset(code.lower() for code in vocab.SPDX_EXCEPTIONS)


def _is_url(value: str) -> bool:
    """An absolute URL, as the official parser's `url_url` rule accepts it."""
    if not value or any(ch.isspace() for ch in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    if not parts.scheme or not _SCHEME.fullmatch(parts.scheme):
        return False
    opaque = bool(parts.path) and not parts.path.startswith("/") and not parts.netloc
    return bool(parts.netloc or parts.fragment or opaque)


def _is_http_url(value: str) -> bool:
    """An http(s) URL with a host (the official parser's `url_http_url`)."""
    if not _is_url(value):
        return False
    parts = urlsplit(value)
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _is_uri(value: str) -> bool:
    """An absolute URI such as https://... or urn:... (used for organisation identifiers)."""
    if not value or any(ch.isspace() for ch in value):
        return False
    scheme, sep, rest = value.partition(":")
    return bool(sep and rest and _SCHEME.fullmatch(scheme))


def _is_date(value: str) -> bool:
    if not _DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_language_tag(tag: str) -> bool:
    """Check a BCP 47 tag: well-formed, with a known language, script and region."""
    subtags = tag.split("-")
    if not all(subtags):
        return False
    first = subtags[0].lower()
    if first == "x":
        return len(subtags) > 1 and all(re.fullmatch(r"[A-Za-z0-9]{1,8}", s) for s in subtags[1:])
    if not (
        (len(first) == 2 and first in _LANGUAGES_2) or (len(first) == 3 and first in _LANGUAGES_3)
    ):
        return False
    rest = [s.lower() for s in subtags[1:]]
    position = 0
    # extlang (up to three), script, region, variants, then extensions and private use
    while position < len(rest) and position < 3 and re.fullmatch(r"[a-z]{3}", rest[position]):
        if rest[position] not in _LANGUAGES_3:
            return False
        position += 1
    if position < len(rest) and re.fullmatch(r"[a-z]{4}", rest[position]):
        if rest[position] not in _SCRIPTS:
            return False
        position += 1
    if position < len(rest) and re.fullmatch(r"[a-z]{2}|[0-9]{3}", rest[position]):
        if rest[position].isalpha() and rest[position] not in _COUNTRIES_LOWER:
            return False
        position += 1
    while position < len(rest) and re.fullmatch(r"[a-z0-9]{5,8}|[0-9][a-z0-9]{3}", rest[position]):
        position += 1
    while position < len(rest):
        singleton = rest[position]
        if not re.fullmatch(r"[0-9a-z]", singleton):
            return False
        position += 1
        pattern = r"[a-z0-9]{1,8}" if singleton == "x" else r"[a-z0-9]{2,8}"
        start = position
        while position < len(rest) and re.fullmatch(pattern, rest[position]):
            if singleton != "x" and len(rest[position]) == 1:
                break
            position += 1
        if position == start:
            return False
        if singleton == "x":
            return position == len(rest)
    return True


def _is_spdx_expression(expression: str) -> bool:
    """Check an SPDX licence expression (ids, `+`, WITH, AND, OR, parentheses)."""
    tokens: list[str] = []
    position = 0
    text = expression.strip()
    while position < len(text):
        match = _SPDX_TOKEN.match(text, position)
        if match is None:
            return False
        tokens.append(match.group(1))
        position = match.end()
    if not tokens:
        return False
    index = 0

    def peek() -> str | None:
        return tokens[index] if index < len(tokens) else None

    def license_id(token: str) -> bool:
        lowered = token.lower()
        if lowered.startswith(("licenseref-", "documentref-")):
            return _LICENSE_REF.fullmatch(lowered) is not None
        return lowered.removesuffix("+") in _LICENSES

    def simple() -> bool:
        nonlocal index
        token = peek()
        if token is None:
            return False
        if token == "(":  # noqa: S105 - a parenthesis token, not a password
            index += 1
            if not expr() or peek() != ")":
                return False
            index += 1
            return True
        if token.upper() in ("AND", "OR", "WITH") or not license_id(token):
            return False
        index += 1
        if (peek() or "").upper() == "WITH":
            index += 1
            exception = peek()
            if exception is None or exception.lower() not in _EXCEPTIONS:
                return False
            index += 1
        return True

    def term() -> bool:
        nonlocal index
        if not simple():
            return False
        while (peek() or "").upper() == "AND":
            index += 1
            if not simple():
                return False
        return True

    def expr() -> bool:
        nonlocal index
        if not term():
            return False
        while (peek() or "").upper() == "OR":
            index += 1
            if not term():
                return False
        return True

    return expr() and index == len(tokens)


def _graphemes(text: str) -> int:
    """Count user-perceived characters (approximating Unicode grapheme clusters)."""
    count = 0
    previous: str | None = None
    after_joiner = False
    open_flag = False  # the previous character began a regional-indicator (flag) pair
    for char in text:
        code = ord(char)
        regional = 0x1F1E6 <= code <= 0x1F1FF
        before = ord(previous) if previous is not None else -1
        extends = previous is not None and (
            unicodedata.category(char) in ("Mn", "Me", "Mc")
            or 0xFE00 <= code <= 0xFE0F
            or 0xE0100 <= code <= 0xE01EF
            or 0x1F3FB <= code <= 0x1F3FF
            or 0xE0020 <= code <= 0xE007F
            or code == 0x200D
            or after_joiner
            or (char == "\n" and previous == "\r")
            or (0x1160 <= code <= 0x11FF and 0x1100 <= before <= 0x11FF)
            or (0x11A8 <= code <= 0x11FF and 0xAC00 <= before <= 0xD7A3)
            or (regional and open_flag)
        )
        if not extends:
            count += 1
        open_flag = regional and not (extends and open_flag)
        after_joiner = code == 0x200D
        previous = char
    return count


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))
