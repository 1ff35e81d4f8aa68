"""Write the landscape as an exchange file, valid against ``archimate3_Diagram.xsd``, with one
view that lays the applications out by reference-component group, so it opens in Archi.

Pure: standard library and lxml only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from lxml import etree

from catalogue.ameff.vocabulary import (
    EXPORT_NAMES,
    NS,
    XML_NS,
    XSI,
    Application,
    ReferenceComponent,
    _q,
)

_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


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
