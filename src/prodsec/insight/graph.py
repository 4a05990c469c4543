"""The recognition graph: schemes and regimes as nodes, recognition edges between them,
laid out deterministically and drawn as a Vega-Lite chart."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from typing_extensions import TypedDict

from prodsec.catalog import Catalog
from prodsec.catalog.recognition import Recognition, RecognitionKind
from prodsec.catalog.views import edge_label

WIDTH, HEIGHT = 1240, 720
RADIUS = 230
COLOURS = {
    RecognitionKind.DEEMED_COMPLIANCE: "#1b7837",
    RecognitionKind.MUTUAL_RECOGNITION: "#2166ac",
    RecognitionKind.SIMPLIFIED_APPLICATION: "#b35806",
    RecognitionKind.PRESUMPTION_OF_CONFORMITY: "#762a83",
    RecognitionKind.SAFE_HARBOUR: "#4d4d4d",
}


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    title: str
    jurisdictions: tuple[str, ...]
    bindingness: str
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Graph:
    on: dt.date | None
    nodes: tuple[Node, ...]
    edges: tuple[Recognition, ...]


def recognition_graph(catalog: Catalog, on: dt.date | None = None) -> Graph:
    """Every edge (or those in force `on` a day) and the instruments they join."""
    edges = tuple(e for e in catalog.recognitions if not e.inside and (on is None or e.current(on)))
    ids = sorted({end for e in edges for end in (e.origin, e.target)})
    places = _layout(ids, [(e.origin, e.target) for e in edges])
    nodes = []
    for ident in ids:
        inst = catalog.instrument(ident)
        title = inst.short_title or inst.title
        if "@" in ident:
            title = f"{title} ({inst.edition})"
        x, y = places[ident]
        nodes.append(Node(ident, title, inst.jurisdictions, inst.bindingness.value, x, y))
    return Graph(on, tuple(nodes), edges)


def _layout(ids: list[str], links: list[tuple[str, str]]) -> dict[str, tuple[float, float]]:
    """Hubs (three or more partners, or the best-connected node of a component) sit on a
    horizontal line; every other node fans out around its hub, away from the line, and a
    node shared by two hubs sits above the gap between them. Same picture every run."""
    partners: dict[str, set[str]] = {i: set() for i in ids}
    for a, b in links:
        partners[a].add(b)
        partners[b].add(a)
    hubs = [i for i in ids if len(partners[i]) >= 3]
    for component in _components(ids, partners):
        if not any(i in hubs for i in component):
            hubs.append(max(component, key=lambda i: (len(partners[i]), i)))
    hubs.sort(key=lambda h: (_component_of(h, ids, partners), -len(partners[h]), h))
    centre_y = HEIGHT / 2
    step = WIDTH / (len(hubs) + 1)
    place = {h: (step * (k + 1), centre_y) for k, h in enumerate(hubs)}
    fans: dict[str, list[str]] = {h: [] for h in hubs}
    for ident in ids:
        if ident in place:
            continue
        near = [h for h in hubs if h in partners[ident]]
        if len(near) >= 2:
            xs = [place[h][0] for h in near]
            place[ident] = (sum(xs) / len(xs), centre_y - RADIUS)
        else:
            fans[near[0] if near else hubs[0]].append(ident)
    for k, hub in enumerate(hubs):
        leaves = fans[hub]
        if not leaves:
            continue
        centre = 180.0 if k == 0 else 0.0 if k == len(hubs) - 1 else 90.0
        if len(hubs) == 1:
            centre = 90.0
        width = min(150.0, 70.0 * (len(leaves) - 1))
        for j, leaf in enumerate(leaves):
            share = 0.5 if len(leaves) == 1 else j / (len(leaves) - 1)
            angle = math.radians(centre - width / 2 + width * share)
            place[leaf] = (
                place[hub][0] + RADIUS * math.cos(angle),
                centre_y + RADIUS * math.sin(angle),
            )
    return {i: (round(x, 1), round(y, 1)) for i, (x, y) in place.items()}


def _components(ids: list[str], partners: dict[str, set[str]]) -> list[list[str]]:
    seen: set[str] = set()
    found = []
    for start in ids:
        if start in seen:
            continue
        todo, part = [start], []
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            part.append(current)
            todo.extend(sorted(partners[current] - seen))
        found.append(part)
    return found


def _component_of(ident: str, ids: list[str], partners: dict[str, set[str]]) -> int:
    return next(k for k, part in enumerate(_components(ids, partners)) if ident in part)


class NodePublic(TypedDict):
    id: str
    title: str
    jurisdictions: list[str]
    bindingness: str


EdgePublic = TypedDict(
    "EdgePublic",
    {
        "id": str,
        "kind": str,
        "from": str,
        "to": str,
        "label": str,
        "origin_level": str | None,
        "target_level": str | None,
        "grants": list[str],
        "valid_from": str,
        "valid_until": str | None,
        "current_label": bool,
        "arrangement": str | None,
    },
)


class GraphPublic(TypedDict):
    """The recognition graph on a day (shared by the CLI and the API)."""

    on: str | None
    nodes: list[NodePublic]
    edges: list[EdgePublic]


def graph_view(graph: Graph) -> GraphPublic:
    return {
        "on": None if graph.on is None else graph.on.isoformat(),
        "nodes": [
            {
                "id": n.id,
                "title": n.title,
                "jurisdictions": list(n.jurisdictions),
                "bindingness": n.bindingness,
            }
            for n in graph.nodes
        ],
        "edges": [
            {
                "id": e.id,
                "kind": e.kind.value,
                "from": e.origin,
                "to": e.target,
                "label": edge_label(e),
                "origin_level": e.origin_level,
                "target_level": e.target_level,
                "grants": list(e.grants),
                "valid_from": e.valid_from.isoformat(),
                "valid_until": None if e.valid_until is None else e.valid_until.isoformat(),
                "current_label": e.current_label,
                "arrangement": e.arrangement,
            }
            for e in graph.edges
        ],
    }


def graph_spec(graph: Graph) -> dict[str, Any]:
    """A Vega-Lite layered chart: edges as lines with arrowheads and labels, nodes as boxes."""
    where = {n.id: (n.x, n.y) for n in graph.nodes}
    groups: dict[tuple[str, str, RecognitionKind], list[Recognition]] = {}
    for e in graph.edges:
        groups.setdefault((e.origin, e.target, e.kind), []).append(e)
    pairs = {(origin, target) for origin, target, _ in groups}
    lines, heads, labels = [], [], []
    for (origin, target, kind_), members in groups.items():
        (x1, y1), (x2, y2) = where[origin], where[target]
        dx, dy = x2 - x1, y2 - y1
        length = max(math.hypot(dx, dy), 1e-6)
        ux, uy = dx / length, dy / length
        # two edges between the same pair run side by side, not on top of each other
        shift = 7.0 if (target, origin) in pairs else 0.0
        ox, oy = -uy * shift, ux * shift
        sx, sy = x1 + ux * 40 + ox, y1 + uy * 40 + oy
        tx, ty = x2 - ux * 44 + ox, y2 - uy * 44 + oy
        kind = kind_.value.replace("-", " ")
        ident = members[0].id
        lines += [
            {"edge": ident, "kind": kind, "x": sx, "y": sy, "order": 0},
            {"edge": ident, "kind": kind, "x": tx, "y": ty, "order": 1},
        ]
        angle = (math.degrees(math.atan2(dy, dx)) + 90) % 360
        heads.append({"kind": kind, "x": tx, "y": ty, "angle": round(angle, 1)})
        since = min(e.valid_from for e in members)
        share = 0.35 if shift else 0.5  # a pair's labels sit near their own origins
        text = [edge_label(e) for e in members] + [f"from {since:%Y-%m}"]
        labels.append(
            {
                "kind": kind,
                "x": round(sx + (tx - sx) * share + ox * 2.2, 1),
                "y": round(sy + (ty - sy) * share + oy * 2.2, 1),
                "text": "\n".join(text),
            }
        )
    nodes = [
        {
            "id": n.id,
            "label": f"{n.title}\n{n.id}",
            "x": n.x,
            "y": n.y,
            "x1": n.x - 75,
            "x2": n.x + 75,
            "y1": n.y - 20,
            "y2": n.y + 20,
        }
        for n in graph.nodes
    ]
    scale_x = {"type": "linear", "domain": [0, WIDTH]}
    scale_y = {"type": "linear", "domain": [HEIGHT, 0]}
    x = {"field": "x", "type": "quantitative", "scale": scale_x, "axis": None}
    y = {"field": "y", "type": "quantitative", "scale": scale_y, "axis": None}
    kinds = [k.value.replace("-", " ") for k in COLOURS]
    colour = {
        "field": "kind",
        "type": "nominal",
        "legend": None,
        "scale": {"domain": kinds, "range": list(COLOURS.values())},
    }
    key = [
        {"kind": kind, "x": 20.0, "y": HEIGHT - 10.0 - 18 * k, "text": kind}
        for k, kind in enumerate(kinds)
    ]
    when = f"in force on {graph.on}" if graph.on else "every edge, all dates"
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": {
            "text": "Recognition between labelling schemes and regimes",
            "subtitle": f"{when}; an arrow runs from what is held to where it counts",
        },
        "width": WIDTH,
        "height": HEIGHT,
        "config": {
            "view": {"stroke": None},
            "legend": {"orient": "top-left", "titleFontSize": 12, "labelFontSize": 11},
        },
        "layer": [
            {
                "data": {"values": key},
                "mark": {"type": "square", "size": 90},
                "encoding": {"x": x, "y": y, "color": colour},
            },
            {
                "data": {"values": key},
                "mark": {"type": "text", "align": "left", "dx": 10, "fontSize": 11},
                "encoding": {"x": x, "y": y, "text": {"field": "text"}},
            },
            {
                "data": {"values": lines},
                "mark": {"type": "line", "strokeWidth": 1.6},
                "encoding": {
                    "x": x,
                    "y": y,
                    "detail": {"field": "edge"},
                    "order": {"field": "order"},
                    "color": colour,
                },
            },
            {
                "data": {"values": heads},
                "mark": {"type": "point", "shape": "triangle-up", "filled": True, "size": 90},
                "encoding": {
                    "x": x,
                    "y": y,
                    "angle": {"field": "angle", "type": "quantitative", "scale": None},
                    "color": colour,
                },
            },
            {
                "data": {"values": labels},
                "mark": {"type": "text", "fontSize": 9, "fill": "#333", "lineBreak": "\n"},
                "encoding": {"x": x, "y": y, "text": {"field": "text"}},
            },
            {
                "data": {"values": nodes},
                "mark": {"type": "rect", "color": "#f7f7f7", "stroke": "#555", "cornerRadius": 4},
                "encoding": {
                    "x": {**x, "field": "x1"},
                    "x2": {"field": "x2"},
                    "y": {**y, "field": "y1"},
                    "y2": {"field": "y2"},
                },
            },
            {
                "data": {"values": nodes},
                "mark": {"type": "text", "fontSize": 10, "lineBreak": "\n", "limit": 146},
                "encoding": {"x": x, "y": y, "text": {"field": "label"}},
            },
        ],
    }
