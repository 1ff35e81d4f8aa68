"""Small validators for the formats publiccode.yml values take: URLs, dates, BCP 47 language
tags, SPDX licence expressions and text length in graphemes."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import langcodes
import regex
from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

from catalogue.publiccode import vocab

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
_EMAIL = re.compile(
    r"[^@\s<>()\[\],;:\"\\]+@[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)*", re.UNICODE
)
_MIME = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# SPDX allows a licence defined in another document; packaging's PEP 639 grammar knows only
# LicenseRef-, so the DocumentRef-...: prefix is checked here and then set aside.
_DOCUMENT_REF = re.compile(r"documentref-[a-z0-9.-]+:(?=licenseref-)", re.IGNORECASE)
_GRAPHEME = regex.compile(r"\X")
# langcodes also reads POSIX-style tags (en_GB); BCP 47 subtags are letters and digits only.
_BCP47_SHAPE = re.compile(r"[A-Za-z0-9]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_IPA_CODE = re.compile(r"[A-Za-z0-9_]{2,}")


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
    """A valid BCP 47 tag (langcodes, on the IANA subtag registry) whose region, if it names a
    country, is an ISO 3166-1 country: the registry's private-use and grouping regions (QQ, EU,
    UN) are not places a description can be written for."""
    if not _BCP47_SHAPE.fullmatch(tag):
        return False
    try:
        if not langcodes.tag_is_valid(tag):
            return False
        region = langcodes.Language.get(tag, normalize=False).territory
    except (ValueError, LookupError):
        return False
    return region is None or region.isdigit() or region.upper() in vocab.COUNTRIES


def is_spdx_expression(expression: str) -> bool:
    """An SPDX licence expression (ids, `+`, WITH, AND, OR, parentheses, LicenseRef-), checked
    by `packaging.licenses` against the SPDX licence list that packaging ships.

    Public: the submissions service and the contribution form check a licence with the same
    grammar as the parser."""
    try:
        canonicalize_license_expression(_DOCUMENT_REF.sub("", expression))
    except InvalidLicenseExpression:
        return False
    return True


def _graphemes(text: str) -> int:
    """Count user-perceived characters: Unicode extended grapheme clusters (`regex`'s \\X)."""
    return len(_GRAPHEME.findall(text))


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))
