"""The sections of a publiccode.yml document: descriptions, legal, maintenance, localisation
and dependencies."""

from __future__ import annotations

from typing import Any

from catalogue.publiccode.formats import _EMAIL, _graphemes, _is_language_tag, is_spdx_expression
from catalogue.publiccode.nodes import _plain
from catalogue.publiccode.reader import _ReaderBase
from catalogue.publiccode.schema import _BAD, _DESCRIPTION, MAINTENANCE_TYPES


class _SectionReader(_ReaderBase):
    """Reads the nested sections of the document."""

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
        self.report("description-without-language", "description", self.locate("description"))
        key_node = self.key_nodes.get("description")
        self.key_nodes["description.und"] = key_node if key_node is not None else node
        description = self.decode(node, _DESCRIPTION, "description.und", key_node)
        return {"und": description} if description is not _BAD else {}

    def descriptions(self, section: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
        if not section:
            code = "empty-list" if "description" in self.key_nodes else "missing-key"
            self.report(code, "description", self.locate("description"), "description-empty")
            return {}
        result = {}
        for language, entry in section.items():
            tag = language
            if language != "und" and not _is_language_tag(language):
                fixed = language.replace("_", "-")
                usable = not self.strict and _is_language_tag(fixed)
                # Pointed at the description key itself, as the official parser does.
                if usable:
                    self.report(
                        "invalid-language",
                        "description",
                        self.locate("description"),
                        "invalid-language.description-read-as",
                        value=language,
                        fixed=fixed,
                    )
                else:
                    self.report(
                        "invalid-language",
                        "description",
                        self.locate("description"),
                        "invalid-language.description",
                        value=language,
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
            where = self.locate(f"{path}.longDescription")
            self.report("too-short", f"{path}.longDescription", where, count=_graphemes(long))
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
        self.report("too-long", path, self.locate(path), name=name, limit=limit)

    # -- legal, organisation, maintenance, localisation, dependencies ------------------------

    def legal(self, section: dict[str, Any] | None) -> dict[str, Any]:
        section = section or {}
        license_expression = section.get("license")
        if not license_expression:
            self.missing("legal.license")
        elif not is_spdx_expression(license_expression):
            self.report(
                "invalid-license",
                "legal.license",
                self.locate("legal.license"),
                "invalid-license" if self.strict else "invalid-license.kept",
                value=license_expression,
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
            self.missing("maintenance.contractors", when_type="contract")
        if kind not in (None, "contract") and contractors:
            self.report(
                "excluded-key",
                "maintenance.contractors",
                self.locate("maintenance.contractors"),
                "excluded-key.type" if self.strict else "excluded-key.kept",
                type=kind,
            )
        elif kind not in (None, "contract") and contractors is not None and self.strict:
            where = self.locate("maintenance.contractors")
            self.report("excluded-key", "maintenance.contractors", where)
        if kind in ("internal", "community") and contacts is None:
            self.missing("maintenance.contacts", when_type=kind)
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
        self.report("invalid-email", path, self.locate(path), value=value)
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
            name = f"availableLanguages[{index}]"
            if usable:
                self.report(
                    "invalid-language",
                    path,
                    self.locate(path),
                    "invalid-language.read-as",
                    name=name,
                    value=language,
                    fixed=fixed,
                )
            else:
                self.report("invalid-language", path, self.locate(path), name=name, value=language)
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
