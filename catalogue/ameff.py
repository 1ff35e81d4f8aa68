"""Read and write ArchiMate Model Exchange Files (AMEFF, The Open Group's format 3.x).

Reading turns a municipality's exchange file into landscape applications:

- an ``ApplicationComponent`` is an application, unless it is a GEMMA reference component,
  recognised by a property "Object ID" holding a GEMMA GUID or, failing that, by its exact name
  (ignoring case);
- an application realises the reference components it has a ``Realization`` relationship to;
- an application is matched to the catalogue by a "URL" property equal to a component's
  repository or landing URL, then by name or alias (ignoring case); otherwise it is an "other
  package";
- the properties below are read in Dutch or English (ignoring case); any other property is
  kept, not lost.

Nothing is dropped silently: every element is an application, a reference component or counted
as ignored, and every value that cannot be read is a warning naming the element's identifier.
The file is also checked against the Open Group schema (``data/archimate``, with ``xml.xsd``
resolved locally); schema violations are warnings with line numbers, as lenient mode does for
publiccode.yml, and what has a clear meaning is still read.

Safety: a size cap before parsing; no DTD (a file with a DOCTYPE is refused), no entity
expansion, no network; a malformed file is one error with its line and column.

Writing produces a file that is valid against ``archimate3_Diagram.xsd`` with one view that lays
the applications out by reference-component group, so it opens in Archi.

This module is pure: standard library and lxml only; no Flask, no database.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from lxml import etree

__all__ = [
    "MAX_BYTES",
    "AmeffError",
    "Application",
    "CatalogueEntry",
    "Reading",
    "ReferenceComponent",
    "Finding",
    "read",
    "schema_problems",
    "write",
]

MAX_BYTES: Final = 5 * 1024 * 1024
NS: Final = "http://www.opengroup.org/xsd/archimate/3.0/"
XSI: Final = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS: Final = "http://www.w3.org/XML/1998/namespace"
SCHEMA_DIR: Final = Path(__file__).resolve().parent.parent / "data" / "archimate"
HOSTING: Final = ("saas", "paas", "iaas", "on-premise")
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
# Property name (lower case) -> the field it fills. Dutch and English, as the issue names them.
PROPERTY_FIELDS: Final = {
    "url": "url",
    "versie": "version",
    "version": "version",
    "hosting": "hosting",
    "leverancier": "supplier",
    "supplier": "supplier",
    "einddatum contract": "contract_end",
    "contract end": "contract_end",
    "opzegtermijn (maanden)": "notice_months",
    "notice period (months)": "notice_months",
}
OBJECT_ID: Final = "object id"
# The names the export writes, in Dutch: GEMMA's own models use Dutch property names.
EXPORT_NAMES: Final = {
    "url": "URL",
    "supplier": "Leverancier",
    "version": "Versie",
    "hosting": "Hosting",
    "contract_end": "Einddatum contract",
    "notice_months": "Opzegtermijn (maanden)",
}
_GUID = re.compile(
    r"^(?:id-)?([0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12})$"
)
_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


class AmeffError(Exception):
    """The file cannot be read at all: too big, not XML, a DTD, not an exchange file."""

    def __init__(
        self, message: str, message_nl: str, *, line: int | None = None, column: int | None = None
    ) -> None:
        self.message = message
        self.message_nl = message_nl
        self.line = line
        self.column = column
        where = f" (line {line}, column {column})" if line is not None else ""
        super().__init__(message + where)


@dataclass(frozen=True)
class Finding:
    """A value or a part of the file that could not be read as meant."""

    element: str | None
    message: str
    message_nl: str
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """The shape of the CLI's ``--json`` output: the element and the message."""
        return {"element": self.element, "message": self.message}


@dataclass(frozen=True)
class ReferenceComponent:
    """A GEMMA reference component as the reader and writer need it."""

    slug: str
    name: str
    object_id: str | None
    group: str | None = None


@dataclass(frozen=True)
class CatalogueEntry:
    """A catalogue component as the matcher needs it."""

    slug: str
    name: str
    aliases: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()


@dataclass
class Application:
    """One application in use: a catalogue component or an "other package"."""

    name: str
    element: str | None = None
    component: str | None = None
    reference_components: list[str] = field(default_factory=list)
    supplier: str | None = None
    version: str | None = None
    hosting: str | None = None
    contract_end: dt.date | None = None
    notice_months: int | None = None
    url: str | None = None
    notes: str | None = None
    # Every other property of the element, by its name as written: kept, never lost.
    properties: dict[str, str] = field(default_factory=dict)

    @property
    def status(self) -> str:
        """ "matched" to a catalogue component, or "other"."""
        return "matched" if self.component else "other"

    def as_dict(self) -> dict[str, Any]:
        """Plain data: the CLI's ``--json`` shape, plus url, notes and properties."""
        return {
            "element": self.element,
            "name": self.name,
            "status": self.status,
            "component": self.component,
            "reference_components": list(self.reference_components),
            "supplier": self.supplier,
            "version": self.version,
            "hosting": self.hosting,
            "contract_end": self.contract_end.isoformat() if self.contract_end else None,
            "notice_months": self.notice_months,
            "url": self.url,
            "notes": self.notes,
            "properties": dict(self.properties),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Application:
        """The inverse of :meth:`as_dict` (status is derived, so it is not read)."""
        end = data.get("contract_end")
        return cls(
            name=str(data["name"]),
            element=data.get("element"),
            component=data.get("component"),
            reference_components=list(data.get("reference_components") or []),
            supplier=data.get("supplier"),
            version=data.get("version"),
            hosting=data.get("hosting"),
            contract_end=dt.date.fromisoformat(end) if end else None,
            notice_months=data.get("notice_months"),
            url=data.get("url"),
            notes=data.get("notes"),
            properties=dict(data.get("properties") or {}),
        )


@dataclass
class Reading:
    """What a file gave: applications, warnings (schema ones included) and the ignored count."""

    applications: list[Application]
    warnings: list[Finding]
    ignored: int
    reference_components: int = 0
    model_name: str | None = None

    def as_dict(self, organisation: str) -> dict[str, Any]:
        """The CLI's ``--json`` object."""
        keys = (
            "element", "name", "status", "component", "reference_components", "supplier",
            "version", "hosting", "contract_end", "notice_months",
        )  # fmt: skip
        return {
            "organisation": organisation,
            "applications": [
                {key: app.as_dict()[key] for key in keys} for app in self.applications
            ],
            "warnings": [warning.as_dict() for warning in self.warnings],
            "ignored": self.ignored,
        }


# ---------------------------------------------------------------- safe parsing


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
        raise AmeffError(
            f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB",
            f"het bestand is groter dan {MAX_BYTES // (1024 * 1024)} MB",
        )
    if not data.strip():
        raise AmeffError("the file is empty", "het bestand is leeg")
    try:
        tree = etree.fromstring(data, _parser()).getroottree()  # noqa: S320 - parser refuses DTDs, entities, network
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (None, None)
        raise AmeffError(
            f"this is not well-formed XML: {error.msg}",
            f"dit is geen goed gevormde XML: {error.msg}",
            line=line,
            column=column,
        ) from error
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise AmeffError(
            "the file declares a DTD (<!DOCTYPE>); exchange files need none and we refuse them",
            "het bestand bevat een DTD (<!DOCTYPE>); uitwisselbestanden hebben die niet nodig en we weigeren ze",
            line=1,
            column=1,
        )
    root = tree.getroot()
    if root.tag != f"{{{NS}}}model":
        raise AmeffError(
            f"this is no ArchiMate 3 exchange file: the root is {root.tag!r}, not <model> in {NS}",
            f"dit is geen ArchiMate 3-uitwisselbestand: de basis is {root.tag!r}, niet <model> in {NS}",
            line=root.sourceline,
            column=1,
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
        Finding(
            None,
            f"line {entry.line}: schema: {entry.message}",
            f"regel {entry.line}: schema: {entry.message}",
            line=entry.line,
        )
        for entry in schema.error_log
    ]


# ---------------------------------------------------------------- reading


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


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
            warnings.append(
                Finding(
                    identifier,
                    "application without a name; it was left out",
                    "applicatie zonder naam; die is niet meegenomen",
                    element.sourceline,
                )
            )
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
        warnings.append(
            Finding(
                identifier,
                f"Object ID {value.strip()!r} is not a GEMMA reference component we know; "
                "the element is read as an application",
                f"Object ID {value.strip()!r} is geen GEMMA-referentiecomponent die wij kennen; "
                "het element is gelezen als applicatie",
                element.sourceline,
            )
        )
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

    def warn(message: str, message_nl: str) -> None:
        warnings.append(Finding(identifier, message, message_nl, line))

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
                warn(
                    f"hosting {value!r} is none of SaaS, PaaS, IaaS or on-premise; kept as a note",
                    f"hosting {value!r} is geen SaaS, PaaS, IaaS of on-premise; bewaard als notitie",
                )
                app.properties[prop_name] = raw
            else:
                app.hosting = hosting
        elif target == "contract_end":
            date = _read_date(value) or _read_dutch_date(value)
            if date is None:
                warn(
                    f"contract end {value!r} is no date (YYYY-MM-DD or dd-mm-yyyy); kept as a note",
                    f"einddatum contract {value!r} is geen datum (JJJJ-MM-DD of dd-mm-jjjj); "
                    "bewaard als notitie",
                )
                app.properties[prop_name] = raw
            else:
                app.contract_end = date
        elif target == "notice_months":
            if re.fullmatch(r"\d{1,3}", value):
                app.notice_months = int(value)
            else:
                warn(
                    f"notice period {value!r} is not a whole number of months; kept as a note",
                    f"opzegtermijn {value!r} is geen heel aantal maanden; bewaard als notitie",
                )
                app.properties[prop_name] = raw
    app.component = matcher.match(app.url, name)
    return app


# ---------------------------------------------------------------- writing


def _identifier(value: str | None, fallback: str, taken: set[str]) -> str:
    candidate = value if value and _NCNAME.match(value) else fallback
    while candidate in taken:
        candidate = f"{candidate}-x"
    taken.add(candidate)
    return candidate


def write(
    applications: Sequence[Application],
    *,
    model_name: str,
    reference_components: dict[str, ReferenceComponent],
    view_name: str = "Landschap per referentiecomponentgroep",
    no_group: str = "Zonder referentiecomponent",
    language: str = "nl",
) -> bytes:
    """An exchange file of the landscape, valid against ``archimate3_Diagram.xsd``."""
    nsmap = {None: NS, "xsi": XSI}
    lang = f"{{{XML_NS}}}lang"
    root = etree.Element(_q("model"), nsmap=nsmap)
    root.set(f"{{{XSI}}}schemaLocation", f"{NS} {NS}archimate3_Diagram.xsd")
    taken: set[str] = set()
    root.set("identifier", _identifier(None, "id-landscape", taken))
    etree.SubElement(root, _q("name"), {lang: language}).text = model_name

    property_ids: dict[str, str] = {}

    def prop_id(name: str) -> str:
        if name not in property_ids:
            property_ids[name] = f"propid-{len(property_ids) + 1}"
        return property_ids[name]

    def add_properties(parent: Any, values: list[tuple[str, str]]) -> None:
        if not values:
            return
        container = etree.SubElement(parent, _q("properties"))
        for name, value in values:
            prop = etree.SubElement(container, _q("property"), propertyDefinitionRef=prop_id(name))
            etree.SubElement(prop, _q("value"), {lang: language}).text = value

    # <elements> needs at least one child: an empty landscape leaves it out.
    elements = etree.SubElement(root, _q("elements")) if applications else None
    app_ids: list[str] = []
    ref_ids: dict[str, str] = {}
    if elements is not None:
        for number, app in enumerate(applications, start=1):
            identifier = _identifier(app.element, f"id-app-{number}", taken)
            app_ids.append(identifier)
            node = etree.SubElement(elements, _q("element"), identifier=identifier)
            node.set(f"{{{XSI}}}type", "ApplicationComponent")
            etree.SubElement(node, _q("name"), {lang: language}).text = app.name
            if app.notes:
                etree.SubElement(node, _q("documentation"), {lang: language}).text = app.notes
            values: list[tuple[str, str]] = []
            for key, value in (
                ("url", app.url),
                ("supplier", app.supplier),
                ("version", app.version),
                ("hosting", app.hosting),
                ("contract_end", app.contract_end.isoformat() if app.contract_end else None),
                (
                    "notice_months",
                    str(app.notice_months) if app.notice_months is not None else None,
                ),
            ):
                if value is not None:
                    values.append((EXPORT_NAMES[key], value))
            values.extend(app.properties.items())
            add_properties(node, values)

        used = sorted({slug for app in applications for slug in app.reference_components})
        for slug in used:
            reference = reference_components.get(slug)
            if reference is None:
                continue
            fallback = f"id-{reference.object_id}" if reference.object_id else f"id-ref-{slug}"
            identifier = _identifier(fallback, f"id-ref-{len(ref_ids) + 1}", taken)
            ref_ids[slug] = identifier
            node = etree.SubElement(elements, _q("element"), identifier=identifier)
            node.set(f"{{{XSI}}}type", "ApplicationComponent")
            etree.SubElement(node, _q("name"), {lang: language}).text = reference.name
            if reference.object_id:
                add_properties(node, [("Object ID", reference.object_id)])

    relations: list[tuple[str, str, str]] = []
    for app, app_id in zip(applications, app_ids, strict=True):
        for slug in app.reference_components:
            if slug in ref_ids:
                identifier = _identifier(None, f"id-rel-{len(relations) + 1}", taken)
                relations.append((identifier, app_id, ref_ids[slug]))
    if relations:
        container = etree.SubElement(root, _q("relationships"))
        for identifier, source, target in relations:
            node = etree.SubElement(
                container, _q("relationship"), identifier=identifier, source=source, target=target
            )
            node.set(f"{{{XSI}}}type", "Realization")

    if property_ids:
        definitions = etree.SubElement(root, _q("propertyDefinitions"))
        for name, identifier in property_ids.items():
            node = etree.SubElement(
                definitions, _q("propertyDefinition"), identifier=identifier, type="string"
            )
            etree.SubElement(node, _q("name"), {lang: language}).text = name

    _write_view(
        root,
        applications,
        app_ids,
        ref_ids,
        reference_components,
        relations,
        taken=taken,
        view_name=view_name,
        no_group=no_group,
        language=language,
    )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _write_view(
    root: Any,
    applications: Sequence[Application],
    app_ids: list[str],
    ref_ids: dict[str, str],
    reference_components: dict[str, ReferenceComponent],
    relations: list[tuple[str, str, str]],
    *,
    taken: set[str],
    view_name: str,
    no_group: str,
    language: str,
) -> None:
    """One diagram: a container per reference-component group; in it, each reference component
    with the applications that fill it beneath, joined by their realisations."""
    lang = f"{{{XML_NS}}}lang"
    views = etree.SubElement(root, _q("views"))
    diagrams = etree.SubElement(views, _q("diagrams"))
    view = etree.SubElement(diagrams, _q("view"), identifier=_identifier(None, "id-view-1", taken))
    view.set(f"{{{XSI}}}type", "Diagram")
    etree.SubElement(view, _q("name"), {lang: language}).text = view_name

    groups: dict[str, list[str | None]] = {}
    for ref_slug in ref_ids:
        group = reference_components[ref_slug].group or no_group
        groups.setdefault(group, []).append(ref_slug)
    loose = [
        i for i, app in enumerate(applications) if not set(app.reference_components) & set(ref_ids)
    ]
    if loose:
        groups.setdefault(no_group, []).append(None)

    width, height, gap = 160, 55, 20
    y = 20
    connections: list[tuple[str, str, str]] = []  # relationship id, source node, target node
    relation_of = {(source, target): identifier for identifier, source, target in relations}
    node_number = 0

    def node_id() -> str:
        nonlocal node_number
        node_number += 1
        return _identifier(None, f"id-node-{node_number}", taken)

    for group in sorted(groups, key=lambda g: (g == no_group, g.casefold())):
        columns = []
        for slug in sorted(groups[group], key=lambda s: (s is None, s or "")):
            if slug is None:
                members = loose
            else:
                members = [
                    i for i, app in enumerate(applications) if slug in app.reference_components
                ]
            columns.append((slug, members))
        rows = max(len(members) for _slug, members in columns) + 1
        container_w = len(columns) * (width + gap) + gap
        container_h = 30 + rows * (height + gap) + gap
        container = etree.SubElement(
            view,
            _q("node"),
            identifier=node_id(),
            x="20",
            y=str(y),
            w=str(container_w),
            h=str(container_h),
        )
        container.set(f"{{{XSI}}}type", "Container")
        etree.SubElement(container, _q("label"), {lang: language}).text = group
        for column, (slug, members) in enumerate(columns):
            x = 20 + gap + column * (width + gap)
            row_y = y + 30 + gap
            ref_node = None
            if slug is not None:
                ref_node = node_id()
                node = etree.SubElement(
                    container, _q("node"), identifier=ref_node, elementRef=ref_ids[slug],
                    x=str(x), y=str(row_y), w=str(width), h=str(height),
                )  # fmt: skip
                node.set(f"{{{XSI}}}type", "Element")
            for row, index in enumerate(members, start=1 if slug is not None else 0):
                app_node = node_id()
                node = etree.SubElement(
                    container, _q("node"), identifier=app_node, elementRef=app_ids[index],
                    x=str(x), y=str(row_y + row * (height + gap)), w=str(width), h=str(height),
                )  # fmt: skip
                node.set(f"{{{XSI}}}type", "Element")
                if ref_node is not None and slug is not None:
                    relation = relation_of.get((app_ids[index], ref_ids[slug]))
                    if relation:
                        connections.append((relation, app_node, ref_node))
        y += container_h + gap
    for relation, source, target in connections:
        node = etree.SubElement(
            view, _q("connection"), identifier=node_id(), relationshipRef=relation,
            source=source, target=target,
        )  # fmt: skip
        node.set(f"{{{XSI}}}type", "Relationship")
