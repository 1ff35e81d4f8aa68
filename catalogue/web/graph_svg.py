"""Draw a DependencyGraph as static SVG on the server: columns by depth, no script needed.

The picture is decorative for screen readers (role="img" with a summary); the table next to it
carries the same content with links, so keyboard users lose nothing.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from catalogue.services.graphs import DependencyGraph

NODE_WIDTH, NODE_HEIGHT = 250, 46
COLUMN_GAP, ROW_GAP, MARGIN = 80, 16, 12
MAX_LABEL = 30
# Fill, stroke, text colour and dash per kind; contrast of text on fill is at least 4.5:1.
KIND_STYLE = {
    "component": ("#154273", "#154273", "#ffffff", ""),
    "reference_component": ("#e8f1fb", "#154273", "#1a1a1a", ""),
    "external_facility": ("#fff4ce", "#6b5300", "#1a1a1a", "6 3"),
    "other": ("#f0f0f0", "#4a4a4a", "#1a1a1a", "2 2"),
}
EDGE_DASH = {"requires": "", "realises": "5 4", "depends_on": ""}


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def render_svg(graph: DependencyGraph, *, title: str, kind_labels: dict[str, str]) -> Markup:
    """The graph as an inline ``<svg>`` element; an empty graph gives no element at all."""
    if not graph.nodes:
        return Markup("")
    columns: dict[int, list[str]] = {}
    for node in graph.nodes:
        columns.setdefault(node.depth, []).append(node.key)
    position: dict[str, tuple[int, int]] = {}
    for depth, keys in columns.items():
        for row, key in enumerate(keys):
            position[key] = (
                MARGIN + depth * (NODE_WIDTH + COLUMN_GAP),
                MARGIN + row * (NODE_HEIGHT + ROW_GAP),
            )
    if not columns:
        # A plan with nothing left to do (the landscape already covers it all) has no picture.
        return Markup("")
    width = MARGIN * 2 + (max(columns) + 1) * NODE_WIDTH + max(columns) * COLUMN_GAP
    height = MARGIN * 2 + max(len(k) for k in columns.values()) * (NODE_HEIGHT + ROW_GAP) - ROW_GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="graph" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'fill="#4a4a4a"/></marker></defs>',
    ]
    for edge in graph.edges:
        sx, sy = position[edge.source]
        tx, ty = position[edge.target]
        x1, y1 = sx + NODE_WIDTH, sy + NODE_HEIGHT // 2
        x2, y2 = tx, ty + NODE_HEIGHT // 2
        if tx <= sx:
            # A link back to an earlier column curves below the boxes instead of crossing them.
            x1, x2 = sx + NODE_WIDTH // 2, tx + NODE_WIDTH // 2
            y1, y2 = sy + NODE_HEIGHT, ty + NODE_HEIGHT
            path = f"M {x1} {y1} C {x1} {y1 + 40}, {x2} {y2 + 40}, {x2} {y2}"
        else:
            middle = (x1 + x2) // 2
            path = f"M {x1} {y1} C {middle} {y1}, {middle} {y2}, {x2} {y2}"
        dash = EDGE_DASH.get(edge.kind, "")
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<path d="{path}" fill="none" stroke="#4a4a4a" stroke-width="1.5"'
            f'{dash_attr} marker-end="url(#arrow)"/>'
        )
    for node in graph.nodes:
        x, y = position[node.key]
        fill, stroke, text, dash = KIND_STYLE.get(node.kind, KIND_STYLE["other"])
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f"<g><title>{escape(node.label)} ({escape(kind_labels.get(node.kind, node.kind))})</title>"
            f'<rect x="{x}" y="{y}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}" rx="6" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{3 if node.key == graph.root else 1.5}"{dash_attr}/>'
            f'<text x="{x + 10}" y="{y + 19}" fill="{text}" font-size="13" font-weight="600" '
            f'font-family="system-ui, sans-serif">{escape(_short(node.label))}</text>'
            f'<text x="{x + 10}" y="{y + 36}" fill="{text}" font-size="11" '
            f'font-family="system-ui, sans-serif">{escape(kind_labels.get(node.kind, node.kind))}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text part is escaped above


def legend_swatch(kind: str) -> Markup:
    """A small box in the colour and border of ``kind``, for the HTML legend."""
    fill, stroke, _text, dash = KIND_STYLE.get(kind, KIND_STYLE["other"])
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return Markup(  # noqa: S704 - constants only
        f'<svg width="28" height="16" aria-hidden="true" focusable="false"><rect x="1" y="1" width="26" '
        f'height="14" rx="3" fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash_attr}/></svg>'
    )
