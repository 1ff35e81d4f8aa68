"""The advisor's pages: a profile form (a plain GET form, so every profile is a link) and the plan."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from catalogue.errors import ValidationError
from catalogue.services import advice as advice_service
from catalogue.services import components as component_service
from catalogue.services import gemma as gemma_service
from catalogue.services import organisations as organisation_service
from catalogue.services.comparison import neutralise
from catalogue.services.graphs import DependencyGraph, GraphEdge, GraphNode
from catalogue.web import advice_text, labels
from catalogue.web.context import db_session
from catalogue.web.errors import wants_json
from catalogue.web.graph_svg import render_svg
from catalogue.web.messages import translate

bp = Blueprint("advice", __name__)

# Query argument -> profile field. Short Dutch names keep shared links readable.
ARGUMENTS = {
    "gemeente": "municipality",
    "functie": "business_functions",
    "referentie": "reference_components",
    "heeft": "landscape_components",
    "gedekt": "landscape_reference_components",
    "voorkeur": "hosting_order",
    "niet": "disallowed_hosting",
    "alleen_open": "open_source_only",
    "status": "min_status",
    "standaard": "required_standards",
    "zonder": "exclude",
    "zeker": "strict",
}
LIST_FIELDS = {
    "business_functions",
    "reference_components",
    "landscape_components",
    "landscape_reference_components",
    "hosting_order",
    "disallowed_hosting",
    "required_standards",
    "exclude",
}
WEIGHT_PREFIX = "gewicht_"
# Lists where an empty argument (``heeft=``) means "none", and no argument means "not said": a
# form that was shown with the landscape sends ``heeft=`` so that unticking everything counts.
STATED_WHEN_PRESENT = {"landscape_components"}


def profile_from_arguments(arguments: MultiDict[str, str]) -> advice_service.Profile:
    """Read a profile from query arguments; errors name the form field."""
    data: dict[str, Any] = {}
    for argument, field in ARGUMENTS.items():
        if field in LIST_FIELDS:
            values = [v for v in arguments.getlist(argument) if v]
            if values or (field in STATED_WHEN_PRESENT and argument in arguments):
                data[field] = values
        elif arguments.get(argument):
            data[field] = arguments.get(argument)
    weights = {
        key.removeprefix(WEIGHT_PREFIX): value
        for key, value in arguments.items()
        if key.startswith(WEIGHT_PREFIX) and value != ""
    }
    if weights:
        data["weights"] = weights
    try:
        return advice_service.profile_from_mapping(data)
    except ValidationError as error:
        raise form_errors(error) from error


def form_errors(error: ValidationError) -> ValidationError:
    """The same errors, keyed by the form's argument names instead of the profile's fields."""
    reverse = {field: argument for argument, field in ARGUMENTS.items()}

    def form_field(key: str) -> str:
        if key.startswith("weights."):
            return WEIGHT_PREFIX + key.removeprefix("weights.")
        return reverse.get(key, key)

    return ValidationError({form_field(k): messages for k, messages in error.errors.items()})


def _advise(profile: advice_service.Profile) -> advice_service.Advice:
    try:
        return advice_service.advise(db_session(), profile, replace=_replacement())
    except ValidationError as error:
        raise form_errors(error) from error


def _matches(text: str, term: str) -> bool:
    return term in text.casefold()


def _filter_tree(nodes: list[gemma_service.TreeNode], term: str) -> list[gemma_service.TreeNode]:
    """Keep the functions whose name holds ``term``, with the branches that lead to them."""
    kept = []
    for node in nodes:
        children = _filter_tree(list(node.children), term)
        if children or _matches(node.element.name, term):
            kept.append(gemma_service.TreeNode(element=node.element, children=tuple(children)))
    return kept


def _choices(term: str = "") -> dict[str, Any]:
    """Everything the form offers; ``term`` narrows the business functions and reference
    components to those whose name holds it (the search in the tree, without JavaScript)."""
    session = db_session()
    municipalities, _total = organisation_service.list_organisations(
        session, kind="municipality", page=1, per_page=400
    )
    components, _count = component_service.list_components(session, page=1, per_page=500)
    tree = gemma_service.business_function_tree(session)
    references = gemma_service.list_reference_components(session)
    if term:
        tree = _filter_tree(tree, term)
        references = [r for r in references if _matches(r.name, term)]
    shown_functions: set[str] = set()
    stack = list(tree)
    while stack:
        node = stack.pop()
        shown_functions.add(node.element.slug)
        stack.extend(node.children)
    return {
        "term": term,
        "municipalities": municipalities,
        "function_tree": tree,
        "shown_functions": shown_functions,
        "shown_references": {r.slug for r in references},
        "reference_groups": gemma_service.group_by_category(references),
        "standards": gemma_service.list_standards(session),
        "components": components,
        "hosting_forms": advice_service.HOSTING_FORMS,
        "statuses": advice_service.STATUSES,
        "weight_keys": advice_service.WEIGHT_KEYS,
        "weight_levels": labels.WEIGHT_LEVELS,
    }


@bp.get("/advies")
def form() -> str:
    """The profile form, filled in from the link when there is one."""
    arguments = MultiDict(request.args)
    if arguments.get("vul_in"):
        # "Take over what this municipality publishes": forget what the form said it uses.
        arguments.poplist("heeft")
    profile = profile_from_arguments(arguments) if arguments else advice_service.Profile()
    # "Toon alles" is a submit button, not a link, so what was just ticked is sent along.
    term = "" if arguments.get("toon_alles") else (arguments.get("zoek") or "").strip()
    term = term.casefold()[:100]
    prefill: dict[str, tuple[str, ...]] = {}
    if not profile.landscape_stated:
        prefill = advice_service.published_claims_of(db_session(), profile.municipality)
        profile = dataclasses.replace(profile, landscape_components=tuple(prefill))
    return render_template("advice/form.html", profile=profile, prefill=prefill, **_choices(term))


def _replacement() -> tuple[str, str] | None:
    removed, added = request.args.get("vervang", ""), request.args.get("door", "")
    if not removed and not added:
        return None
    if not removed or not added:
        raise ValidationError(
            {"vervang": [_("Kies welk component u wilt vervangen, en waardoor.")]}
        )
    return removed, added


def _profile_query() -> str:
    """The query string without the what-if arguments: the link to this profile's plan."""
    kept = [(k, v) for k, v in request.args.items(multi=True) if k not in ("vervang", "door")]
    return urlencode(kept)


@bp.get("/advies/plan")
def plan() -> str | tuple[str, int]:
    """The plan for the profile in the link, with explanations, the roadmap and a what-if.

    A profile that does not hold up re-renders the form with the errors at the top (422).
    """
    try:
        profile = profile_from_arguments(request.args)
        advice = _advise(profile)
    except ValidationError as error:
        if wants_json():
            raise
        return render_template(
            "advice/form.html",
            profile=advice_service.Profile(),
            prefill={},
            errors={field: [translate(m) for m in ms] for field, ms in error.errors.items()},
            **_choices(),
        ), 422
    graph = plan_graph(advice)
    kinds = labels.translated_table(labels.GRAPH_NODE_KIND)
    return render_template(
        "advice/plan.html",
        profile=profile,
        advice=advice,
        query=_profile_query(),
        made_on=dt.date.today().isoformat(),
        plan_link=url_for("advice.plan", _external=True) + "?" + _profile_query(),
        text=advice_text,
        graph=graph,
        # A plan with nothing new to introduce has nothing to draw (the macro then says so).
        graph_svg=render_svg(graph, title=_("Het plan als plaat"), kind_labels=kinds)
        if graph.nodes
        else "",
        graph_kinds={k: v for k, v in kinds.items() if k in ("component", "reference_component")},
        graph_edges=labels.translated_table(labels.GRAPH_EDGE_KIND),
    )


def plan_graph(advice: advice_service.Advice) -> DependencyGraph:
    """The plan as a graph: each wave a column, then the needs they cover."""
    graph = DependencyGraph(
        root="", depth=len(advice.roadmap.waves) + 1, breadth=len(advice.plan.selected)
    )
    wave_of = {cid: wave.number - 1 for wave in advice.roadmap.waves for cid in wave.components}
    last = len(advice.roadmap.waves)
    needs = set()
    for cid in advice.plan.selected:
        graph.nodes.append(
            GraphNode(
                key=cid,
                kind="component",
                label=advice.name(cid),
                slug=cid,
                depth=wave_of.get(cid, 0),
            )
        )
    for choice in advice.explanation.choices:
        for need in choice.covers:
            needs.add(need)
            graph.edges.append(GraphEdge(choice.component, need, "realises"))
        for provision in choice.brings:
            for provider in provision.met_by:
                if provider in wave_of and provider != choice.component:
                    graph.edges.append(
                        GraphEdge(
                            choice.component,
                            provider,
                            "requires",
                            via=advice.name(provision.requirement),
                        )
                    )
    for need in sorted(needs):
        slug = need.removeprefix(advice_service.RC)
        graph.nodes.append(
            GraphNode(
                key=need, kind="reference_component", label=advice.name(need), slug=slug, depth=last
            )
        )
    if graph.nodes:
        graph.root = graph.nodes[0].key
    return graph


@bp.get("/advies/plan.json")
def plan_json() -> Response:
    """The profile and the plan as JSON (the same shape as POST /api/v1/advice)."""
    profile = profile_from_arguments(request.args)
    advice = _advise(profile)
    body = json.dumps(
        {"profile": profile.to_json(), **advice_service.advice_to_json(advice)},
        ensure_ascii=False,
        indent=2,
    )
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="advies.json"'},
    )


@bp.get("/advies/plan.csv")
def plan_csv() -> Response:
    """The adoption plan as CSV: one row per chosen component, in roadmap order."""
    profile = profile_from_arguments(request.args)
    advice = _advise(profile)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [_("Stap"), _("Component"), _("Dekt"), _("Score (lager is beter)"), _("Heeft nodig")]
    )
    choices = {choice.component: choice for choice in advice.explanation.choices}
    for wave in advice.roadmap.waves:
        for cid in wave.components:
            choice = choices[cid]
            writer.writerow(
                [
                    wave.number,
                    neutralise(advice.name(cid)),
                    neutralise("; ".join(advice.name(n) for n in choice.covers)),
                    f"{choice.score.total:.2f}",
                    neutralise(
                        "; ".join(
                            f"{advice.name(p.requirement)} ({', '.join(advice.name(m) for m in p.met_by)})"
                            for p in choice.brings
                        )
                    ),
                ]
            )
    for item in advice.to_verify:
        writer.writerow(
            [
                "",
                neutralise(_("Te controleren: %(name)s", name=advice.name(item.component))),
                "",
                "",
                neutralise(advice_text.to_verify_reason(advice, item)),
            ]
        )
    for gap in advice.explanation.gaps:
        writer.writerow(
            [
                "",
                neutralise(_("Niet gedekt: %(need)s", need=advice.name(gap.need))),
                "",
                "",
                neutralise(advice_text.gap_reason(advice, gap)),
            ]
        )
    return Response(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": 'attachment; filename="advies.csv"',
            "Content-Type": "text/csv; charset=utf-8",
        },
    )


def _names(keys: Any, advice: advice_service.Advice, separator: str = ", ") -> str:
    """Template filter: the human names of ids, joined."""
    return separator.join(advice.name(str(key)) for key in keys)


def init_app(app: Flask) -> None:
    """Register the advisor pages and the template helpers they use."""
    app.register_blueprint(bp)
    app.jinja_env.filters["names"] = _names
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.tests["startingwith"] = lambda value, prefix: str(value).startswith(prefix)
