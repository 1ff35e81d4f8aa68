"""The reader's core: reporting issues, typed decoding against the schema, shared values."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal
from urllib.parse import urlsplit

from catalogue.publiccode.formats import _IPA_CODE, _is_date, _is_http_url, _is_uri, _join
from catalogue.publiccode.loader import _YAML11_FALSE, _YAML11_TRUE
from catalogue.publiccode.messages import Issue, _issue
from catalogue.publiccode.nodes import _kind, _Node, _plain
from catalogue.publiccode.schema import _BAD, _Spec

_Level = Literal["fatal", "deviation", "advice"]


class _ReaderBase:
    """The reader's state, reporting and typed decoding; subclasses read the parts of the file."""

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
        template: str | None = None,
        /,
        *,
        level: _Level = "deviation",
        **params: Any,
    ) -> None:
        """Record an issue (its text: ``template``, else the code; ``texts.TEXTS``): fatal ones
        are errors, deviations are errors only in strict mode."""
        issue = _issue(code, key, where if where is not None else self.root, template, **params)
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

    def missing(
        self, path: str, *, level: _Level = "deviation", when_type: str | None = None
    ) -> None:
        """A required key is missing (``when_type``: required when "type" has that value)."""
        name = path.rpartition(".")[2]
        if when_type is None:
            self.report("missing-key", path, self.locate(path), level=level, name=name)
        else:
            self.report(
                "missing-key",
                path,
                self.locate(path),
                "missing-key.when-type",
                level=level,
                name=name,
                type=when_type,
            )

    def empty_list(self, path: str, present: bool) -> None:
        name = path.rpartition(".")[2]
        code = "empty-list" if present else "missing-key"
        self.report(code, path, self.locate(path), "empty-list", name=name)

    def deprecated(self, path: str, instead: str = "") -> None:
        if instead:
            self.report(
                "deprecated-key",
                path,
                self.locate(path),
                "deprecated-key.instead",
                level="advice",
                instead=instead,
            )
        else:
            self.report("deprecated-key", path, self.locate(path), level="advice")

    # -- typed decoding ----------------------------------------------------------------------

    def decode(self, node: _Node, spec: _Spec, path: str, key_node: _Node | None) -> Any:
        """Convert a node to the Python value the spec asks for; `_BAD` on a type error."""
        self.value_nodes[path] = node
        if node.kind == "scalar" and node.type == "null":
            return None
        if spec.kind == "str":
            if node.kind == "scalar":
                if spec.version and node.type in ("int", "float") and not self.strict:
                    self.report("number-for-string", path, node, value=node.text)
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
                    self.report("string-for-list", path, node, path=path)
                    return [node.text]
            return self.wrong_type(node, path, key_node, "list")
        if spec.kind == "map":
            assert spec.item is not None  # noqa: S101 - the schema always sets it for maps
            if node.kind != "map":
                return self.wrong_type(node, path, key_node, "mapping")
            result: dict[str, Any] = {}
            for key, value_node in node.pairs:
                if key.kind != "scalar":
                    self.wrong_type(key, path, key, "text-key")
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
            return self.wrong_type(node, path, key_node, "mapping")
        return self.decode_struct(node, spec, path)

    def decode_bool(self, node: _Node, path: str, key_node: _Node | None) -> Any:
        if node.kind == "scalar" and node.type == "bool":
            return node.text.lower() == "true"
        if node.kind == "scalar" and not self.strict:
            word = node.text.strip().lower()
            if word in _YAML11_TRUE or word in _YAML11_FALSE:
                value = word in _YAML11_TRUE
                template = "yaml11-bool.true" if value else "yaml11-bool.false"
                self.report("yaml11-bool", path, node, template, value=node.text)
                return value
        return self.wrong_type(node, path, key_node, "true-or-false")

    def decode_struct(self, node: _Node, spec: _Spec, path: str) -> dict[str, Any]:
        assert spec.fields is not None  # noqa: S101 - only struct specs reach here
        result: dict[str, Any] = {}
        lower_names = {name.lower(): name for name in spec.fields}
        for key, value_node in node.pairs:
            if key.kind != "scalar":
                self.wrong_type(key, path, key, "text-key")
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
                    self.report("key-case", _join(path, name), key, name=name, canonical=canonical)
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
        """A value of the wrong kind (``expected``: a term of ``texts.TERMS``)."""
        # Name the key the way the official parser does: it looks up the key found on the
        # line where the offending value starts.
        key = path
        if key_node is not None and node.line != key_node.line and node is not key_node:
            if node.kind == "map" and node.pairs and node.pairs[0][0].kind == "scalar":
                key = _join(path, node.pairs[0][0].text)
            elif node.kind == "seq" and node.items:
                key = f"{path}[0]"
        self.report("wrong-type", key, node, expected=expected, found=_kind(node))
        top = re.split(r"[.\[]", path, maxsplit=1)[0]
        if top:
            self.broken_sections.add(top)
        if not self.strict and node is not key_node:
            self.keep(path, _plain(node))
        return _BAD

    def duplicate(self, key: _Node, path: str) -> None:
        self.report("duplicate-key", path, key, name=key.text)

    def unknown(self, key: _Node, value: _Node, path: str) -> None:
        template = "unknown-key" if self.strict else "unknown-key.kept"
        self.report("unknown-key", path, key, template, name=key.text)
        self.keep(path, _plain(value))

    # -- values shared by the sections -----------------------------------------------------

    def not_https(self, url: str, path: str) -> None:
        scheme = urlsplit(url).scheme.lower()
        if scheme in ("http", "git"):
            self.report(
                "not-https", path, self.locate(path), level="advice", path=path, scheme=scheme
            )

    def http_url(self, value: str | None, path: str) -> str | None:
        if not value:
            return None
        if not _is_http_url(value):
            name = path.rpartition(".")[2]
            self.report(
                "invalid-url", path, self.locate(path), "invalid-url.http", name=name, value=value
            )
            self.keep(path, value)
            return None
        self.not_https(value, path)
        return value

    def date(self, value: str | None, path: str) -> dt.date | None:
        if value is None:
            return None
        if _is_date(value):
            return dt.date.fromisoformat(value)
        name = path.rpartition(".")[2]
        template = "invalid-date" if self.strict else "invalid-date.dropped"
        self.report("invalid-date", path, self.locate(path), template, name=name, value=value)
        self.keep(path, value)
        return None

    def choice(self, value: str | None, path: str, allowed: tuple[str, ...]) -> str | None:
        if not value:
            if path not in self.broken_sections or self.strict:
                self.missing(path)
            return None
        if value in allowed:
            return value
        name = path.rpartition(".")[2]
        self.report(
            "invalid-value", path, self.locate(path), name=name, allowed=allowed, value=value
        )
        self.keep(path, value)
        return None

    def organisation_uri(self, uri: str | None, path: str) -> str | None:
        if not uri:
            self.missing(path)
            return None
        if not _is_uri(uri):
            self.report("invalid-uri", path, self.locate(path), value=uri)
            self.keep(path, uri)
            return None
        prefix = "urn:x-italian-pa:"
        if uri.lower().startswith(prefix) and not _IPA_CODE.fullmatch(uri[len(prefix) :]):
            self.report("invalid-uri", path, self.locate(path), "invalid-uri.ipa")
        return uri
