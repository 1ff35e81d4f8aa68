"""HTML pages for browsing the catalogue. Views parse, call a service, and render."""

from __future__ import annotations

import math

from flask import Blueprint, Flask, current_app, g, render_template, request
from flask_babel import gettext as _

from catalogue.models import (
    Component,
    ComponentDescription,
    GemmaKind,
    OrganisationKind,
    UsageKind,
)
from catalogue.rendering import markdown_to_html
from catalogue.services import components as component_service
from catalogue.services import gemma as gemma_service
from catalogue.services import graphs as graph_service
from catalogue.services import organisations as organisation_service
from catalogue.services.component_read import read_component
from catalogue.web import context, labels, links
from catalogue.web.context import db_session
from catalogue.web.contribute.public_pages import contribution_panel
from catalogue.web.graph_svg import render_svg
from catalogue.web.page_cache import cached_page

bp = Blueprint("pages", __name__)


def _page_argument() -> int:
    """The ``page`` query argument; anything that is not a positive number means page 1."""
    try:
        return max(1, min(int(request.args.get("page", "1")), 100_000))
    except ValueError:
        return 1


def _pagination(total: int, page: int, per_page: int) -> dict[str, int]:
    pages = max(1, math.ceil(total / per_page))
    return {"page": min(page, pages), "pages": pages, "total": total, "per_page": per_page}


@bp.get("/")
@cached_page
def home() -> str:
    """What this is, a search box, and the numbers."""
    session = db_session()
    numbers = component_service.counts(session)
    gemma_numbers = gemma_service.counts(session)
    return render_template(
        "pages/home.html",
        numbers=numbers,
        reference_components=gemma_numbers.get(GemmaKind.REFERENCE_COMPONENT, 0),
        municipalities=organisation_service.count_by_kind(session).get(
            OrganisationKind.MUNICIPALITY, 0
        ),
    )


@bp.get("/componenten/<slug>")
@cached_page
def component_detail(slug: str) -> str:
    """Everything we know about one component, with the source of each fact."""
    read = read_component(db_session(), slug, contributions=True)
    component = read.component
    graph = graph_service.component_graph(db_session(), component, **_graph_limits())
    language = g.get("lang", "nl")
    description, fallback = _description_in(component, language)
    return render_template(
        "pages/component.html",
        component=component,
        description=description,
        description_fallback=fallback,
        long_description=markdown_to_html(description.long_description if description else None),
        users=organisation_service.users_of(component.usages, kind=UsageKind.USES),
        commissioners=organisation_service.users_of(component.usages, kind=UsageKind.COMMISSIONED),
        latest_import=read.latest_import,
        derived_facts=read.derived_facts,
        harvest_sources=read.harvest_sources,
        panel=contribution_panel(read),
        **_graph_context(graph, component.name),
    )


def _graph_limits() -> dict[str, int]:
    """``diepte`` and ``breedte`` from the query; the service clamps them to sane bounds."""
    limits = {}
    arguments = request.args
    for argument, key in (("diepte", "depth"), ("breedte", "breadth")):
        if argument not in arguments:
            # Asking for an absent argument costs Werkzeug an exception; most pages have none.
            continue
        try:
            limits[key] = int(arguments[argument])
        except ValueError:
            continue
    return limits


def _graph_context(graph: graph_service.DependencyGraph, name: str) -> dict[str, object]:
    kinds = labels.translated_table(labels.GRAPH_NODE_KIND)
    return {
        "graph": graph,
        "graph_svg": render_svg(
            graph, title=_("Afhankelijkheden van %(name)s", name=name), kind_labels=kinds
        ),
        "graph_kinds": kinds,
        "graph_edges": labels.translated_table(labels.GRAPH_EDGE_KIND),
    }


def _description_in(
    component: Component, language: str
) -> tuple[ComponentDescription | None, str | None]:
    """The description in ``language``, else the other offered one; says when it fell back."""
    wanted = component.description(language)
    if wanted is not None:
        return wanted, None
    for other in [*current_app.config["LANGUAGES"], *(d.language for d in component.descriptions)]:
        found = component.description(other)
        if found is not None:
            return found, other
    return None, None


@bp.get("/referentiecomponenten")
def reference_component_list() -> str:
    """All GEMMA reference components, grouped as GEMMA groups them."""
    elements = gemma_service.list_reference_components(db_session())
    return render_template(
        "pages/reference_components.html",
        groups=gemma_service.group_by_category(elements),
        total=len(elements),
    )


@bp.get("/referentiecomponenten/<slug>")
@cached_page
def reference_component_detail(slug: str) -> str:
    """A reference component: what it is, who realises it, its standards and dependencies."""
    view = gemma_service.reference_component_view(db_session(), slug)
    graph = graph_service.reference_component_graph(db_session(), slug, **_graph_limits())
    return render_template(
        "pages/reference_component.html", view=view, **_graph_context(graph, view.element.name)
    )


@bp.get("/bedrijfsfuncties")
def business_function_tree() -> str:
    """GEMMA's business functions as a tree."""
    return render_template(
        "pages/business_functions.html", tree=gemma_service.business_function_tree(db_session())
    )


@bp.get("/bedrijfsfuncties/<slug>")
def business_function_detail(slug: str) -> str:
    """A business function and the reference components that support it."""
    view = gemma_service.business_function_view(db_session(), slug)
    return render_template("pages/business_function.html", view=view)


@bp.get("/standaarden")
def standard_list() -> str:
    """GEMMA's standards, each with how many catalogue components claim it."""
    session = db_session()
    return render_template(
        "pages/standards.html",
        standards=gemma_service.list_standards(session),
        claims=gemma_service.claims_per_standard(session),
    )


@bp.get("/standaarden/<slug>")
def standard_detail(slug: str) -> str:
    """A standard: versions, who must use it, and the components that claim support."""
    view = gemma_service.standard_view(db_session(), slug)
    return render_template("pages/standard.html", view=view)


@bp.get("/organisaties")
def organisation_list() -> str:
    """Municipalities, suppliers and other organisations."""
    kind = request.args.get("soort")
    kind = kind if kind in {k.value for k in OrganisationKind} else None
    page, per_page = _page_argument(), 50
    items, total = organisation_service.list_organisations(
        db_session(), kind=kind, page=page, per_page=per_page
    )
    return render_template(
        "pages/organisations.html",
        items=items,
        kind=kind,
        kinds=list(OrganisationKind),
        paging=_pagination(total, page, per_page),
    )


@bp.get("/organisaties/<slug>")
def organisation_detail(slug: str) -> str:
    """An organisation: what it is, what it uses, maintains and offers."""
    organisation = organisation_service.get_organisation(db_session(), slug)
    return render_template(
        "pages/organisation.html",
        organisation=organisation,
        usages=organisation_service.usages_by_component(organisation, kind=UsageKind.USES),
        commissioned=organisation_service.usages_by_component(
            organisation, kind=UsageKind.COMMISSIONED
        ),
    )


def init_app(app: Flask) -> None:
    """Register the pages and the request session."""
    context.init_app(app)
    labels.init_app(app)
    app.jinja_env.globals.update(
        slug_url=links.slug_url, layout=links.layout, graph_link=links.graph_link
    )
    # A template's macros as a module (what ``{% from name import ... %}`` imports, without its
    # comparison of every global on each render): ``template_module("macros/ui.html").value``.
    app.jinja_env.globals["template_module"] = lambda name: app.jinja_env.get_template(name).module
    app.register_blueprint(bp)
