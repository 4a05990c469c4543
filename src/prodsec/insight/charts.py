"""Harmonisation pictures as Vega-Lite specs: coverage bars, the overlap heatmap and the
timeline of obligations. Each title says what is measured; the subtitle states the
filter it ran under."""

from __future__ import annotations

from typing import Any

from prodsec.crosswalk.measures import CoverageRow, Milestone, Overlap, Selection

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
Spec = dict[str, Any]


def _title(text: str, scope: Selection) -> dict[str, Any]:
    return {"text": text, "subtitle": scope.describe(), "anchor": "start"}


def coverage_chart(rows: list[CoverageRow], scope: Selection) -> Spec:
    """Stacked bars: the share of hub blocks each instrument covers fully and partly."""
    values = []
    for r in rows:
        for part, count in (("fully", r.full), ("partly", r.partial)):
            values.append(
                {
                    "instrument": r.instrument.key,
                    "coverage": part,
                    "share": round(count / r.total, 4) if r.total else 0.0,
                    "blocks": count,
                }
            )
    total = rows[0].total if rows else 0
    return {
        "$schema": SCHEMA,
        "title": _title(f"Coverage of the hub ({total} building blocks)", scope),
        "data": {"values": values},
        "mark": {"type": "bar"},
        "width": 560,
        "encoding": {
            "y": {
                "field": "instrument",
                "type": "nominal",
                "sort": "-x",
                "title": "Instrument edition",
            },
            "x": {
                "field": "share",
                "type": "quantitative",
                "stack": "zero",
                "axis": {"format": "%"},
                "title": "Share of building blocks",
            },
            "color": {
                "field": "coverage",
                "type": "nominal",
                "title": "Covered",
                "scale": {"domain": ["fully", "partly"], "range": ["#2166ac", "#92c5de"]},
            },
            "order": {"field": "coverage", "sort": "ascending"},
            "tooltip": [
                {"field": "instrument"},
                {"field": "coverage"},
                {"field": "blocks", "type": "quantitative"},
                {"field": "share", "type": "quantitative", "format": ".0%"},
            ],
        },
    }


def overlap_chart(o: Overlap, scope: Selection, mandatory: bool = False) -> Spec:
    """A heatmap of Jaccard similarity between every pair, with the value in each cell."""
    matrix = o.mandatory if mandatory else o.all
    keys = [i.key for i in o.instruments]
    values = [
        {"a": keys[i], "b": keys[j], "jaccard": value}
        for i, row in enumerate(matrix)
        for j, value in enumerate(row)
        if value is not None
    ]
    which = "mandatory requirements only" if mandatory else "all requirements"
    cell = {
        "x": {"field": "b", "type": "nominal", "sort": keys, "title": None},
        "y": {"field": "a", "type": "nominal", "sort": keys, "title": None},
        # on the number as on the square: the text lies over the cell
        "tooltip": [{"field": "a"}, {"field": "b"}, {"field": "jaccard"}],
    }
    return {
        "$schema": SCHEMA,
        "title": _title(f"Overlap of required building blocks (Jaccard, {which})", scope),
        "data": {"values": values},
        "width": max(240, 26 * len(keys)),
        "height": max(240, 26 * len(keys)),
        "layer": [
            {
                "mark": "rect",
                "encoding": {
                    **cell,
                    "color": {
                        "field": "jaccard",
                        "type": "quantitative",
                        "title": "Jaccard",
                        "scale": {"domain": [0, 1], "scheme": "blues"},
                    },
                },
            },
            {
                "mark": {"type": "text", "fontSize": 8},
                "encoding": {
                    **cell,
                    "text": {"field": "jaccard", "type": "quantitative", "format": ".2f"},
                    "color": {
                        "condition": {"test": "datum.jaccard > 0.6", "value": "white"},
                        "value": "black",
                    },
                },
            },
        ],
    }


def timeline_chart(milestones: list[Milestone], scope: Selection) -> Spec:
    """When obligations start and end, one row per jurisdiction, one mark per event."""
    values = [
        {
            "day": m.day.isoformat(),
            "jurisdiction": m.jurisdiction,
            "instrument": m.instrument.key,
            "kind": m.kind,
            "what": m.what,
        }
        for m in milestones
    ]
    return {
        "$schema": SCHEMA,
        "title": _title("When obligations start and end", scope),
        "data": {"values": values},
        "width": 720,
        "mark": {"type": "point", "filled": True, "size": 90},
        "encoding": {
            "x": {"field": "day", "type": "temporal", "title": "Date"},
            "y": {"field": "jurisdiction", "type": "nominal", "title": "Jurisdiction"},
            "color": {"field": "kind", "type": "nominal", "title": "Event"},
            "shape": {"field": "kind", "type": "nominal", "title": "Event"},
            "tooltip": [
                {"field": "day", "type": "temporal"},
                {"field": "instrument"},
                {"field": "kind"},
                {"field": "what"},
            ],
        },
    }
