"""`prodsec recognition ...`: where a label counts, and the graph of recognition edges."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, cast

import typer

from prodsec.assess.reach import reach, reach_text, reach_view
from prodsec.catalog import load_catalog
from prodsec.catalog.views import edge_label
from prodsec.cli import names
from prodsec.cli.applies import parse_day, split
from prodsec.cli.output import Format, FormatOpt, emit, fail
from prodsec.cli.pictures import draw, write_json
from prodsec.errors import BadInputError
from prodsec.insight.graph import graph_spec, graph_view, recognition_graph
from prodsec.insight.render import Picture

app = typer.Typer(
    help="Recognition between schemes and regimes: mutual recognition, deemed compliance, "
    "presumption of conformity, simplified applications.",
    no_args_is_help=True,
)


class GraphFormat(StrEnum):
    JSON = "json"
    SVG = "svg"
    PNG = "png"


def _day(text: str | None, option: str) -> dt.date | None:
    return None if text is None else parse_day(text, option)


@app.command("list")
def list_(
    on: Annotated[
        str | None, typer.Option("--on", help="Only edges in force on this date, YYYY-MM-DD.")
    ] = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """List the recognition edges: kind, direction, level map, dates, arrangement."""
    catalog = load_catalog()
    day = _day(on, "--on")
    edges = [e for e in catalog.recognitions if day is None or e.current(day)]
    rows = [
        {
            "id": e.id,
            "kind": e.kind.value,
            "from": e.origin,
            "to": e.target,
            "map": edge_label(e),
            "valid_from": e.valid_from.isoformat(),
            "valid_until": None if e.valid_until is None else e.valid_until.isoformat(),
            "current_label": e.current_label,
            "arrangement": e.arrangement,
        }
        for e in edges
    ]
    columns = ["id", "kind", "from", "to", "map", "valid_from", "valid_until"]
    columns += ["current_label", "arrangement"]
    if fmt is Format.TABLE:  # the essentials, to fit a terminal
        columns = ["id", "from", "to", "map", "valid_from"]
    emit(fmt, rows, rows, columns, title="Recognition edges")


@app.command("reach")
def reach_(
    scheme: Annotated[
        str, typer.Option("--scheme", "-s", help="The label's scheme (or an instrument met).")
    ],
    category: Annotated[
        str, typer.Option("--category", "-c", help="Product category, e.g. smart-camera.")
    ],
    level: Annotated[
        str | None,
        typer.Option("--level", "-l", help="The label's level; not needed for one-level schemes."),
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="The date to judge on, YYYY-MM-DD (default today).")
    ] = None,
    market: Annotated[
        list[str] | None,
        typer.Option("--market", "-m", help="Only where it counts in these markets (GB,SG...)."),
    ] = None,
    valid_until: Annotated[
        str | None,
        typer.Option(
            "--valid-until",
            help="The label's last valid day, YYYY-MM-DD; edges needing a current label "
            "stop counting after it.",
        ),
    ] = None,
    registration: Annotated[
        str | None,
        typer.Option(
            "--registration",
            "-r",
            help="The label's registration ID, checked against the scheme's form; where it "
            "carries the expiry (CLS: CSA/DDMMYY/...), that is the last valid day.",
        ),
    ] = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Where a label counts: through which edge, what it grants, and until when.

    Every edge out of the scheme is judged for the product category on the date: it
    counts, or the output says why not (not yet in force, level too low, category
    excluded, label expired). Edges do not chain.
    """
    catalog = load_catalog()
    day = dt.date.today() if on is None else parse_day(on, "--on")
    held = catalog.instrument(scheme)
    if level is None and len(held.levels) > 1:
        levels = ", ".join(lv.id for lv in held.levels)
        raise fail(f"--level: {held.id} has levels {levels}; name the label's level")
    try:
        answer = reach(
            catalog,
            scheme,
            names.category(catalog, category),
            day,
            level=level,
            markets=tuple(names.markets(catalog, split(market or []))),
            valid_until=_day(valid_until, "--valid-until"),
            registration=registration,
        )
    except BadInputError as exc:
        raise fail(f"--{exc.field.replace('_', '-')}: {exc.message}") from exc
    if fmt is Format.TABLE:
        typer.echo(reach_text(catalog, answer), nl=False)
        return
    view = reach_view(catalog, answer)
    rows = [
        {
            "counts": counts,
            "markets": edge["markets"],
            "target": edge["target"],
            "edge": edge["edge"],
            "what": edge["what"],
            "until": edge["until"],
            "reasons": edge["reasons"],
        }
        for counts, edges in ((True, view["counts"]), (False, view["does_not_count"]))
        for edge in cast(list[dict[str, Any]], edges)
    ]
    columns = ["counts", "markets", "target", "edge", "what", "until", "reasons"]
    emit(fmt, view, rows, columns, title=f"Where {answer.scheme.key} counts")


@app.command("graph")
def graph(
    fmt: Annotated[
        GraphFormat, typer.Option("--format", "-f", help="json, svg or png.")
    ] = GraphFormat.JSON,
    on: Annotated[
        str | None, typer.Option("--on", help="Only edges in force on this date, YYYY-MM-DD.")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file (needed for png)."),
    ] = None,
) -> None:
    """The graph of schemes and regimes with labelled recognition edges.

    JSON lists nodes and edges; SVG and PNG draw it (a Vega-Lite chart rendered offline),
    titled with the date filter, edges coloured by kind with a key.
    """
    catalog = load_catalog()
    built = recognition_graph(catalog, _day(on, "--on"))
    if fmt is GraphFormat.JSON:
        write_json(graph_view(built), output)
    else:
        draw(graph_spec(built), Picture(fmt.value), output)
