"""Positioned YAML nodes: every value keeps its 1-based line and column."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

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


def _is_empty(node: _Node) -> bool:
    return (node.kind == "scalar" and node.type == "null") or (
        node.kind != "scalar" and not node.pairs and not node.items
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


def _kind(node: _Node) -> str:
    """The kind of value a node holds, as a term of the issues' texts (``texts.TERMS``)."""
    if node.kind == "map":
        return "mapping"
    if node.kind == "seq":
        return "list"
    return {"bool": "bool", "int": "number", "float": "number"}.get(node.type, "text")
