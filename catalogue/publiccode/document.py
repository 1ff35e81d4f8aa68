"""The whole document: the top-level keys, and the reader that ties the sections together."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from catalogue.publiccode import vocab
from catalogue.publiccode.extensions import _ExtensionReader
from catalogue.publiccode.formats import (
    _MIME,
    _SCHEME,
    _is_http_url,
    _is_uri,
    _is_url,
    _version_key,
)
from catalogue.publiccode.schema import (
    _LEGACY_SOFTWARE_TYPES,
    _SCHEMA,
    _VALUE_SECTIONS,
    DEVELOPMENT_STATUSES,
    LATEST_VERSION,
    LOGO_EXTENSIONS,
    SOFTWARE_TYPES,
    SUPPORTED_VERSIONS,
)


class _Reader(_ExtensionReader):
    """Reads one document node in strict or lenient mode, collecting located issues."""

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
        version: str | None = doc.get("publiccodeYmlVersion")
        if version is None or version == "":
            if "publiccodeYmlVersion" not in self.broken_sections:
                where = self.locate("publiccodeYmlVersion")
                if self.strict:
                    self.report(
                        "missing-key", "publiccodeYmlVersion", where, name="publiccodeYmlVersion"
                    )
                else:
                    self.report(
                        "missing-key", "publiccodeYmlVersion", where, "missing-key.version-latest"
                    )
            return None
        where = self.locate("publiccodeYmlVersion")
        if version not in SUPPORTED_VERSIONS:
            supported = ", ".join(sorted(SUPPORTED_VERSIONS, key=_version_key))
            if self.strict:
                self.report(
                    "unsupported-version",
                    "publiccodeYmlVersion",
                    where,
                    version=version,
                    supported=supported,
                )
            else:
                self.report(
                    "unsupported-version",
                    "publiccodeYmlVersion",
                    where,
                    "unsupported-version.read-as",
                    version=version,
                    supported=supported,
                    latest=LATEST_VERSION,
                )
        elif version != "0":
            read_as = not version.startswith(LATEST_VERSION)
            if read_as:
                self.report(
                    "old-version",
                    "publiccodeYmlVersion",
                    where,
                    "old-version.read-as",
                    level="advice",
                    version=version,
                    latest=LATEST_VERSION,
                )
            else:
                self.report(
                    "old-version", "publiccodeYmlVersion", where, level="advice", version=version
                )
        return version

    def name(self, doc: dict[str, Any]) -> str | None:
        name: str | None = doc.get("name")
        if not name or not name.strip():
            self.missing("name", level="fatal")
            return None
        return name.strip()

    def repository_url(self, doc: dict[str, Any]) -> str | None:
        url: str | None = doc.get("url")
        if not url:
            self.missing("url", level="fatal")
            return None
        if not _is_url(url):
            self.report("invalid-url", "url", self.locate("url"), level="fatal", value=url)
            return None
        self.not_https(url, "url")
        return url

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
            where = self.locate(path)
            self.report("invalid-url", path, where, "invalid-url.based-on", path=path, value=url)
            self.keep(path, url)
        return result

    def logo(self, value: str | None, path: str) -> str | None:
        if not value:
            return None
        where = self.locate(path)
        lowered = value.lower()
        if lowered.startswith("file:"):
            self.report("invalid-logo", path, where, "invalid-logo.file")
            self.keep(path, value)
            return None
        if value.startswith("/"):
            self.report("invalid-logo", path, where, "invalid-logo.absolute")
            self.keep(path, value)
            return None
        is_url = _SCHEME.fullmatch(value.partition(":")[0]) is not None and "://" in value
        if is_url and not _is_http_url(value):
            self.report("invalid-logo", path, where, "invalid-logo.scheme", path=path, value=value)
            self.keep(path, value)
            return None
        file_path = urlsplit(value).path if is_url else value
        if not file_path.lower().endswith(LOGO_EXTENSIONS):
            self.report("invalid-logo", path, where, "invalid-logo.extension", value=value)
        if is_url:
            self.not_https(value, path)
        return value

    def software_type(self, value: str | None) -> str | None:
        legacy = _LEGACY_SOFTWARE_TYPES.get((value or "").lower())
        if legacy is not None and value not in SOFTWARE_TYPES:
            where = self.locate("softwareType")
            self.report("legacy-value", "softwareType", where, value=value, legacy=legacy)
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
                self.report("unknown-category", path, self.locate(path), path=path, value=category)
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
            self.report("invalid-mime-type", path, self.locate(path), path=path, value=mime)
            self.keep(path, mime)
        return result

    def intended_audience(self, section: dict[str, Any] | None) -> dict[str, list[str]]:
        section = section or {}
        scopes = []
        for index, scope in enumerate(section.get("scope") or []):
            path = f"intendedAudience.scope[{index}]"
            if scope not in vocab.SCOPES:
                where = self.locate(path)
                self.report("unknown-scope", path, where, name=f"scope[{index}]", value=scope)
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
                    level="advice",
                    upper=upper,
                    value=country,
                )
                result.append(upper)
            else:
                self.report(
                    "invalid-country",
                    path,
                    self.locate(path),
                    name=f"{key}[{index}]",
                    value=country,
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
                    self.report("unknown-alias", path, self.locate(path), value=ident)
                    self.keep(path, ident)
                    continue
            elif not _is_uri(ident):
                where = self.locate(path)
                self.report("invalid-uri", path, where, "invalid-uri.supports", value=ident)
                self.keep(path, ident)
                continue
            result.append(ident)
        return result
