"""Read an exchange file safely into landscape applications (the rules are in the package's doc).

Safety first: a size cap before parsing; no DTD, no entity expansion, no network; then the Open
Group schema, whose violations are warnings. Pure: standard library and lxml only.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from typing import Any, Final

from lxml import etree

from catalogue.ameff.vocabulary import (
    MAX_BYTES,
    NS,
    OBJECT_ID,
    PROPERTY_FIELDS,
    SCHEMA_DIR,
    XML_NS,
    XSI,
    AmeffError,
    Application,
    CatalogueEntry,
    Finding,
    Reading,
    ReferenceComponent,
    _q,
)

_HOSTING_SPELLINGS: Final = {
    "saas": "saas",
    "paas": "paas",
    "iaas": "iaas",
    "on-premise": "on-premise",
    "on premise": "on-premise",
    "onpremise": "on-premise",
    "on-premises": "on-premise",
    "on premises": "on-premise",
}


_GUID = re.compile(
    r"^(?:id-)?([0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12})$"
)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _parse(data: bytes) -> Any:
    if len(data) > MAX_BYTES:
        raise AmeffError("too-large", limit=MAX_BYTES // (1024 * 1024))
    if not data.strip():
        raise AmeffError("empty")
    try:
        tree = etree.fromstring(data, _parser()).getroottree()  # noqa: S320 - parser refuses DTDs, entities, network
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (None, None)
        raise AmeffError("not-xml", line=line, column=column, error=error.msg) from error
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise AmeffError("dtd", line=1, column=1)
    root = tree.getroot()
    if root.tag != f"{{{NS}}}model":
        raise AmeffError(
            "not-exchange-file", line=root.sourceline, column=1, root=str(root.tag), namespace=NS
        )
    return tree


class _LocalResolver(etree.Resolver):
    """Serve the schemas' ``xml.xsd`` import from data/archimate, never from the network."""

    def resolve(self, system_url: str | None, public_id: str | None, context: Any) -> Any:  # noqa: ARG002 - lxml's signature
        if system_url is not None and (system_url.endswith("/xml.xsd") or system_url == "xml.xsd"):
            return self.resolve_filename(str(SCHEMA_DIR / "xml.xsd"), context)
        return None


@functools.cache
def _schema() -> etree.XMLSchema:
    # archimate3_Diagram.xsd plus Dublin Core, which the <metadata> wildcard checks strictly.
    wrapper = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
      <xs:import namespace="{NS}" schemaLocation="{(SCHEMA_DIR / "archimate3_Diagram.xsd").as_uri()}"/>
      <xs:import namespace="http://purl.org/dc/elements/1.1/"
                 schemaLocation="{(SCHEMA_DIR / "dc.xsd").as_uri()}"/>
    </xs:schema>"""
    parser = _parser()
    parser.resolvers.add(_LocalResolver())
    document = etree.fromstring(wrapper.encode(), parser, base_url=SCHEMA_DIR.as_uri() + "/")  # noqa: S320 - our own text
    return etree.XMLSchema(document)


def schema_problems(data: bytes) -> list[Finding]:
    """Violations of ``archimate3_Diagram.xsd``, each with its line; [] for a valid file."""
    tree = _parse(data)
    return _validate(tree)


def _validate(tree: Any) -> list[Finding]:
    schema = _schema()
    if schema.validate(tree):
        return []
    return [
        Finding(None, "schema", {"line": entry.line, "problem": entry.message}, line=entry.line)
        for entry in schema.error_log
    ]


def _text_of(nodes: Sequence[Any]) -> str | None:
    """The Dutch text of a multilingual field, else the one without a language, else the first."""
    if not nodes:
        return None
    by_lang: dict[str | None, str] = {}
    for node in nodes:
        by_lang.setdefault(node.get(f"{{{XML_NS}}}lang"), (node.text or "").strip())
    for lang in ("nl", None, "en"):
        if lang in by_lang:
            return by_lang[lang]
    return next(iter(by_lang.values()))


def _guid(value: str) -> str | None:
    found = _GUID.match(value.strip())
    return found.group(1).replace("-", "").lower() if found else None


def _normal_url(url: str) -> str:
    return url.strip().rstrip("/").lower()


def _read_date(value: str) -> dt.date | None:
    text = value.strip()
    try:
        return dt.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None


def _read_dutch_date(value: str) -> dt.date | None:
    found = re.fullmatch(r"(\d{1,2})-(\d{1,2})-(\d{4})", value.strip())
    if not found:
        return None
    day, month, year = (int(part) for part in found.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


class _Matcher:
    def __init__(self, catalogue: Iterable[CatalogueEntry]) -> None:
        self.by_url: dict[str, str] = {}
        self.by_name: dict[str, str] = {}
        for entry in catalogue:
            for url in entry.urls:
                self.by_url.setdefault(_normal_url(url), entry.slug)
            for name in (entry.name, *entry.aliases):
                self.by_name.setdefault(name.strip().casefold(), entry.slug)

    def match(self, url: str | None, name: str) -> str | None:
        if url and _normal_url(url) in self.by_url:
            return self.by_url[_normal_url(url)]
        return self.by_name.get(name.strip().casefold())


def read(
    data: bytes,
    *,
    reference_components: Iterable[ReferenceComponent],
    catalogue: Iterable[CatalogueEntry],
) -> Reading:
    """Read an exchange file into landscape applications; raises AmeffError when it cannot."""
    tree = _parse(data)
    warnings = _validate(tree)
    root = tree.getroot()
    references = list(reference_components)
    by_guid = {_guid(r.object_id): r for r in references if r.object_id and _guid(r.object_id)}
    by_ref_name = {r.name.strip().casefold(): r for r in references}
    matcher = _Matcher(catalogue)

    property_names: dict[str, str] = {}
    for definition in root.iter(_q("propertyDefinition")):
        identifier = definition.get("identifier") or ""
        property_names[identifier] = _text_of(definition.findall(_q("name"))) or identifier

    applications: dict[str, Application] = {}
    refs_by_element: dict[str, ReferenceComponent] = {}
    ignored = 0
    elements = root.find(_q("elements"))
    for number, element in enumerate(elements if elements is not None else [], start=1):
        if not isinstance(element.tag, str) or element.tag != _q("element"):
            continue
        identifier = element.get("identifier") or f"#{number}"
        kind = element.get(f"{{{XSI}}}type") or ""
        if kind.split(":")[-1] != "ApplicationComponent":
            ignored += 1
            continue
        name = _text_of(element.findall(_q("name")))
        properties = _properties(element, property_names)
        reference = _reference_of(
            identifier, name, properties, by_guid, by_ref_name, warnings, element
        )
        if reference is not None:
            refs_by_element[identifier] = reference
            continue
        if not name:
            warnings.append(Finding(identifier, "application-without-name", {}, element.sourceline))
            ignored += 1
            continue
        applications[identifier] = _application(
            identifier, name, element, properties, matcher, warnings
        )

    relationships = root.find(_q("relationships"))
    for relationship in relationships if relationships is not None else []:
        if not isinstance(relationship.tag, str):
            continue
        kind = (relationship.get(f"{{{XSI}}}type") or "").split(":")[-1]
        if kind != "Realization":
            continue
        source, target = relationship.get("source"), relationship.get("target")
        if source in applications and target in refs_by_element:
            slugs = applications[source].reference_components
            slug = refs_by_element[target].slug
            if slug not in slugs:
                slugs.append(slug)
    for application in applications.values():
        application.reference_components.sort()
    model_name = _text_of(root.findall(_q("name")))
    return Reading(
        list(applications.values()),
        warnings,
        ignored,
        reference_components=len(refs_by_element),
        model_name=model_name,
    )


def _properties(element: Any, property_names: dict[str, str]) -> list[tuple[str, str]]:
    found = []
    container = element.find(_q("properties"))
    for prop in container if container is not None else []:
        if not isinstance(prop.tag, str) or prop.tag != _q("property"):
            continue
        reference = prop.get("propertyDefinitionRef") or ""
        name = property_names.get(reference, reference)
        value = _text_of(prop.findall(_q("value")))
        found.append((name, value or ""))
    return found


def _reference_of(
    identifier: str,
    name: str | None,
    properties: list[tuple[str, str]],
    by_guid: dict[str | None, ReferenceComponent],
    by_name: dict[str, ReferenceComponent],
    warnings: list[Finding],
    element: Any,
) -> ReferenceComponent | None:
    for prop_name, value in properties:
        if prop_name.strip().casefold() != OBJECT_ID or not value.strip():
            continue
        guid = _guid(value)
        if guid is not None and guid in by_guid:
            return by_guid[guid]
        if name and name.strip().casefold() in by_name:
            break  # recognised by name below; the Object ID is only unknown to us
        params = {"value": value.strip()}
        warnings.append(Finding(identifier, "unknown-object-id", params, element.sourceline))
        return None
    if name and name.strip().casefold() in by_name:
        return by_name[name.strip().casefold()]
    return None


def _application(
    identifier: str,
    name: str,
    element: Any,
    properties: list[tuple[str, str]],
    matcher: _Matcher,
    warnings: list[Finding],
) -> Application:
    app = Application(name=name, element=identifier)
    app.notes = _text_of(element.findall(_q("documentation"))) or None
    line = element.sourceline

    def warn(code: str, value: str) -> None:
        warnings.append(Finding(identifier, code, {"value": value}, line))

    for prop_name, raw in properties:
        key = prop_name.strip().casefold()
        value = raw.strip()
        target = PROPERTY_FIELDS.get(key)
        if key == OBJECT_ID:
            app.properties[prop_name] = raw  # an application's own Object ID: kept as written
            continue
        if target is None:
            app.properties[prop_name] = raw
            continue
        if not value:
            continue
        if target in {"url", "version", "supplier"}:
            setattr(app, target, value)
        elif target == "hosting":
            hosting = _HOSTING_SPELLINGS.get(value.casefold())
            if hosting is None:
                warn("unknown-hosting", value)
                app.properties[prop_name] = raw
            else:
                app.hosting = hosting
        elif target == "contract_end":
            date = _read_date(value) or _read_dutch_date(value)
            if date is None:
                warn("contract-end-not-date", value)
                app.properties[prop_name] = raw
            else:
                app.contract_end = date
        elif target == "notice_months":
            if re.fullmatch(r"\d{1,3}", value):
                app.notice_months = int(value)
            else:
                warn("notice-not-months", value)
                app.properties[prop_name] = raw
    app.component = matcher.match(app.url, name)
    return app
