"""Parse and validate publiccode.yml files into catalogue records with located issues.

Two modes share one reader:

- ``parse(data, strict=True)`` validates against the publiccode.yml standard (major version
  0, i.e. 0.2 up to 0.7) the way the official Go parser (italia/publiccode-parser-go) does,
  without any network access: every problem is an error with the key path the official parser
  would name and a line/column.
- ``parse(data)`` (lenient, the default) is what the catalogue uses for real files. It keeps the
  meaning of anything it can understand, records a warning for every deviation from the
  standard, and rejects only what it cannot understand (no ``name``, no ``url``, broken YAML,
  a document that is not a mapping, unsafe input).

Safety: input size is capped before decoding, the text must be UTF-8, YAML anchors and aliases
are refused outright (no "billion laughs"), nesting depth is capped, and Python values are built
from the YAML event stream by this module (``yaml.load`` never runs on untrusted input), so
every value keeps its line and column. Scalars are resolved with the YAML 1.2 core schema, as
the official parser does: ``yes``/``no`` are text, and dates stay text until validated here.

This module is pure: standard library and PyYAML only; no Flask, no database, no network.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final, Literal
from urllib.parse import urlsplit

import yaml

from catalogue import publiccode_vocab as vocab

__all__ = ["MAX_BYTES", "MAX_DEPTH", "Issue", "ParseResult", "PubliccodeError", "parse"]

MAX_BYTES: Final = 1024 * 1024
# Real publiccode.yml files nest at most five levels (description.en.features[0] is three);
# twenty leaves room for extensions while stopping pathological nesting early.
MAX_DEPTH: Final = 20

# Versions of major version 0 that the standard published. The official parser's list lacks
# 0.6; we accept it because 0.6 is a published v0 release and files declare it.
SUPPORTED_VERSIONS: Final = frozenset(
    {"0", "0.2", "0.2.0", "0.2.1", "0.2.2", "0.3", "0.3.0", "0.4", "0.4.0", "0.5", "0.5.0"}
    | {"0.6", "0.6.0", "0.7", "0.7.0"}
)
LATEST_VERSION: Final = "0.7"

DEVELOPMENT_STATUSES: Final = ("concept", "development", "beta", "stable", "obsolete")
SOFTWARE_TYPES: Final = (
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
)
MAINTENANCE_TYPES: Final = ("internal", "contract", "community", "none")
COMMON_GROUND_LAYERS: Final = ("interaction", "process", "integration", "service", "data")
LOGO_EXTENSIONS: Final = (".svg", ".svgz", ".png")


@dataclass(frozen=True)
class Issue:
    """One problem found in a publiccode.yml file, located where possible."""

    key: str
    line: int | None
    column: int | None
    message: str
    message_nl: str
    code: str

    def as_dict(self) -> dict[str, object]:
        """Return the issue as a plain dict (for JSON and templates)."""
        return {
            "key": self.key,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "message_nl": self.message_nl,
            "code": self.code,
        }


@dataclass(frozen=True)
class ParseResult:
    """The outcome of `parse`: a verdict, the normalised record and the located issues."""

    valid: bool
    version: str | None
    record: dict[str, Any] | None
    errors: tuple[Issue, ...]
    warnings: tuple[Issue, ...]


class PubliccodeError(Exception):
    """Raised inside the reader to stop at an input it must refuse; never escapes `parse`."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.message)
        self.issue = issue


# --------------------------------------------------------------------------------------------
# Safe loading: bytes -> text -> node tree
# --------------------------------------------------------------------------------------------

_Kind = Literal["map", "seq", "scalar"]


@dataclass(eq=False)
class _Node:
    """A YAML node with its 1-based position; scalars keep their text and resolved type."""

    kind: _Kind
    line: int
    column: int
    text: str = ""
    type: str = "str"  # scalars: str | int | float | bool | null
    plain: bool = False
    pairs: list[tuple[_Node, _Node]] = field(default_factory=list)
    items: list[_Node] = field(default_factory=list)
    pending_key: _Node | None = None


# YAML 1.2 core schema, which the official parser follows (YAML 1.1 "yes"/"no" are text).
_CORE_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_CORE_BOOL = frozenset({"true", "True", "TRUE", "false", "False", "FALSE"})
_CORE_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_CORE_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_YAML11_TRUE = frozenset({"yes", "on", "y", "true"})
_YAML11_FALSE = frozenset({"no", "off", "n", "false"})
_CORE_TAGS = {
    "tag:yaml.org,2002:str": "str",
    "tag:yaml.org,2002:int": "int",
    "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:bool": "bool",
    "tag:yaml.org,2002:null": "null",
}
# What YAML itself refuses in a text stream (YAML 1.1 "printable"), found up front so the
# message can name the character and its place.
_NOT_PRINTABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
)
_UTF16_32_BOMS = (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"\xfe\xff", b"\xff\xfe")


def _issue(code: str, key: str, where: _Node | tuple[int, int] | None, en: str, nl: str) -> Issue:
    if isinstance(where, _Node):
        line, column = where.line, where.column
    elif where is None:
        line = column = None
    else:
        line, column = where
    return Issue(key=key, line=line, column=column, message=en, message_nl=nl, code=code)


def _position_in_text(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def _decode(data: bytes | str) -> str:
    """Turn the input into text, refusing oversized, non-UTF-8 and binary input."""
    if isinstance(data, str):
        if len(data) > MAX_BYTES:  # every character is at least one byte: no need to encode
            raise PubliccodeError(_too_large(len(data)))
        try:
            size = len(data.encode("utf-8"))
        except UnicodeEncodeError as exc:
            where = _position_in_text(data, exc.start)
            raise PubliccodeError(_not_utf8(where)) from None
        if size > MAX_BYTES:
            raise PubliccodeError(_too_large(size))
        text = data
    elif isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        if len(raw) > MAX_BYTES:
            raise PubliccodeError(_too_large(len(raw)))
        if raw.startswith(_UTF16_32_BOMS) and not raw.startswith(b"\xef\xbb\xbf"):
            raise PubliccodeError(
                _issue(
                    "not-utf8",
                    "",
                    (1, 1),
                    "The file is UTF-16 or UTF-32 encoded; publiccode.yml must be UTF-8.",
                    "Het bestand is opgeslagen als UTF-16 of UTF-32. Sla het op als UTF-8.",
                )
            )
        if b"\x00" in raw:
            index = raw.index(b"\x00")
            line = raw.count(b"\n", 0, index) + 1
            column = len(raw[raw.rfind(b"\n", 0, index) + 1 : index].decode("utf-8", "replace"))
            raise PubliccodeError(_binary((line, column + 1)))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            start = raw.rfind(b"\n", 0, exc.start) + 1
            column = len(raw[start : exc.start].decode("utf-8", "replace")) + 1
            raise PubliccodeError(_not_utf8((line, column), raw[exc.start])) from None
    else:
        raise PubliccodeError(
            _issue(
                "not-a-mapping",
                "",
                None,
                f"Expected the file contents as bytes or text, got {type(data).__name__}.",
                "De inhoud van het bestand ontbreekt of heeft een verkeerde vorm.",
            )
        )
    text = text.removeprefix("\ufeff")
    bad = _NOT_PRINTABLE.search(text)
    if bad is not None:
        where = _position_in_text(text, bad.start())
        if bad.group() == "\x00":
            raise PubliccodeError(_binary(where))
        codepoint = f"U+{ord(bad.group()):04X}"
        raise PubliccodeError(
            _issue(
                "control-character",
                "",
                where,
                f"The file contains the control character {codepoint}, which YAML does not allow.",
                f"In het bestand staat een verboden teken ({codepoint}). Haal het weg.",
            )
        )
    return text


def _too_large(size: int) -> Issue:
    return _issue(
        "too-large",
        "",
        None,
        f"The file is at least {size} bytes; the limit is {MAX_BYTES} bytes.",
        f"Het bestand is te groot (minstens {size} bytes). Het mag hoogstens {MAX_BYTES} "
        "bytes zijn.",
    )


def _not_utf8(where: tuple[int, int], byte: int | None = None) -> Issue:
    shown = f" (byte 0x{byte:02X})" if byte is not None else ""
    return _issue(
        "not-utf8",
        "",
        where,
        f"The file is not valid UTF-8{shown} at line {where[0]}, column {where[1]}; "
        "save it as UTF-8.",
        f"Het bestand is niet opgeslagen als UTF-8{shown}. De fout staat in regel {where[0]}, "
        f"kolom {where[1]}. Sla het bestand op als UTF-8.",
    )


def _binary(where: tuple[int, int]) -> Issue:
    return _issue(
        "binary",
        "",
        where,
        "The file contains NUL bytes: it is a binary file, not YAML text.",
        "Dit is geen tekstbestand: er staan NUL-bytes in. Een publiccode.yml is gewone tekst.",
    )


def _loader_class() -> type:
    # libyaml is much faster on large input; both report the same marks for our purposes.
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _resolve(text: str, tag: str | None, plain: bool) -> tuple[str, str | None]:
    """Return (type, unknown tag) for a scalar under the YAML 1.2 core schema."""
    if tag in (None, "!"):
        if not plain or tag == "!":
            return "str", None
        if text in _CORE_NULL:
            return "null", None
        if text in _CORE_BOOL:
            return "bool", None
        if _CORE_INT.fullmatch(text):
            return "int", None
        if _CORE_FLOAT.fullmatch(text):
            return "float", None
        return "str", None
    known = _CORE_TAGS.get(tag)
    if known is not None:
        return known, None
    return "str", tag


def _compose(text: str) -> tuple[_Node | None, list[Issue]]:
    """Build a node tree from the YAML event stream; return it with any warnings."""
    warnings: list[Issue] = []
    stack: list[_Node] = []
    root: _Node | None = None
    documents = 0

    def attach(node: _Node) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        parent = stack[-1]
        if parent.kind == "seq":
            parent.items.append(node)
        elif parent.pending_key is None:
            parent.pending_key = node
        else:
            parent.pairs.append((parent.pending_key, node))
            parent.pending_key = None

    events: Iterator[Any] = yaml.parse(text, Loader=_loader_class())
    try:
        for event in events:
            mark = event.start_mark
            where = (mark.line + 1, mark.column + 1)
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    warnings.append(
                        _issue(
                            "multiple-documents",
                            "",
                            where,
                            "The file holds more than one YAML document; only the first is read.",
                            "Het bestand bevat meer dan één YAML-document. Alleen het eerste "
                            "is gelezen.",
                        )
                    )
                    break
            elif isinstance(event, yaml.AliasEvent):
                raise PubliccodeError(_alias_issue(where, event.anchor, alias=True))
            elif isinstance(event, yaml.NodeEvent) and not isinstance(event, yaml.AliasEvent):
                if event.anchor is not None:
                    raise PubliccodeError(_alias_issue(where, event.anchor, alias=False))
                if isinstance(event, yaml.ScalarEvent):
                    plain = not event.style
                    tag = event.tag if not (plain and event.implicit[0]) else None
                    if tag is None and not plain:
                        tag = "!"
                    kind, unknown_tag = _resolve(event.value, tag, plain)
                    if unknown_tag is not None:
                        warnings.append(_tag_issue(where, unknown_tag))
                    attach(_Node("scalar", *where, text=event.value, type=kind, plain=plain))
                else:
                    if event.tag not in (None, "!") and not event.implicit:
                        warnings.append(_tag_issue(where, event.tag))
                    kind = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
                    node = _Node(kind, *where)
                    attach(node)
                    stack.append(node)
                    if len(stack) > MAX_DEPTH:
                        raise PubliccodeError(
                            _issue(
                                "too-deep",
                                "",
                                where,
                                f"The YAML nests deeper than {MAX_DEPTH} levels.",
                                f"De YAML is te diep genest (meer dan {MAX_DEPTH} niveaus).",
                            )
                        )
            elif isinstance(event, yaml.CollectionEndEvent):
                stack.pop()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where_err = (mark.line + 1, mark.column + 1) if mark is not None else None
        problem = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        raise PubliccodeError(
            _issue(
                "yaml-syntax",
                "",
                where_err,
                f"YAML syntax error: {problem}{context}.",
                "De YAML klopt niet: "
                + (f"kijk in regel {where_err[0]}, kolom {where_err[1]}." if where_err else "")
                + " Vaak is het inspringen (spaties vooraan) niet goed.",
            )
        ) from None
    except yaml.YAMLError as exc:
        position = getattr(exc, "position", None)
        where_err = _position_in_text(text, position) if isinstance(position, int) else None
        raise PubliccodeError(
            _issue(
                "yaml-syntax",
                "",
                where_err,
                f"YAML error: {exc}",
                "Het bestand kan niet als YAML gelezen worden.",
            )
        ) from None
    finally:
        close = getattr(events, "close", None)
        if close is not None:
            close()
    return root, warnings


def _alias_issue(where: tuple[int, int], anchor: str | None, *, alias: bool) -> Issue:
    what = f"alias *{anchor}" if alias else f"anchor &{anchor}"
    return _issue(
        "alias-not-allowed",
        "",
        where,
        f"YAML anchors and aliases are not allowed ({what}); write the value out in full.",
        f"YAML-ankers en -verwijzingen (&naam, *naam) zijn niet toegestaan ({what}). "
        "Schrijf de waarde voluit.",
    )


def _tag_issue(where: tuple[int, int], tag: str) -> Issue:
    return _issue(
        "yaml-tag",
        "",
        where,
        f"The YAML tag {tag} is ignored; the value is read as plain data.",
        f"De YAML-tag {tag} wordt genegeerd. De waarde is gelezen als gewone tekst.",
    )


def _plain(node: _Node) -> Any:
    """Convert a node to plain Python data (for `extra` and the raw extension sections)."""
    if node.kind == "map":
        return {key.text if key.kind == "scalar" else "?": _plain(v) for key, v in node.pairs}
    if node.kind == "seq":
        return [_plain(item) for item in node.items]
    if node.type == "null":
        return None
    if node.type == "bool":
        return node.text.lower() == "true"
    if node.type == "int":
        try:
            return int(node.text, 0) if node.text[:2] in ("0o", "0x") else int(node.text)
        except ValueError:
            return node.text
    if node.type == "float":
        try:
            return float(node.text)
        except ValueError:
            return node.text
    return node.text


# --------------------------------------------------------------------------------------------
# The shape of publiccode.yml v0 (as the official parser declares it)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Spec:
    kind: Literal["str", "bool", "list", "map", "struct", "str_or_list"]
    item: _Spec | None = None
    fields: dict[str, _Spec] | None = None
    version: bool = False  # a version number: warn when written as a YAML number


_STR = _Spec("str")
_VERSION = _Spec("str", version=True)
_BOOL = _Spec("bool")
_STRS = _Spec("list", item=_STR)


def _struct(**fields: _Spec) -> _Spec:
    return _Spec("struct", fields=fields)


_ORGANISATION = _struct(name=_STR, uri=_STR)
_DEPENDENCY = _struct(
    name=_STR, versionMin=_VERSION, versionMax=_VERSION, optional=_BOOL, version=_VERSION
)
_DESCRIPTION = _struct(
    localisedName=_STR,
    genericName=_STR,
    shortDescription=_STR,
    longDescription=_STR,
    documentation=_STR,
    apiDocumentation=_STR,
    features=_STRS,
    screenshots=_STRS,
    videos=_STRS,
    awards=_STRS,
)
_IT_SECTION = _struct(
    countryExtensionVersion=_VERSION,
    conforme=_struct(
        lineeGuidaDesign=_BOOL,
        modelloInteroperabilita=_BOOL,
        misureMinimeSicurezza=_BOOL,
        gdpr=_BOOL,
    ),
    riuso=_struct(codiceIPA=_STR),
    piattaforme=_struct(spid=_BOOL, pagopa=_BOOL, cie=_BOOL, anpr=_BOOL, io=_BOOL),
)
_SCHEMA = _struct(
    publiccodeYmlVersion=_VERSION,
    name=_STR,
    applicationSuite=_STR,
    url=_STR,
    landingURL=_STR,
    isBasedOn=_Spec("str_or_list", item=_STR),
    softwareVersion=_VERSION,
    releaseDate=_STR,
    logo=_STR,
    monochromeLogo=_STR,
    organisation=_ORGANISATION,
    inputTypes=_STRS,
    outputTypes=_STRS,
    platforms=_STRS,
    categories=_STRS,
    usedBy=_STRS,
    fundedBy=_Spec("list", item=_ORGANISATION),
    roadmap=_STR,
    developmentStatus=_STR,
    softwareType=_STR,
    intendedAudience=_struct(scope=_STRS, countries=_STRS, unsupportedCountries=_STRS),
    description=_Spec("map", item=_DESCRIPTION),
    legal=_struct(license=_STR, mainCopyrightOwner=_STR, repoOwner=_STR, authorsFile=_STR),
    maintenance=_struct(
        type=_STR,
        contractors=_Spec("list", item=_struct(name=_STR, email=_STR, website=_STR, until=_STR)),
        contacts=_Spec("list", item=_struct(name=_STR, email=_STR, affiliation=_STR, phone=_STR)),
    ),
    localisation=_struct(localisationReady=_BOOL, availableLanguages=_STRS),
    dependsOn=_struct(
        open=_Spec("list", item=_DEPENDENCY),
        proprietary=_Spec("list", item=_DEPENDENCY),
        hardware=_Spec("list", item=_DEPENDENCY),
    ),
    supports=_Spec("list", item=_struct(id=_STR)),
    IT=_IT_SECTION,
    it=_IT_SECTION,
)
# Sections the official parser holds as plain (non-pointer) structs: after a type error inside
# them it still checks their required keys, against an empty section.
_VALUE_SECTIONS: Final = frozenset({"legal", "maintenance", "localisation", "description"})

_BAD: Final = object()  # a value that failed its type check

# Shapes the Dutch `nl` extension takes in real files (OpenCatalogi / Common Ground catalogue).
_NL_GEMMA_LISTS: Final = {
    "referentiecomponenten": "reference_components",
    "referencecomponents": "reference_components",
    "bedrijfsfuncties": "business_functions",
    "businessfunctions": "business_functions",
    "bedrijfsservices": "business_services",
    "businessservices": "business_services",
}
_NL_GEMMA_TEXTS: Final = {
    "applicatiefunctie": "application_function",
    "applicationfunction": "application_function",
    "model": "model",
}
_LAYER_WORDS: Final = {
    "interaction": "interaction",
    "interactie": "interaction",
    "interface": "interaction",
    "process": "process",
    "proces": "process",
    "integration": "integration",
    "integratie": "integration",
    "service": "service",
    "services": "service",
    "data": "data",
    "gegevens": "data",
}
_LEGACY_SOFTWARE_TYPES: Final = {
    "softwareaddon": "addon",
    "standalone": "standalone/other",
}


# --------------------------------------------------------------------------------------------
# Small validators
# --------------------------------------------------------------------------------------------

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


def _quoted_list(values: tuple[str, ...] | list[str]) -> str:
    quoted = [f'"{value}"' for value in values]
    return ", ".join(quoted[:-1]) + f" or {quoted[-1]}" if len(quoted) > 1 else quoted[0]


# --------------------------------------------------------------------------------------------
# The reader: typed decoding, validation and the normalised record
# --------------------------------------------------------------------------------------------

_Level = Literal["fatal", "deviation", "advice"]


class _Reader:
    """Reads one document node in strict or lenient mode, collecting located issues."""

    def __init__(self, root: _Node, *, strict: bool) -> None:
        self.root = root
        self.strict = strict
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []
        self.key_nodes: dict[str, _Node] = {}
        self.value_nodes: dict[str, _Node] = {"": root}
        self.extra: dict[str, Any] = {}
        self.broken_sections: set[str] = set()

    # -- reporting ---------------------------------------------------------------------------

    def report(
        self,
        code: str,
        key: str,
        where: _Node | None,
        en: str,
        nl: str,
        *,
        level: _Level = "deviation",
    ) -> None:
        """Record an issue: fatal ones are errors, deviations are errors only in strict mode."""
        issue = _issue(code, key, where if where is not None else self.root, en, nl)
        if level == "fatal" or (level == "deviation" and self.strict):
            self.errors.append(issue)
        else:
            self.warnings.append(issue)

    def locate(self, path: str) -> _Node:
        """Where to point for a key: the key itself, else its parent's value, else the root."""
        if path in self.key_nodes:
            return self.key_nodes[path]
        # The official parser gives no place when a whole section is missing; the document
        # root is more helpful than nothing.
        return self.value_nodes.get(path.rpartition(".")[0], self.root)

    def keep(self, path: str, value: Any) -> None:
        """Keep a value we could not map, so nothing from the file is lost."""
        if value is not None and value is not _BAD:
            self.extra[path] = value

    def missing(self, path: str, *, level: _Level = "deviation", when: str = "") -> None:
        name = path.rpartition(".")[2]
        self.report(
            "missing-key",
            path,
            self.locate(path),
            f"{name} is a required field{when}.",
            f"Het veld {name} ontbreekt. Het is verplicht{_nl_when(when)}.",
            level=level,
        )

    def empty_list(self, path: str, present: bool) -> None:
        name = path.rpartition(".")[2]
        self.report(
            "empty-list" if present else "missing-key",
            path,
            self.locate(path),
            f"{name} must contain more than 0 items.",
            f"De lijst {name} moet minstens één waarde hebben.",
        )

    def deprecated(self, path: str, instead: str = "") -> None:
        hint = f"Use {instead} instead." if instead else "It's safe to drop it."
        hint_nl = f"Gebruik voortaan {instead}." if instead else "U kunt het veld weghalen."
        self.report(
            "deprecated-key",
            path,
            self.locate(path),
            f"This key is DEPRECATED and will be removed in the future. {hint}",
            f"Dit veld is verouderd en verdwijnt in de toekomst. {hint_nl}",
            level="advice",
        )

    # -- typed decoding ----------------------------------------------------------------------

    def decode(self, node: _Node, spec: _Spec, path: str, key_node: _Node | None) -> Any:
        """Convert a node to the Python value the spec asks for; `_BAD` on a type error."""
        self.value_nodes[path] = node
        if node.kind == "scalar" and node.type == "null":
            return None
        if spec.kind == "str":
            if node.kind == "scalar":
                if spec.version and node.type in ("int", "float") and not self.strict:
                    self.report(
                        "number-for-string",
                        path,
                        node,
                        f"{node.text} is written as a number; write version numbers as quoted "
                        f'text ("{node.text}") so that 1.10 and 1.1 stay different.',
                        f"{node.text} staat er als getal. Zet versienummers tussen "
                        f'aanhalingstekens ("{node.text}"), anders wordt 1.10 gelezen als 1.1.',
                    )
                return node.text
            return self.wrong_type(node, path, key_node, "text")
        if spec.kind == "bool":
            return self.decode_bool(node, path, key_node)
        if spec.kind in ("list", "str_or_list"):
            assert spec.item is not None  # noqa: S101 - the schema always sets it for lists
            if node.kind == "seq":
                values = []
                for index, item in enumerate(node.items):
                    item_path = f"{path}[{index}]"
                    self.key_nodes[item_path] = item
                    value = self.decode(item, spec.item, item_path, item)
                    if value is not _BAD and value is not None:
                        values.append(value)
                return values
            if node.kind == "scalar" and spec.item.kind == "str":
                if spec.kind == "str_or_list":
                    return [node.text]
                if not self.strict:
                    self.report(
                        "string-for-list",
                        path,
                        node,
                        f"{path} should be a list; the single value was read as a list of one.",
                        f"{path} moet een lijst zijn. De ene waarde is gelezen als een lijst "
                        "met één waarde.",
                    )
                    return [node.text]
            return self.wrong_type(node, path, key_node, "a list")
        if spec.kind == "map":
            assert spec.item is not None  # noqa: S101 - the schema always sets it for maps
            if node.kind != "map":
                return self.wrong_type(node, path, key_node, "a mapping")
            result: dict[str, Any] = {}
            for key, value_node in node.pairs:
                if key.kind != "scalar":
                    self.wrong_type(key, path, key, "a text key")
                    continue
                item_path = _join(path, key.text)
                self.key_nodes[item_path] = key
                if key.text in result:
                    self.duplicate(key, item_path)
                value = self.decode(value_node, spec.item, item_path, key)
                if value is not _BAD:
                    result[key.text] = value
            return result
        if node.kind != "map":
            return self.wrong_type(node, path, key_node, "a mapping")
        return self.decode_struct(node, spec, path)

    def decode_bool(self, node: _Node, path: str, key_node: _Node | None) -> Any:
        if node.kind == "scalar" and node.type == "bool":
            return node.text.lower() == "true"
        if node.kind == "scalar" and not self.strict:
            word = node.text.strip().lower()
            if word in _YAML11_TRUE or word in _YAML11_FALSE:
                value = word in _YAML11_TRUE
                self.report(
                    "yaml11-bool",
                    path,
                    node,
                    f"'{node.text}' was read as {str(value).lower()}; write true or false.",
                    f"'{node.text}' is gelezen als {'ja' if value else 'nee'}. "
                    "Schrijf true of false.",
                )
                return value
        return self.wrong_type(node, path, key_node, "true or false")

    def decode_struct(self, node: _Node, spec: _Spec, path: str) -> dict[str, Any]:
        assert spec.fields is not None  # noqa: S101 - only struct specs reach here
        result: dict[str, Any] = {}
        lower_names = {name.lower(): name for name in spec.fields}
        for key, value_node in node.pairs:
            if key.kind != "scalar":
                self.wrong_type(key, path, key, "a text key")
                continue
            name = key.text
            if name not in spec.fields and path == "" and name in ("nl", "NL"):
                self.key_nodes[name] = key
                self.value_nodes[name] = value_node
                result[name] = value_node
                continue
            if name not in spec.fields and not self.strict and name.lower() in lower_names:
                canonical = lower_names[name.lower()]
                # "It" is the official parser's own example of a wrongly cased section.
                if not (path == "" and canonical in ("IT", "it")):
                    self.report(
                        "key-case",
                        _join(path, name),
                        key,
                        f'unknown field "{name}"; read as "{canonical}" (keys are case-sensitive).',
                        f'Onbekend veld "{name}". Het is gelezen als "{canonical}": let op '
                        "hoofdletters en kleine letters.",
                    )
                    name = canonical
            full = _join(path, name)
            field_spec = spec.fields.get(name)
            if field_spec is None:
                self.unknown(key, value_node, full)
                continue
            if name in result or full in self.key_nodes:
                self.duplicate(key, full)
            self.key_nodes[full] = key
            value = self.decode(value_node, field_spec, full, key)
            if value is not _BAD:
                result[name] = value
        return result

    def wrong_type(self, node: _Node, path: str, key_node: _Node | None, expected: str) -> Any:
        # Name the key the way the official parser does: it looks up the key found on the
        # line where the offending value starts.
        key = path
        if key_node is not None and node.line != key_node.line and node is not key_node:
            if node.kind == "map" and node.pairs and node.pairs[0][0].kind == "scalar":
                key = _join(path, node.pairs[0][0].text)
            elif node.kind == "seq" and node.items:
                key = f"{path}[0]"
        self.report(
            "wrong-type",
            key,
            node,
            f"wrong type for this field: expected {expected}, found {_describe(node)}.",
            f"Verkeerd soort waarde: hier hoort {_expected_nl(expected)}, maar er staat "
            f"{_describe_nl(node)}.",
        )
        top = re.split(r"[.\[]", path, maxsplit=1)[0]
        if top:
            self.broken_sections.add(top)
        if not self.strict and node is not key_node:
            self.keep(path, _plain(node))
        return _BAD

    def duplicate(self, key: _Node, path: str) -> None:
        self.report(
            "duplicate-key",
            path,
            key,
            f'mapping key "{key.text}" is defined twice; the last value is used.',
            f'Het veld "{key.text}" staat er twee keer. De laatste waarde telt.',
        )

    def unknown(self, key: _Node, value: _Node, path: str) -> None:
        self.report(
            "unknown-key",
            path,
            key,
            f'unknown field "{key.text}"' + ("" if self.strict else "; kept as extra data."),
            f'Onbekend veld "{key.text}". Het hoort niet bij de standaard'
            + ("." if self.strict else "; de inhoud is bewaard."),
        )
        self.keep(path, _plain(value))

    # -- the document ------------------------------------------------------------------------

    def read(self) -> dict[str, Any]:
        """Decode, validate and normalise the whole document into a record."""
        doc = self.decode_struct(self.root, _SCHEMA, "")
        if self.strict:
            for section in self.broken_sections:
                doc[section] = {} if section in _VALUE_SECTIONS else None
        elif "description" in doc or "description" in self.value_nodes:
            doc["description"] = self.description_without_language(doc.get("description"))
        record: dict[str, Any] = {"publiccode_version": self.version(doc)}
        record["name"] = self.name(doc)
        record["url"] = self.repository_url(doc)
        record["application_suite"] = doc.get("applicationSuite") or None
        record["landing_url"] = self.http_url(doc.get("landingURL"), "landingURL")
        record["roadmap"] = self.http_url(doc.get("roadmap"), "roadmap")
        record["is_based_on"] = self.is_based_on(doc.get("isBasedOn"))
        record["software_version"] = doc.get("softwareVersion") or None
        record["release_date"] = self.date(doc.get("releaseDate"), "releaseDate")
        record["logo"] = self.logo(doc.get("logo"), "logo")
        if "monochromeLogo" in self.key_nodes:
            self.deprecated("monochromeLogo", "'logo'")
        record["monochrome_logo"] = self.logo(doc.get("monochromeLogo"), "monochromeLogo")
        record["development_status"] = self.choice(
            doc.get("developmentStatus"), "developmentStatus", DEVELOPMENT_STATUSES
        )
        record["software_type"] = self.software_type(doc.get("softwareType"))
        record["platforms"] = self.platforms(doc.get("platforms"))
        record["categories"] = self.categories(doc.get("categories"))
        record["used_by"] = list(doc.get("usedBy") or [])
        record["input_types"] = self.mime_types(doc, "inputTypes")
        record["output_types"] = self.mime_types(doc, "outputTypes")
        record["intended_audience"] = self.intended_audience(doc.get("intendedAudience"))
        record["funded_by"] = self.funded_by(doc.get("fundedBy"))
        record["supports"] = self.supports(doc.get("supports"))
        record["descriptions"] = self.descriptions(doc.get("description"))
        legal = self.legal(doc.get("legal"))
        record.update(legal)
        record["organisation"] = self.organisation(doc, legal)
        record["maintenance"] = self.maintenance(doc.get("maintenance"))
        record["localisation"] = self.localisation(doc.get("localisation"))
        record["dependencies"] = self.dependencies(doc.get("dependsOn"))
        record["it"] = self.italian(doc)
        record["nl"] = self.dutch(doc)
        record["extra"] = self.extra
        return record

    def version(self, doc: dict[str, Any]) -> str | None:
        version = doc.get("publiccodeYmlVersion")
        if version is None or version == "":
            if "publiccodeYmlVersion" not in self.broken_sections:
                self.report(
                    "missing-key",
                    "publiccodeYmlVersion",
                    self.locate("publiccodeYmlVersion"),
                    "publiccodeYmlVersion is a required field"
                    + ("." if self.strict else "; the file was read as the latest version 0."),
                    "Het veld publiccodeYmlVersion ontbreekt"
                    + (
                        ". Het is verplicht."
                        if self.strict
                        else ". Het bestand is gelezen als de nieuwste versie 0."
                    ),
                )
            return None
        where = self.locate("publiccodeYmlVersion")
        if version not in SUPPORTED_VERSIONS:
            supported = ", ".join(sorted(SUPPORTED_VERSIONS, key=_version_key))
            self.report(
                "unsupported-version",
                "publiccodeYmlVersion",
                where,
                f"unsupported version: '{version}'. Supported versions: {supported}"
                + ("." if self.strict else f"; read as version {LATEST_VERSION}."),
                f"Versie '{version}' wordt niet ondersteund. Goede versies zijn: {supported}."
                + ("" if self.strict else f" Het bestand is gelezen als versie {LATEST_VERSION}."),
            )
        elif version != "0":
            read_as = not version.startswith(LATEST_VERSION)
            self.report(
                "old-version",
                "publiccodeYmlVersion",
                where,
                f"v{version} is not the latest version, use '0'."
                + (f" Parsing this file as v{LATEST_VERSION}." if read_as else ""),
                f'Schrijf publiccodeYmlVersion: "0" in plaats van "{version}".'
                + (f" Het bestand is gelezen als versie {LATEST_VERSION}." if read_as else ""),
                level="advice",
            )
        return version

    def name(self, doc: dict[str, Any]) -> str | None:
        name = doc.get("name")
        if not name or not name.strip():
            self.missing("name", level="fatal")
            return None
        return name.strip()

    def repository_url(self, doc: dict[str, Any]) -> str | None:
        url = doc.get("url")
        if not url:
            self.missing("url", level="fatal")
            return None
        if not _is_url(url):
            self.report(
                "invalid-url",
                "url",
                self.locate("url"),
                f"url must be a valid URL (found '{url}').",
                f"Het veld url moet een geldig webadres zijn (nu: '{url}').",
                level="fatal",
            )
            return None
        self.not_https(url, "url")
        return url

    def not_https(self, url: str, path: str) -> None:
        scheme = urlsplit(url).scheme.lower()
        if scheme in ("http", "git"):
            self.report(
                "not-https",
                path,
                self.locate(path),
                f"{path} uses {scheme}:// instead of https://; the link is kept.",
                f"Het adres in {path} begint met {scheme}:// en niet met https://. "
                "Het adres is bewaard.",
                level="advice",
            )

    def http_url(self, value: str | None, path: str) -> str | None:
        if not value:
            return None
        if not _is_http_url(value):
            name = path.rpartition(".")[2]
            self.report(
                "invalid-url",
                path,
                self.locate(path),
                f"{name} must be an HTTP URL (found '{value}').",
                f"Het veld {name} moet een webadres zijn dat begint met https:// of http:// "
                f"(nu: '{value}').",
            )
            self.keep(path, value)
            return None
        self.not_https(value, path)
        return value

    def is_based_on(self, value: list[str] | None) -> list[str]:
        if not value:
            return []
        node = self.value_nodes.get("isBasedOn")
        as_list = node is not None and node.kind == "seq"
        result = []
        for index, url in enumerate(value):
            path = f"isBasedOn[{index}]" if as_list else "isBasedOn"
            if _is_url(url):
                result.append(url)
                continue
            self.report(
                "invalid-url",
                path,
                self.locate(path),
                f"{path} must be a valid URL (found '{url}').",
                f"{path} moet een geldig webadres zijn (nu: '{url}').",
            )
            self.keep(path, url)
        return result

    def date(self, value: str | None, path: str) -> dt.date | None:
        if value is None:
            return None
        if _is_date(value):
            return dt.date.fromisoformat(value)
        name = path.rpartition(".")[2]
        self.report(
            "invalid-date",
            path,
            self.locate(path),
            f"{name} must be a date with format 'YYYY-MM-DD' (found '{value}')"
            + ("." if self.strict else "; the value was dropped."),
            f"{name} moet een datum zijn in de vorm JJJJ-MM-DD (nu: '{value}')"
            + ("." if self.strict else ". De waarde is niet overgenomen."),
        )
        self.keep(path, value)
        return None

    def logo(self, value: str | None, path: str) -> str | None:
        if not value:
            return None
        where = self.locate(path)
        lowered = value.lower()
        if lowered.startswith("file:"):
            self.report(
                "invalid-logo",
                path,
                where,
                "is a file:// URL. Only relative paths or HTTP(s) URLs allowed.",
                "Het logo is een file://-adres. Gebruik een pad binnen de repository of een "
                "https://-adres.",
            )
            self.keep(path, value)
            return None
        if value.startswith("/"):
            self.report(
                "invalid-logo",
                path,
                where,
                "is an absolute path. Only relative paths or HTTP(s) URLs allowed.",
                "Het logo staat als absoluut pad. Gebruik een pad binnen de repository of een "
                "https://-adres.",
            )
            self.keep(path, value)
            return None
        is_url = _SCHEME.fullmatch(value.partition(":")[0]) is not None and "://" in value
        if is_url and not _is_http_url(value):
            self.report(
                "invalid-logo",
                path,
                where,
                f"{path} must be a relative path or an HTTP(s) URL (found '{value}').",
                f"{path} moet een pad binnen de repository of een https://-adres zijn.",
            )
            self.keep(path, value)
            return None
        file_path = urlsplit(value).path if is_url else value
        if not file_path.lower().endswith(LOGO_EXTENSIONS):
            self.report(
                "invalid-logo",
                path,
                where,
                f"invalid file extension for: {value} (use SVG, SVGZ or PNG).",
                f"Het logo {value} heeft geen goed bestandstype. Gebruik SVG, SVGZ of PNG.",
            )
        if is_url:
            self.not_https(value, path)
        return value

    def choice(self, value: str | None, path: str, allowed: tuple[str, ...]) -> str | None:
        if not value:
            if path not in self.broken_sections or self.strict:
                self.missing(path)
            return None
        if value in allowed:
            return value
        name = path.rpartition(".")[2]
        self.report(
            "invalid-value",
            path,
            self.locate(path),
            f"{name} must be one of the following: {_quoted_list(allowed)} (found '{value}').",
            f"{name} moet een van deze waarden hebben: {_quoted_list(allowed)} (nu: '{value}').",
        )
        self.keep(path, value)
        return None

    def software_type(self, value: str | None) -> str | None:
        legacy = _LEGACY_SOFTWARE_TYPES.get((value or "").lower())
        if legacy is not None and value not in SOFTWARE_TYPES:
            self.report(
                "legacy-value",
                "softwareType",
                self.locate("softwareType"),
                f"softwareType '{value}' is not in the current standard; read as '{legacy}'.",
                f"softwareType '{value}' hoort niet bij de huidige standaard. Het is gelezen "
                f"als '{legacy}'.",
            )
            return legacy
        return self.choice(value, "softwareType", SOFTWARE_TYPES)

    def platforms(self, value: list[str] | None) -> list[str]:
        if not value:
            self.empty_list("platforms", present="platforms" in self.key_nodes)
            return []
        return list(value)

    def categories(self, value: list[str] | None) -> list[str]:
        result = []
        for index, category in enumerate(value or []):
            path = f"categories[{index}]"
            if category not in vocab.CATEGORIES:
                self.report(
                    "unknown-category",
                    path,
                    self.locate(path),
                    f"{path} must be a valid category (see https://github.com/publiccodeyml/"
                    f"publiccode.yml/blob/main/docs/standard/categories-list.rst); "
                    f"found '{category}'.",
                    f"'{category}' staat niet in de lijst met categorieën van de standaard.",
                )
            result.append(category)
        return result

    def mime_types(self, doc: dict[str, Any], key: str) -> list[str]:
        if key in self.key_nodes:
            self.deprecated(key)
        result = []
        for index, mime in enumerate(doc.get(key) or []):
            path = f"{key}[{index}]"
            if _MIME.fullmatch(mime):
                result.append(mime)
                continue
            self.report(
                "invalid-mime-type",
                path,
                self.locate(path),
                f"{path} is not a valid MIME type (found '{mime}').",
                f"'{mime}' is geen geldig bestandstype (MIME-type), zoals application/json.",
            )
            self.keep(path, mime)
        return result

    def intended_audience(self, section: dict[str, Any] | None) -> dict[str, list[str]]:
        section = section or {}
        scopes = []
        for index, scope in enumerate(section.get("scope") or []):
            path = f"intendedAudience.scope[{index}]"
            if scope not in vocab.SCOPES:
                self.report(
                    "unknown-scope",
                    path,
                    self.locate(path),
                    f"scope[{index}] must be a valid scope (found '{scope}').",
                    f"'{scope}' staat niet in de lijst met doelgroepen (scope) van de standaard.",
                )
            scopes.append(scope)
        return {
            "scope": scopes,
            "countries": self.countries(section.get("countries"), "countries"),
            "unsupported_countries": self.countries(
                section.get("unsupportedCountries"), "unsupportedCountries"
            ),
        }

    def countries(self, values: list[str] | None, key: str) -> list[str]:
        result = []
        for index, country in enumerate(values or []):
            path = f"intendedAudience.{key}[{index}]"
            upper = country.upper()
            if country == upper and upper in vocab.COUNTRIES:
                result.append(country)
            elif country == country.lower() and upper in vocab.COUNTRIES:
                self.report(
                    "lowercase-country",
                    path,
                    self.locate(path),
                    f"Lowercase country codes are DEPRECATED. Use uppercase instead ('{upper}').",
                    f"Landcodes schrijft u met hoofdletters: '{upper}' in plaats van '{country}'.",
                    level="advice",
                )
                result.append(upper)
            else:
                self.report(
                    "invalid-country",
                    path,
                    self.locate(path),
                    f"{key}[{index}] must be a valid ISO 3166-1 alpha-2 two-letter country code "
                    f"(found '{country}').",
                    f"'{country}' is geen geldige landcode. Gebruik twee hoofdletters, zoals NL.",
                )
                self.keep(path, country)
        return result

    def funded_by(self, values: list[dict[str, Any]] | None) -> list[dict[str, str | None]]:
        result = []
        for index, funder in enumerate(values or []):
            path = f"fundedBy[{index}]"
            uri = self.organisation_uri(funder.get("uri"), f"{path}.uri")
            result.append({"name": funder.get("name") or None, "uri": uri})
        return result

    def organisation_uri(self, uri: str | None, path: str) -> str | None:
        if not uri:
            self.missing(path)
            return None
        if not _is_uri(uri):
            self.report(
                "invalid-uri",
                path,
                self.locate(path),
                f"uri is not a valid URI (found '{uri}').",
                f"'{uri}' is geen geldige URI. Gebruik bijvoorbeeld https://... of urn:...",
            )
            self.keep(path, uri)
            return None
        prefix = "urn:x-italian-pa:"
        if uri.lower().startswith(prefix) and not _IPA_CODE.fullmatch(uri[len(prefix) :]):
            self.report(
                "invalid-uri",
                path,
                self.locate(path),
                "uri must be a valid Italian Public Administration Code (iPA) with format "
                "'urn:x-italian-pa:[codiceIPA]'.",
                "Deze URI moet een Italiaanse overheidscode (iPA) bevatten: "
                "urn:x-italian-pa:[code].",
            )
        return uri

    def supports(self, values: list[dict[str, Any]] | None) -> list[str]:
        result = []
        for index, entry in enumerate(values or []):
            path = f"supports[{index}].id"
            ident = entry.get("id")
            if not ident:
                self.missing(path)
                continue
            if ident.startswith("alias:"):
                if ident.removeprefix("alias:") not in vocab.ALIASES:
                    self.report(
                        "unknown-alias",
                        path,
                        self.locate(path),
                        "id contains an unknown alias (see https://github.com/publiccodeyml/"
                        f"publiccode.yml/blob/main/docs/standard/aliases-list.rst): '{ident}'.",
                        f"'{ident}' is geen bekende alias. Gebruik een alias uit de lijst van "
                        "de standaard, of een volledige URI.",
                    )
                    self.keep(path, ident)
                    continue
            elif not _is_uri(ident):
                self.report(
                    "invalid-uri",
                    path,
                    self.locate(path),
                    f"id must be an alias:<name> or a valid URI (found '{ident}').",
                    f"'{ident}' moet een alias:<naam> of een geldige URI zijn.",
                )
                self.keep(path, ident)
                continue
            result.append(ident)
        return result

    # -- descriptions ------------------------------------------------------------------------

    def description_without_language(self, section: Any) -> Any:
        """Lenient: read a description written without a language level as undetermined."""
        node = self.value_nodes.get("description")
        if not isinstance(section, dict) or node is None or node.kind != "map":
            return section
        field_names = set(_DESCRIPTION.fields or {})
        if not any(key.kind == "scalar" and key.text in field_names for key, _ in node.pairs):
            return section
        # Undo the per-language reading of this section and read it once as one description.
        self.warnings = [w for w in self.warnings if not w.key.startswith("description.")]
        self.extra = {k: v for k, v in self.extra.items() if not k.startswith("description.")}
        self.report(
            "description-without-language",
            "description",
            self.locate("description"),
            "description has no language level (e.g. description.en.shortDescription); "
            "it was read as language 'und' (undetermined).",
            "Bij description ontbreekt de taal (bijvoorbeeld description.nl.shortDescription). "
            "De tekst is gelezen als taal 'und' (onbepaald).",
        )
        key_node = self.key_nodes.get("description")
        self.key_nodes["description.und"] = key_node if key_node is not None else node
        description = self.decode(node, _DESCRIPTION, "description.und", key_node)
        return {"und": description} if description is not _BAD else {}

    def descriptions(self, section: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
        if not section:
            self.report(
                "empty-list" if "description" in self.key_nodes else "missing-key",
                "description",
                self.locate("description"),
                "description must contain more than 0 items.",
                "Er is geen beschrijving (description). Geef minstens één taal met een "
                "beschrijving.",
            )
            return {}
        result = {}
        for language, entry in section.items():
            tag = language
            if language != "und" and not _is_language_tag(language):
                fixed = language.replace("_", "-")
                usable = not self.strict and _is_language_tag(fixed)
                # Pointed at the description key itself, as the official parser does.
                self.report(
                    "invalid-language",
                    "description",
                    self.locate("description"),
                    f"description must be a valid BCP 47 language (found '{language}')"
                    + (f"; read as '{fixed}'." if usable else "."),
                    f"'{language}' is geen geldige taalcode (BCP 47), zoals nl of en-GB"
                    + (f". Gelezen als '{fixed}'." if usable else "."),
                )
                if usable:
                    tag = fixed
                elif not self.strict:
                    raw = self.value_nodes[f"description.{language}"]
                    self.keep(f"description.{language}", _plain(raw))
                    continue
            result[tag] = self.description(entry or {}, f"description.{language}")
        return result

    def description(self, entry: dict[str, Any], path: str) -> dict[str, Any]:
        generic = entry.get("genericName")
        if f"{path}.genericName" in self.key_nodes:
            self.deprecated(f"{path}.genericName")
        if generic and _graphemes(generic) > 35:
            self.too_long(f"{path}.genericName", 35)
        short = entry.get("shortDescription")
        if not short:
            self.missing(f"{path}.shortDescription")
        elif _graphemes(short) > 150:
            self.too_long(f"{path}.shortDescription", 150)
        long = entry.get("longDescription")
        if not long:
            self.missing(f"{path}.longDescription")
        elif _graphemes(long) < 150:
            self.report(
                "too-short",
                f"{path}.longDescription",
                self.locate(f"{path}.longDescription"),
                f"longDescription must be at least 150 characters in length "
                f"(found {_graphemes(long)}).",
                f"longDescription moet minstens 150 tekens lang zijn (nu {_graphemes(long)}).",
            )
        elif _graphemes(long) > 10000:
            self.too_long(f"{path}.longDescription", 10000)
        features = entry.get("features")
        if not features:
            self.empty_list(f"{path}.features", present=f"{path}.features" in self.key_nodes)
        videos = []
        for index, video in enumerate(entry.get("videos") or []):
            url = self.http_url(video, f"{path}.videos[{index}]")
            if url is not None:
                videos.append(url)
        return {
            "localised_name": entry.get("localisedName") or None,
            "short_description": short or None,
            "long_description": long or None,
            "features": list(features or []),
            "documentation": self.http_url(entry.get("documentation"), f"{path}.documentation"),
            "api_documentation": self.http_url(
                entry.get("apiDocumentation"), f"{path}.apiDocumentation"
            ),
            "generic_name": generic or None,
            "screenshots": list(entry.get("screenshots") or []),
            "videos": videos,
            "awards": list(entry.get("awards") or []),
        }

    def too_long(self, path: str, limit: int) -> None:
        name = path.rpartition(".")[2]
        self.report(
            "too-long",
            path,
            self.locate(path),
            f"{name} must be a maximum of {limit} characters in length.",
            f"{name} mag hoogstens {limit} tekens lang zijn.",
        )

    # -- legal, organisation, maintenance, localisation, dependencies ------------------------

    def legal(self, section: dict[str, Any] | None) -> dict[str, Any]:
        section = section or {}
        license_expression = section.get("license")
        if not license_expression:
            self.missing("legal.license")
        elif not _is_spdx_expression(license_expression):
            self.report(
                "invalid-license",
                "legal.license",
                self.locate("legal.license"),
                "license must be a valid license (see https://spdx.org/licenses); "
                f"found '{license_expression}'" + ("." if self.strict else "; kept as written."),
                f"'{license_expression}' is geen geldige SPDX-licentie, zoals EUPL-1.2"
                + ("." if self.strict else ". De tekst is bewaard."),
            )
        if "legal.repoOwner" in self.key_nodes:
            self.deprecated("legal.repoOwner", "'organisation.name'")
        if "legal.authorsFile" in self.key_nodes:
            self.deprecated("legal.authorsFile")
        return {
            "license": license_expression or None,
            "main_copyright_owner": section.get("mainCopyrightOwner") or None,
            "repo_owner": section.get("repoOwner") or None,
            "authors_file": section.get("authorsFile") or None,
        }

    def organisation(
        self, doc: dict[str, Any], legal: dict[str, Any]
    ) -> dict[str, str | None] | None:
        section = doc.get("organisation")
        if section is not None:
            uri = self.organisation_uri(section.get("uri"), "organisation.uri")
            return {"name": section.get("name") or None, "uri": uri}
        # Older files name the organisation only through deprecated keys.
        ipa = ((doc.get("IT") or doc.get("it") or {}).get("riuso") or {}).get("codiceIPA")
        if legal["repo_owner"] or ipa:
            return {
                "name": legal["repo_owner"],
                "uri": f"urn:x-italian-pa:{ipa}" if ipa else None,
            }
        return None

    def maintenance(self, section: dict[str, Any] | None) -> dict[str, Any]:
        section = section or {}
        kind = self.choice(section.get("type"), "maintenance.type", MAINTENANCE_TYPES)
        contractors = section.get("contractors")
        contacts = section.get("contacts")
        if kind == "contract" and contractors is None:
            self.missing("maintenance.contractors", when=' when "type" is "contract"')
        if kind not in (None, "contract") and contractors:
            self.report(
                "excluded-key",
                "maintenance.contractors",
                self.locate("maintenance.contractors"),
                'contractors must not be present unless "type" is "contract"'
                + ("." if self.strict else "; they were kept."),
                f'Er staan contractors (onderhoudspartijen) bij, maar type is "{kind}". '
                'Dat mag alleen bij type "contract".'
                + ("" if self.strict else " Ze zijn wel bewaard."),
            )
        elif kind not in (None, "contract") and contractors is not None and self.strict:
            self.report(
                "excluded-key",
                "maintenance.contractors",
                self.locate("maintenance.contractors"),
                'contractors must not be present unless "type" is "contract".',
                'Het veld contractors mag alleen bij type "contract".',
            )
        if kind in ("internal", "community") and contacts is None:
            self.missing("maintenance.contacts", when=f' when "type" is "{kind}"')
        result_contractors = []
        for index, contractor in enumerate(contractors or []):
            path = f"maintenance.contractors[{index}]"
            name = contractor.get("name")
            if not name:
                self.missing(f"{path}.name")
            until = contractor.get("until")
            if not until:
                self.missing(f"{path}.until")
            result_contractors.append(
                {
                    "name": name or None,
                    "until": self.date(until, f"{path}.until") if until else None,
                    "email": self.email(contractor.get("email"), f"{path}.email"),
                    "website": self.http_url(contractor.get("website"), f"{path}.website"),
                }
            )
        result_contacts = []
        for index, contact in enumerate(contacts or []):
            path = f"maintenance.contacts[{index}]"
            name = contact.get("name")
            if not name:
                self.missing(f"{path}.name")
            result_contacts.append(
                {
                    "name": name or None,
                    "email": self.email(contact.get("email"), f"{path}.email"),
                    "phone": contact.get("phone") or None,
                    "affiliation": contact.get("affiliation") or None,
                }
            )
        return {"type": kind, "contractors": result_contractors, "contacts": result_contacts}

    def email(self, value: str | None, path: str) -> str | None:
        if not value:
            return None
        if _EMAIL.fullmatch(value):
            return value
        self.report(
            "invalid-email",
            path,
            self.locate(path),
            f"email must be a valid email address (found '{value}').",
            f"'{value}' is geen geldig e-mailadres.",
        )
        self.keep(path, value)
        return None

    def localisation(self, section: dict[str, Any] | None) -> dict[str, Any]:
        section = section or {}
        ready = section.get("localisationReady")
        if ready is None:
            self.missing("localisation.localisationReady")
        languages = section.get("availableLanguages")
        if languages is None:
            self.missing("localisation.availableLanguages")
        elif not languages:
            self.empty_list("localisation.availableLanguages", present=True)
        result = []
        for index, language in enumerate(languages or []):
            path = f"localisation.availableLanguages[{index}]"
            if _is_language_tag(language):
                result.append(language)
                continue
            fixed = language.replace("_", "-")
            usable = not self.strict and _is_language_tag(fixed)
            self.report(
                "invalid-language",
                path,
                self.locate(path),
                f"availableLanguages[{index}] must be a valid BCP 47 language "
                f"(found '{language}')" + (f"; read as '{fixed}'." if usable else "."),
                f"'{language}' is geen geldige taalcode (BCP 47), zoals nl of en-GB"
                + (f". Gelezen als '{fixed}'." if usable else "."),
            )
            if usable:
                result.append(fixed)
            else:
                self.keep(path, language)
        return {"localisation_ready": ready, "available_languages": result}

    def dependencies(self, section: dict[str, Any] | None) -> list[dict[str, Any]]:
        result = []
        for kind in ("open", "proprietary", "hardware"):
            for index, dependency in enumerate((section or {}).get(kind) or []):
                path = f"dependsOn.{kind}[{index}]"
                name = dependency.get("name")
                if not name:
                    self.missing(f"{path}.name")
                    self.keep(path, _plain(self.value_nodes[path]))
                    continue
                result.append(
                    {
                        "kind": kind,
                        "name": name,
                        "version_min": dependency.get("versionMin") or None,
                        "version_max": dependency.get("versionMax") or None,
                        "version": dependency.get("version") or None,
                        "optional": bool(dependency.get("optional")),
                    }
                )
        return result

    # -- country sections --------------------------------------------------------------------

    def italian(self, doc: dict[str, Any]) -> dict[str, Any] | None:
        upper, lower = doc.get("IT"), doc.get("it")
        if "it" in self.key_nodes:
            self.deprecated_country("it")
            if "IT" in self.key_nodes:
                self.report(
                    "duplicate-key",
                    "it",
                    self.locate("it"),
                    "'IT' key already present. Remove this key.",
                    "Er staat al een 'IT'-deel in het bestand. Haal het 'it'-deel weg.",
                )
        section_name = "IT" if upper is not None else "it"
        section = upper if upper is not None else lower
        if section is None:
            return None
        version = section.get("countryExtensionVersion")
        if version is not None and version not in ("0.2", "1.0"):
            self.report(
                "invalid-value",
                f"{section_name}.countryExtensionVersion",
                self.locate(f"{section_name}.countryExtensionVersion"),
                'countryExtensionVersion must be one of the following: "0.2" or "1.0".',
                'countryExtensionVersion moet "0.2" of "1.0" zijn.',
            )
        codice = (section.get("riuso") or {}).get("codiceIPA")
        if f"{section_name}.riuso.codiceIPA" in self.key_nodes:
            self.deprecated(
                f"{section_name}.riuso.codiceIPA",
                f"'organisation.uri' and set it to 'urn:x-italian-pa:{codice or ''}'",
            )
        if codice and not _IPA_CODE.fullmatch(codice):
            self.report(
                "invalid-value",
                f"{section_name}.riuso.codiceIPA",
                self.locate(f"{section_name}.riuso.codiceIPA"),
                "codiceIPA must be a valid Italian Public Administration Code (iPA).",
                "codiceIPA moet een geldige Italiaanse overheidscode (iPA) zijn.",
            )
        return _plain(self.value_nodes[section_name])

    def deprecated_country(self, key: str) -> None:
        self.report(
            "lowercase-country",
            key,
            self.locate(key),
            "Lowercase country codes are DEPRECATED and will be removed in the future. "
            f"Use '{key.upper()}' instead.",
            f"Schrijf de landcode van dit deel met hoofdletters: '{key.upper()}'.",
            level="advice",
        )

    def dutch(self, doc: dict[str, Any]) -> dict[str, Any] | None:
        """Read the Dutch `nl` extension (Common Ground, GEMMA, UPL) in its real-world shapes."""
        name = "nl" if "nl" in doc else "NL" if "NL" in doc else None
        if name is None:
            return None
        node: _Node = doc[name]
        key = self.key_nodes[name]
        if self.strict:
            self.unknown(key, node, name)
            return None
        self.report(
            "country-extension",
            name,
            key,
            f"The '{name}' section is not part of the publiccode.yml standard; it was read as "
            "the Dutch extension (Common Ground, GEMMA, UPL).",
            f"Het deel '{name}' hoort niet bij de publiccode.yml-standaard. Het is gelezen als "
            "de Nederlandse uitbreiding (Common Ground, GEMMA, UPL).",
            level="advice",
        )
        result: dict[str, Any] = {
            "common_ground_layer": None,
            "gemma": {
                "reference_components": [],
                "business_functions": [],
                "business_services": [],
                "application_function": None,
                "model": None,
            },
            "upl": [],
            "installation_type": None,
            "intended_organisations": [],
            "raw": _plain(node),
        }
        if node.kind == "scalar" and node.type == "null":
            return result
        if node.kind != "map":
            self.wrong_type(node, name, key, "a mapping")
            return result
        for sub_key, value in node.pairs:
            sub = sub_key.text if sub_key.kind == "scalar" else "?"
            path = f"{name}.{sub}"
            self.key_nodes[path] = sub_key
            self.value_nodes[path] = value
            lowered = sub.lower()
            if lowered == "commonground":
                self.nl_commonground(value, path, result)
            elif lowered == "gemma":
                self.nl_gemma(value, path, result)
            elif lowered == "upl":
                result["upl"] = self.nl_texts(value, path)
            elif lowered == "vng":
                self.nl_vng(value, path, result)
            elif lowered in ("countryextensionversion", "apm"):
                continue  # kept in "raw"; nothing in it maps to a catalogue field yet
            else:
                self.unknown(sub_key, value, path)
        return result

    def nl_vng(self, node: _Node, path: str, result: dict[str, Any]) -> None:
        if _is_empty(node):
            return
        if node.kind != "map":
            self.wrong_type(node, path, self.key_nodes[path], "a mapping")
            self.keep(path, _plain(node))
            return
        for sub_key, value in node.pairs:
            sub = sub_key.text if sub_key.kind == "scalar" else "?"
            sub_path = f"{path}.{sub}"
            self.key_nodes[sub_path] = sub_key
            if sub.lower() == "commonground":
                self.nl_commonground(value, sub_path, result)
            elif sub.lower() == "gemma":
                self.nl_gemma(value, sub_path, result)
            else:
                self.unknown(sub_key, value, sub_path)

    def nl_commonground(self, node: _Node, path: str, result: dict[str, Any]) -> None:
        if _is_empty(node):
            return
        if node.kind != "map":
            self.wrong_type(node, path, self.key_nodes[path], "a mapping")
            self.keep(path, _plain(node))
            return
        for sub_key, value in node.pairs:
            sub = sub_key.text if sub_key.kind == "scalar" else "?"
            sub_path = f"{path}.{sub}"
            self.key_nodes[sub_path] = sub_key
            self.value_nodes[sub_path] = value
            lowered = sub.lower()
            if lowered in ("layertype", "layer"):
                if sub != "layerType":
                    self.report(
                        "key-case",
                        sub_path,
                        sub_key,
                        f'"{sub}" was read as "layerType".',
                        f'"{sub}" is gelezen als "layerType". Let op de schrijfwijze.',
                    )
                result["common_ground_layer"] = self.nl_layer(value, sub_path)
            elif lowered == "intendedorganisations":
                result["intended_organisations"] = self.nl_texts(value, sub_path)
            elif lowered == "installationtype":
                result["installation_type"] = self.nl_text(value, sub_path)
            else:
                self.unknown(sub_key, value, sub_path)

    def nl_layer(self, node: _Node, path: str) -> str | None:
        text = self.nl_text(node, path)
        if text is None:
            return None
        layer = _LAYER_WORDS.get(text.strip().lower())
        if layer is None:
            self.report(
                "unknown-layer",
                path,
                node,
                f"'{text}' is not a Common Ground layer ({', '.join(COMMON_GROUND_LAYERS)}).",
                f"'{text}' is geen laag van het Common Ground-model (interactie, proces, "
                "integratie, services of data).",
            )
            self.keep(path, text)
        elif layer != text:
            self.report(
                "nonstandard-value",
                path,
                node,
                f"Common Ground layer '{text}' was read as '{layer}'.",
                f"De Common Ground-laag '{text}' is gelezen als '{layer}'.",
            )
        return layer

    def nl_gemma(self, node: _Node, path: str, result: dict[str, Any]) -> None:
        if _is_empty(node):
            return
        if node.kind != "map":
            self.wrong_type(node, path, self.key_nodes[path], "a mapping")
            self.keep(path, _plain(node))
            return
        gemma = result["gemma"]
        for sub_key, value in node.pairs:
            sub = sub_key.text if sub_key.kind == "scalar" else "?"
            sub_path = f"{path}.{sub}"
            self.key_nodes[sub_path] = sub_key
            self.value_nodes[sub_path] = value
            lowered = sub.lower()
            if lowered in _NL_GEMMA_LISTS:
                gemma[_NL_GEMMA_LISTS[lowered]] = self.nl_texts(value, sub_path)
            elif lowered in _NL_GEMMA_TEXTS:
                gemma[_NL_GEMMA_TEXTS[lowered]] = self.nl_text(value, sub_path)
            else:
                self.unknown(sub_key, value, sub_path)

    def nl_text(self, node: _Node, path: str) -> str | None:
        if _is_empty(node):
            return None
        if node.kind == "scalar":
            return node.text
        self.wrong_type(node, path, self.key_nodes.get(path), "text")
        self.keep(path, _plain(node))
        return None

    def nl_texts(self, node: _Node, path: str) -> list[str]:
        value = self.decode(node, _STRS, path, self.key_nodes.get(path))
        if value is _BAD:
            self.keep(path, _plain(node))
            return []
        return list(value or [])


def _is_empty(node: _Node) -> bool:
    return (node.kind == "scalar" and node.type == "null") or (
        node.kind != "scalar" and not node.pairs and not node.items
    )


def _describe(node: _Node) -> str:
    if node.kind == "map":
        return "a mapping"
    if node.kind == "seq":
        return "a list"
    return {"bool": "true/false", "int": "a number", "float": "a number"}.get(node.type, "text")


def _describe_nl(node: _Node) -> str:
    if node.kind == "map":
        return "een groep velden"
    if node.kind == "seq":
        return "een lijst"
    return {"bool": "ja/nee", "int": "een getal", "float": "een getal"}.get(node.type, "tekst")


def _expected_nl(expected: str) -> str:
    return {
        "text": "tekst",
        "a list": "een lijst",
        "a mapping": "een groep velden",
        "true or false": "true of false",
        "a text key": "een veldnaam als tekst",
    }.get(expected, expected)


def _nl_when(when: str) -> str:
    match = re.search(r'"type" is "(\w+)"', when)
    return f' als type "{match.group(1)}" is' if match else ""


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


# --------------------------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------------------------


def parse(data: bytes | str, *, strict: bool = False) -> ParseResult:
    """Parse and validate a publiccode.yml file; never raises on bad input.

    With ``strict=True`` the file is checked against the publiccode.yml standard (v0) like the
    official parser does, offline. By default (lenient) every deviation becomes a warning and
    only input that cannot be understood is rejected. ``record`` is None when rejected.
    """
    warnings: list[Issue] = []
    try:
        text = _decode(data)
        root, warnings = _compose(text)
    except PubliccodeError as exc:
        return ParseResult(False, None, None, (exc.issue,), tuple(warnings))
    except Exception as exc:  # noqa: BLE001 - parse() must answer every input with a result
        issue = _issue(
            "yaml-syntax",
            "",
            None,
            f"The file could not be read as YAML ({type(exc).__name__}).",
            "Het bestand kan niet als YAML gelezen worden.",
        )
        return ParseResult(False, None, None, (issue,), tuple(warnings))
    if root is None or root.kind != "map":
        found = "an empty document" if root is None or _is_empty(root) else _describe(root)
        issue = _issue(
            "not-a-mapping",
            "",
            root if root is not None else (1, 1),
            f"The top level of publiccode.yml must be a mapping of keys, found {found}.",
            "Het bestand moet bestaan uit velden met waarden (zoals name: ...), "
            f"maar er staat {_describe_nl(root) if root is not None else 'niets'}.",
        )
        return ParseResult(False, None, None, (issue,), tuple(warnings))
    reader = _Reader(root, strict=strict)
    try:
        record: dict[str, Any] | None = reader.read()
    except Exception as exc:  # noqa: BLE001 - a reader bug must not turn into a crash upstream
        reader.errors.append(
            _issue(
                "internal-error",
                "",
                None,
                f"The file could not be read completely ({type(exc).__name__}).",
                "Het bestand kon niet helemaal gelezen worden.",
            )
        )
        record = None
    errors = tuple(sorted(reader.errors, key=_reading_order))
    version = record.get("publiccode_version") if record is not None else None
    if version is None:
        node = reader.value_nodes.get("publiccodeYmlVersion")
        version = node.text if node is not None and node.kind == "scalar" else None
    return ParseResult(
        valid=not errors,
        version=version or None,
        record=None if errors else record,
        errors=errors,
        warnings=tuple(sorted([*warnings, *reader.warnings], key=_reading_order)),
    )


def _reading_order(issue: Issue) -> tuple[int, int]:
    return (issue.line or 0, issue.column or 0)
