"""The reader's core: reporting issues, typed decoding against the schema, shared values."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal
from urllib.parse import urlsplit

from catalogue.publiccode.formats import _IPA_CODE, _is_date, _is_http_url, _is_uri, _join
from catalogue.publiccode.loader import _YAML11_FALSE, _YAML11_TRUE
from catalogue.publiccode.messages import Issue, _expected_nl, _issue, _nl_when, _quoted_list
from catalogue.publiccode.nodes import _describe, _describe_nl, _Node, _plain
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

    # -- values shared by the sections -----------------------------------------------------

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
