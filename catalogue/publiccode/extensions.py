"""The country extensions: the Italian (`it`) and Dutch (`nl`) sections."""

from __future__ import annotations

from typing import Any, cast

from catalogue.publiccode.formats import _IPA_CODE
from catalogue.publiccode.nodes import _is_empty, _Node, _plain
from catalogue.publiccode.schema import (
    _BAD,
    _LAYER_WORDS,
    _NL_GEMMA_LISTS,
    _NL_GEMMA_TEXTS,
    _STRS,
)
from catalogue.publiccode.sections import _SectionReader


class _ExtensionReader(_SectionReader):
    """Reads the country extensions (`it`, `nl`)."""

    # -- country sections --------------------------------------------------------------------

    def italian(self, doc: dict[str, Any]) -> dict[str, Any] | None:
        upper, lower = doc.get("IT"), doc.get("it")
        if "it" in self.key_nodes:
            self.deprecated_country("it")
            if "IT" in self.key_nodes:
                self.report("duplicate-key", "it", self.locate("it"), "duplicate-key.it")
        section_name = "IT" if upper is not None else "it"
        section = upper if upper is not None else lower
        if section is None:
            return None
        version = section.get("countryExtensionVersion")
        if version is not None and version not in ("0.2", "1.0"):
            path = f"{section_name}.countryExtensionVersion"
            self.report(
                "invalid-value",
                path,
                self.locate(path),
                "invalid-value.country-extension-version",
            )
        codice = (section.get("riuso") or {}).get("codiceIPA")
        if f"{section_name}.riuso.codiceIPA" in self.key_nodes:
            path = f"{section_name}.riuso.codiceIPA"
            self.report(
                "deprecated-key",
                path,
                self.locate(path),
                "deprecated-key.codice-ipa",
                level="advice",
                code=codice or "",
            )
        if codice and not _IPA_CODE.fullmatch(codice):
            path = f"{section_name}.riuso.codiceIPA"
            self.report("invalid-value", path, self.locate(path), "invalid-value.codice-ipa")
        # The section is a mapping (read with .get above), so _plain gives a dict.
        return cast("dict[str, Any]", _plain(self.value_nodes[section_name]))

    def deprecated_country(self, key: str) -> None:
        self.report(
            "lowercase-country",
            key,
            self.locate(key),
            "lowercase-country.section",
            level="advice",
            upper=key.upper(),
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
        self.report("country-extension", name, key, level="advice", name=name)
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
            self.wrong_type(node, name, key, "mapping")
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
            self.wrong_type(node, path, self.key_nodes[path], "mapping")
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
            self.wrong_type(node, path, self.key_nodes[path], "mapping")
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
                    self.report("key-case", sub_path, sub_key, "key-case.layer-type", name=sub)
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
            self.report("unknown-layer", path, node, value=text)
            self.keep(path, text)
        elif layer != text:
            self.report(
                "nonstandard-value", path, node, "nonstandard-value.layer", value=text, layer=layer
            )
        return layer

    def nl_gemma(self, node: _Node, path: str, result: dict[str, Any]) -> None:
        if _is_empty(node):
            return
        if node.kind != "map":
            self.wrong_type(node, path, self.key_nodes[path], "mapping")
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
