"""Dependency graphs: limits, the table alternative, and the SVG drawing the same edges."""

from __future__ import annotations

import re
from typing import Any

import pytest

from catalogue.services.graphs import component_graph, reference_component_graph


def test_graph_respects_depth_and_breadth(app: Any) -> None:
    with app.extensions["catalogue_db"].session() as session:
        wide = reference_component_graph(session, "zaakafhandelcomponent", depth=3, breadth=20)
        narrow = reference_component_graph(session, "zaakafhandelcomponent", depth=1, breadth=2)
    assert max(n.depth for n in narrow.nodes) == 1
    assert len([e for e in narrow.edges if e.source == narrow.root]) == 2
    root_edges_wide = len([e for e in wide.edges if e.source == wide.root])
    assert narrow.omitted >= root_edges_wide - 2 > 0
    assert len(wide.nodes) > len(narrow.nodes)


def test_component_graph_follows_requirements_and_realisations(app: Any) -> None:
    with app.extensions["catalogue_db"].session() as session:
        graph = component_graph(session, "open-zaak")
    kinds = {(graph.node(e.source).label, e.kind, graph.node(e.target).label) for e in graph.edges}
    assert ("Open Zaak", "requires", "Open Notificaties") in kinds
    assert ("Open Zaak", "realises", "Zaakregistratiecomponent") in kinds
    assert any(kind == "depends_on" for _, kind, _ in kinds)


@pytest.mark.parametrize(
    "path", ["/componenten/open-zaak", "/referentiecomponenten/zaakafhandelcomponent"]
)
def test_table_alternative_has_one_row_per_drawn_edge(client: Any, path: str) -> None:
    html = client.get(path).get_data(as_text=True)
    svg = re.search(r"<svg[^>]*class=\"graph\".*?</svg>", html, flags=re.S)
    assert svg is not None
    drawn_edges = svg.group(0).count('marker-end="url(#arrow)"')
    section = html[html.index("Dezelfde afhankelijkheden als tabel") :]
    rows = section[: section.index("</table>")].count("<tr>") - 1  # minus the header row
    assert drawn_edges == rows > 0
    assert 'role="img"' in svg.group(0)


def test_graph_limits_come_from_the_query_and_are_clamped(client: Any) -> None:
    small = client.get("/referentiecomponenten/zaakafhandelcomponent?diepte=1&breedte=1").get_data(
        as_text=True
    )
    huge = client.get(
        "/referentiecomponenten/zaakafhandelcomponent?diepte=999&breedte=abc"
    ).get_data(as_text=True)
    assert "Tot 1 stappen diep en 1 per onderdeel" in small
    assert "Tot 4 stappen diep" in huge
