"""The component search page: one view, the full page or (for htmx) only the results.

Every state of the page is its URL: ``q``, the facet filters as repeated arguments (for example
``?licentie=EUPL-1.2&licentie=MIT&gemeente=gemeente-utrecht``), ``sort`` and ``page``. The form
is a plain GET form that works without JavaScript; with htmx it swaps ``#resultaten`` only.
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    make_response,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from catalogue.i18n import request_translations
from catalogue.search import search_catalogue
from catalogue.search.interfaces import SORTS, FacetValue, Hit, SearchQuery, SearchResults, Sort
from catalogue.search.query import FACETS, UNKNOWN, Facet, normalise_text, parse_filters
from catalogue.services.components import CardCache, ResultCard
from catalogue.web import labels, links
from catalogue.web.context import db_session
from catalogue.web.page_cache import cached_page

bp = Blueprint("search", __name__)

# What each facet is called on the page.
LEGENDS = {
    "reference_component": _l("GEMMA-referentiecomponent"),
    "standard": _l("Standaard"),
    "layer": _l("Laag in Common Ground"),
    "hosting_model": _l("Manier van hosten"),
    "license": _l("Licentie"),
    "development_status": _l("Hoe ver is het"),
    "maintenance_type": _l("Onderhoud"),
    "technology_platform": _l("Techniek"),
    "maintainer": _l("Beheerder"),
    "municipality": _l("Gebruikt door gemeente"),
}
MAINTENANCE = {
    "internal": _l("door de maker zelf"),
    "contract": _l("door een bedrijf met een contract"),
    "community": _l("door een gemeenschap"),
    "none": _l("geen onderhoud"),
}
# Facets whose values are codes: the page shows the label in the reader's language.
CODE_LABELS: dict[str, Mapping[str, Any]] = {
    "layer": labels.LAYER,
    "hosting_model": labels.HOSTING,
    "development_status": labels.STATUS,
    "maintenance_type": MAINTENANCE,
}
SORT_LABELS = {
    "relevance": _l("best passend"),
    "name": _l("naam (A tot Z)"),
    "updated": _l("laatst bijgewerkt"),
}
# Values shown per facet before "show more"; chosen values are always shown.
VISIBLE_VALUES = 8
# At most this many more values under "show more"; a facet with even more links to a page with
# all of them (a list of hundreds of checkboxes helps nobody, and makes every page heavy).
MORE_VALUES = 40
MAX_PAGE = 10_000
# Result cards kept per worker between search pages (CardCache), a few hundred bytes each.
KEPT_CARDS = 20_000
CARD_CACHE = "catalogue_card_cache"


@dataclass(frozen=True)
class FacetGroup:
    """One facet's fieldset: its checkboxes as HTML (:func:`_checkboxes`), the first ones and
    those under "more"."""

    param: str
    legend: str
    visible_html: Markup
    more_html: Markup
    # How many checkboxes are under "more".
    more_count: int
    # The chosen values' names, by value.
    chosen: dict[str, str]
    # How many values the facet has in all, and the page that lists them all (None when the
    # page shows every value).
    total: int = 0
    all_url: str | None = None


@dataclass(frozen=True)
class ActiveFilter:
    """A chosen filter value, with the URL that drops it."""

    legend: str
    label: str
    remove_url: str


def _page() -> int:
    try:
        return max(1, min(int(request.args.get("page", "1")), MAX_PAGE))
    except ValueError:
        return 1


def _query() -> SearchQuery:
    q = normalise_text(request.args.get("q"))
    wanted = request.args.get("sort")
    sort: Sort = "relevance" if q else "name"
    if wanted in SORTS:
        sort = wanted  # type: ignore[assignment]
    if sort == "relevance" and not q:
        # Without words nothing is more relevant than anything else.
        sort = "name"
    return SearchQuery(
        q=q,
        filters=parse_filters(request.args.getlist),
        sort=sort,
        page=_page(),
        per_page=int(current_app.config["PER_PAGE"]),
        language=str(g.get("lang", "nl")),
        # The page shows at most this many values of a facet besides the chosen ones.
        facet_limit=VISIBLE_VALUES + MORE_VALUES,
    )


def search_url(
    query: SearchQuery,
    *,
    q: str | None = None,
    filters: Mapping[str, tuple[str, ...]] | None = None,
    page: int = 1,
    endpoint: str = "search.components",
    **values: Any,
) -> str:
    """The URL of a search state; unchanged parts are kept, the page restarts at 1.
    ``endpoint`` and ``values`` name another page that takes the same state."""
    text = query.q if q is None else q
    chosen = query.filters if filters is None else filters
    arguments: dict[str, Any] = {}
    if text:
        arguments["q"] = text
    for facet in FACETS:
        if chosen.get(facet.name):
            arguments[facet.param] = list(chosen[facet.name])
    default_sort = "relevance" if text else "name"
    if query.sort != default_sort:
        arguments["sort"] = query.sort
    if page > 1:
        arguments["page"] = page
    return links.query_url(endpoint, values, arguments)


def _label(facet: Facet, value: FacetValue, coded: Mapping[tuple[str, str], str]) -> str:
    """The name of a facet value on the page: a code's or "onbekend"'s from ``coded``
    (:func:`_labels`), else the name the catalogue gives it."""
    if value.value != UNKNOWN and not facet.coded:
        return value.label
    return coded.get((facet.name, value.value), value.label)


@dataclass(frozen=True)
class _Labels:
    """The page's fixed words in one language: "onbekend" and every code's label, by (facet,
    code), and each facet's legend, by facet; and the checkboxes' HTML made in this language
    (:func:`_checkboxes`)."""

    coded: dict[tuple[str, str], str]
    legends: dict[str, str]
    rows: dict[tuple[str, str, str, bool], tuple[str, str]] = field(default_factory=dict)


def _labels() -> _Labels:
    """The fixed words, translated once per language (kept on the language's translations
    object, as catalogue/i18n.py keeps its messages)."""
    translations = request_translations()
    kept: _Labels | None = translations.__dict__.get(_LABELS)
    if kept is None:
        coded = {
            (facet.name, code): str(label)
            for facet in FACETS
            if facet.coded
            for code, label in CODE_LABELS[facet.name].items()
        }
        coded.update({(facet.name, UNKNOWN): _("onbekend") for facet in FACETS})
        kept = _Labels(coded, {name: str(legend) for name, legend in LEGENDS.items()})
        translations.__dict__[_LABELS] = kept
    return kept


_LABELS = "_componentenwijzer_search_labels"


def _groups(query: SearchQuery, results: SearchResults) -> list[FacetGroup]:
    groups = []
    fixed = _labels()
    coded = fixed.coded
    for facet in FACETS:
        values = results.facets.get(facet.name, [])
        if not values:
            continue
        chosen = [v for v in values if v.selected]
        room = max(VISIBLE_VALUES - len(chosen), 0)
        # Only the values the page shows become checkboxes: a facet can have hundreds.
        shown = room + MORE_VALUES
        others = [v for v in values if not v.selected][:shown]
        more = others[room:]
        total = results.facet_totals.get(facet.name, len(values))
        groups.append(
            FacetGroup(
                param=facet.param,
                legend=fixed.legends[facet.name],
                visible_html=_checkboxes(facet, chosen + others[:room], fixed),
                more_html=_checkboxes(facet, more, fixed),
                more_count=len(more),
                chosen={v.value: _label(facet, v, coded) for v in chosen},
                total=total,
                all_url=(
                    search_url(query, endpoint="search.facet_values", param=facet.param)
                    if total - len(chosen) > shown
                    else None
                ),
            )
        )
    return groups


# Checkboxes' HTML kept per language (_Labels.rows): the values of a large catalogue's facets,
# ticked and not; forgotten all at once when full.
KEPT_ROWS = 65_536


def _row(param: str, value: str, label: str, selected: bool) -> tuple[str, str]:
    """A checkbox's HTML before and after its count. The box's id is a hash of its value."""
    digest = hashlib.blake2s(value.encode("utf-8"), digest_size=5).hexdigest()
    element = escape(f"filter-{param}-{digest}")
    checked = " checked" if selected else ""
    return (
        f'<li><input type="checkbox" id="{element}" name="{escape(param)}"'
        f' value="{escape(value)}"{checked}>\n  <label for="{element}">{escape(label)} (',
        ")</label></li>",
    )


def _checkboxes(facet: Facet, values: list[FacetValue], fixed: _Labels) -> Markup:
    """The ``<li>`` checkboxes of a facet's values, escaped as the template would.

    Written here rather than as a loop in ``search/_results.html``: a search page shows a few
    hundred of them, and Jinja's loop (an escape and a Markup per value, per attribute) took a
    third of the page's rendering. Each box's HTML around its count is made once per language,
    value, name and tick (the same values are on many pages, with other counts). Each box's id
    is stable across requests, so htmx keeps the focus on the box that was just ticked.
    """
    param = facet.param
    kept = fixed.rows
    rows = []
    for value in values:
        name, label, count, selected = value
        row = kept.get((param, name, label, selected))
        if row is None:
            if len(kept) >= KEPT_ROWS:
                kept.clear()
            row = kept[(param, name, label, selected)] = _row(
                param, name, _label(facet, value, fixed.coded), selected
            )
        rows.append(f"{row[0]}{count:d}{row[1]}")
    return Markup("\n".join(rows))  # noqa: S704 - every value above is escaped


def _active(query: SearchQuery, groups: list[FacetGroup]) -> list[ActiveFilter]:
    names = {(g.param, value): label for g in groups for value, label in g.chosen.items()}
    active = []
    for facet in FACETS:
        for value in query.filters.get(facet.name, ()):
            remaining = dict(query.filters)
            remaining[facet.name] = tuple(v for v in remaining[facet.name] if v != value)
            active.append(
                ActiveFilter(
                    legend=str(LEGENDS[facet.name]),
                    label=names.get((facet.param, value), value),
                    remove_url=search_url(query, filters=remaining),
                )
            )
    return active


CARD_TEMPLATE = "search/_card.html"
# Result cards' HTML kept per worker, by language and card (about 1 KB each).
KEPT_CARD_HTML = 16_384


def _cards_html(
    hits: list[Hit], cards: Mapping[str, ResultCard], compare: list[str]
) -> dict[str, Markup]:
    """Each hit's card without its snippet (``search/_card.html``), by slug."""
    module = current_app.jinja_env.get_template(CARD_TEMPLATE).module
    translations = request_translations()
    root = request.script_root
    full = len(compare) >= MAX_COMPARED
    html = {}
    for hit in hits:
        checked = hit.slug in compare
        html[hit.slug] = _card_html(
            module,
            translations,
            root,
            (hit.slug, hit.name, cards.get(hit.slug), checked, full and not checked),
        )
    return html


@functools.lru_cache(maxsize=KEPT_CARD_HTML)
def _card_html(module: Any, translations: Any, script_root: str, card: tuple[Any, ...]) -> Markup:
    """A card's HTML: made by the template's macro (``module``, so a reloaded template makes
    its own) once per language (``translations``), script root (its links) and card (slug,
    name, facts, whether its box is ticked, whether it is disabled). A card of the same
    component with other facts is another key, so nothing here outlives a change."""
    return Markup(module.card(*card))  # noqa: S704 - the macro's own autoescaped output


def _wants_fragment() -> bool:
    # htmx restoring a page it has no copy of asks for the whole page.
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


MAX_COMPARED = 4


def _comparison_choice(results: SearchResults) -> dict[str, Any]:
    """Components ticked for comparison (``c``): part of the search state, so they survive a
    new search, a page change and an htmx swap; the ones not on this page ride along hidden."""
    chosen = list(dict.fromkeys(v for v in request.args.getlist("c") if v))[:MAX_COMPARED]
    on_page = {hit.slug for hit in results.hits}
    return {
        "compare": chosen,
        "compare_hidden": [slug for slug in chosen if slug not in on_page],
        "compare_url": url_for("compare.compare_page", c=chosen) if len(chosen) >= 2 else None,
    }


@bp.get("/componenten")
@cached_page
def components() -> Response:
    """Search and filter the components; the whole page, or only the results for htmx."""
    query = _query()
    results = search_catalogue(query)
    if results.degraded:
        # A degraded answer must not outlive the rebuild that is running now.
        g.no_page_cache = True
    pages = max(1, math.ceil(results.total / query.per_page))
    page = min(query.page, pages)
    groups = _groups(query, results)
    choice = _comparison_choice(results)
    context = {
        "query": query,
        "results": results,
        "groups": groups,
        "active_filters": _active(query, groups),
        "clear_url": search_url(query, filters={}),
        "suggestion_url": (search_url(query, q=results.suggestion) if results.suggestion else None),
        # What the results are for: the correction when the text as typed found nothing.
        "searched": results.corrected or query.q,
        "paging": {
            "page": page,
            "pages": pages,
            "total": results.total,
            "previous": search_url(query, page=page - 1) if page > 1 else None,
            "next": search_url(query, page=page + 1) if page < pages else None,
        },
        "sorts": [
            (key, labels.translated(SORT_LABELS[key]))
            for key in SORTS
            if key != "relevance" or query.q
        ],
        **choice,
        # The status, licence and main reference component of each hit on the page.
        "card_html": _cards_html(
            results.hits,
            current_app.extensions[CARD_CACHE].cards(
                db_session(), [hit.slug for hit in results.hits]
            ),
            choice["compare"],
        ),
    }
    template = "search/_results.html" if _wants_fragment() else "search/components.html"
    response = make_response(render_template(template, **context))
    # The same URL answers with a fragment or a page depending on this header.
    response.vary.add("HX-Request")
    return response


FACET_BY_PARAM = {facet.param: facet for facet in FACETS}


@bp.get("/componenten/filter/<param>")
@cached_page
def facet_values(param: str) -> Response:
    """Every value of one facet for the current search, as a form that returns to the search
    with the ticked values (the search page lists only the most frequent ones)."""
    facet = FACET_BY_PARAM.get(param)
    if facet is None:
        abort(404)
    query = _query()
    results = search_catalogue(replace(query, page=1, per_page=1, facet_limit=None))
    kept = [
        (other.param, value)
        for other in FACETS
        if other is not facet
        for value in query.filters.get(other.name, ())
    ]
    if query.q:
        kept.insert(0, ("q", query.q))
    if request.args.get("sort") in SORTS:
        kept.append(("sort", query.sort))
    kept += [("c", slug) for slug in dict.fromkeys(request.args.getlist("c")) if slug]
    return make_response(
        render_template(
            "search/facet.html",
            query=query,
            legend=str(LEGENDS[facet.name]),
            checkboxes=_checkboxes(facet, results.facets.get(facet.name, []), _labels()),
            kept=kept,
            total=results.total,
            back_url=search_url(query),
        )
    )


def init_app(app: Flask) -> None:
    """Register the search page, and its cache of result cards."""
    app.extensions[CARD_CACHE] = CardCache(KEPT_CARDS)
    app.register_blueprint(bp)
