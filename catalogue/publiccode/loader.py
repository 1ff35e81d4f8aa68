"""Safe loading: bytes -> text -> a tree of positioned nodes.

Input size is capped before decoding, the text must be UTF-8, YAML anchors and aliases are refused
outright (no "billion laughs"), nesting depth is capped, and nodes are built from the YAML event
stream (``yaml.load`` never runs on untrusted input). Scalars are resolved with the YAML 1.2 core
schema, as the official parser does: ``yes``/``no`` are text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Final

import yaml

from catalogue.publiccode.messages import Issue, PubliccodeError, _issue
from catalogue.publiccode.nodes import _Kind, _Node

MAX_BYTES: Final = 1024 * 1024
# Real publiccode.yml files nest at most five levels (description.en.features[0] is three);
# twenty leaves room for extensions while stopping pathological nesting early.
MAX_DEPTH: Final = 20


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
            raise PubliccodeError(_issue("not-utf8", "", (1, 1), "not-utf8.utf16"))
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
            _issue("not-a-mapping", "", None, "not-a-mapping.input", type=type(data).__name__)
        )
    text = text.removeprefix("\ufeff")
    bad = _NOT_PRINTABLE.search(text)
    if bad is not None:
        where = _position_in_text(text, bad.start())
        if bad.group() == "\x00":
            raise PubliccodeError(_binary(where))
        codepoint = f"U+{ord(bad.group()):04X}"
        raise PubliccodeError(_issue("control-character", "", where, codepoint=codepoint))
    return text


def _too_large(size: int) -> Issue:
    return _issue("too-large", "", None, size=size, limit=MAX_BYTES)


def _not_utf8(where: tuple[int, int], byte: int | None = None) -> Issue:
    line, column = where
    if byte is None:
        return _issue("not-utf8", "", where, line=line, column=column)
    return _issue(
        "not-utf8", "", where, "not-utf8.byte", byte=f"0x{byte:02X}", line=line, column=column
    )


def _binary(where: tuple[int, int]) -> Issue:
    return _issue("binary", "", where)


def _loader_class() -> type[yaml.SafeLoader] | type[yaml.CSafeLoader]:
    # libyaml is much faster on large input; both report the same marks for our purposes.
    loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(
        yaml, "CSafeLoader", yaml.SafeLoader
    )
    return loader


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
                    warnings.append(_issue("multiple-documents", "", where))
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
                elif isinstance(event, yaml.CollectionStartEvent):
                    # The only node events left: a mapping's or a sequence's start.
                    if event.tag not in (None, "!") and not event.implicit:
                        warnings.append(_tag_issue(where, event.tag))
                    shape: _Kind = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
                    node = _Node(shape, *where)
                    attach(node)
                    stack.append(node)
                    if len(stack) > MAX_DEPTH:
                        raise PubliccodeError(_issue("too-deep", "", where, limit=MAX_DEPTH))
            elif isinstance(event, yaml.CollectionEndEvent):
                stack.pop()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where_err = (mark.line + 1, mark.column + 1) if mark is not None else None
        problem = (exc.problem or "invalid YAML") + (f" ({exc.context})" if exc.context else "")
        if where_err is None:
            raise PubliccodeError(
                _issue("yaml-syntax", "", None, "yaml-syntax.unlocated", problem=problem)
            ) from None
        raise PubliccodeError(
            _issue(
                "yaml-syntax",
                "",
                where_err,
                "yaml-syntax.located",
                problem=problem,
                line=where_err[0],
                column=where_err[1],
            )
        ) from None
    except yaml.YAMLError as exc:
        position = getattr(exc, "position", None)
        where_err = _position_in_text(text, position) if isinstance(position, int) else None
        raise PubliccodeError(
            _issue("yaml-syntax", "", where_err, "yaml-syntax.error", error=str(exc))
        ) from None
    finally:
        close = getattr(events, "close", None)
        if close is not None:
            close()
    return root, warnings


def _alias_issue(where: tuple[int, int], anchor: str | None, *, alias: bool) -> Issue:
    template = "alias-not-allowed.alias" if alias else "alias-not-allowed.anchor"
    return _issue("alias-not-allowed", "", where, template, anchor=str(anchor))


def _tag_issue(where: tuple[int, int], tag: str) -> Issue:
    return _issue("yaml-tag", "", where, tag=tag)
