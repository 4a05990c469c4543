"""`prodsec harmonise ...`: what the world's regimes share and where they part.

Every command takes the same filter options (see cli/scope.py) and states the filter it
ran under in its output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from prodsec.catalog import Catalog
from prodsec.cli.output import Format, FormatOpt, emit, fail
from prodsec.cli.pictures import draw
from prodsec.cli.scope import with_scope
from prodsec.crosswalk import questions
from prodsec.crosswalk.measures import (
    Counted,
    Selection,
    common_core,
    coverage,
    overlap,
    select,
    spread,
    timeline,
    uncovered,
)
from prodsec.crosswalk.views import (
    blocks_view,
    coverage_view,
    overlap_view,
    spread_view,
    timeline_view,
)
from prodsec.insight.charts import coverage_chart, overlap_chart, timeline_chart
from prodsec.insight.render import Picture

app = typer.Typer(
    help="Harmonisation measures over the hub: coverage, overlap, common core, gaps, "
    "parameter spread, timeline, and the policy questions they answer.",
    no_args_is_help=True,
)


class Out(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MD = "md"
    SVG = "svg"
    PNG = "png"


ChartOpt = Annotated[
    Out, typer.Option("--format", "-f", help="table, json, csv or md; svg or png for the chart.")
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the chart or JSON to this file.")
]


def _emit(
    fmt: Out | Format,
    scope: Selection,
    document: Mapping[str, Any],
    rows: Sequence[Mapping[str, Any]],
    columns: list[str],
    title: str,
) -> None:
    """Print the document (its scope first: a public shape from crosswalk.views has it
    already) or the rows."""
    if fmt in (Out.SVG, Out.PNG):  # the charted commands, asked for what has no chart
        raise fail(f"--format: {title} has no chart; use table, json, csv or md")
    caption = f"{title} ({scope.describe()})"
    emit(Format(fmt.value), {"scope": scope.view(), **document}, rows, columns, caption)


def _chart(fmt: Out, spec: dict[str, Any], output: Path | None) -> bool:
    if fmt in (Out.SVG, Out.PNG):
        draw(spec, Picture(fmt.value), output)
        return True
    return False


@app.command("coverage")
@with_scope()
def coverage_(
    catalog: Catalog,
    scope: Selection,
    spine: Annotated[
        str | None,
        typer.Option(
            "--spine", help="Measure against this instrument's requirements, not the hub."
        ),
    ] = None,
    fmt: ChartOpt = Out.TABLE,
    output: OutputOpt = None,
) -> None:
    """The share of hub blocks each instrument covers, fully and partly (bars as a chart).

    With --spine, the share of that instrument's requirements each one relates to
    (directly or through one block): how much of EN 303 645 a scheme takes up.
    """
    if spine is not None:
        rows = questions.spine_coverage(catalog, scope, catalog.instrument(spine))
        cols = ["instrument", "full", "partial", "total", "full_share", "any_share"]
        _emit(fmt, scope, {"spine": spine, "instruments": rows}, rows, cols, "Spine coverage")
        return
    found = coverage(catalog, scope)
    if _chart(fmt, coverage_chart(found, scope), output):
        return
    document = coverage_view(found, scope)
    cols = ["instrument", "full", "partial", "total", "full_share", "any_share"]
    _emit(fmt, scope, document, document["instruments"], cols, "Coverage of the hub")


@app.command("overlap")
@with_scope()
def overlap_(
    catalog: Catalog,
    scope: Selection,
    mandatory: Annotated[
        bool, typer.Option("--mandatory", help="Chart the mandatory-requirements matrix.")
    ] = False,
    fmt: ChartOpt = Out.TABLE,
    output: OutputOpt = None,
) -> None:
    """Jaccard similarity of required blocks for every pair of instruments, on all
    requirements and on mandatory-type requirements only (a heatmap as a chart)."""
    found = overlap(catalog, scope)
    if _chart(fmt, overlap_chart(found, scope, mandatory), output):
        return
    keys = [i.key for i in found.instruments]
    rows = []
    for i, a in enumerate(keys):
        for j, b in enumerate(keys):
            if j > i:
                rows.append(
                    {"a": a, "b": b, "all": found.all[i][j], "mandatory": found.mandatory[i][j]}
                )
    document = overlap_view(found, scope)
    _emit(fmt, scope, document, rows, ["a", "b", "all", "mandatory"], "Overlap (Jaccard)")


@app.command("common-core")
@with_scope(requirements=Counted.MANDATORY)
def common_core_(catalog: Catalog, scope: Selection, fmt: FormatOpt = Format.TABLE) -> None:
    """The building blocks that every selected instrument requires (by default counting
    mandatory-type requirements only)."""
    document = blocks_view(catalog, scope, *common_core(catalog, scope))
    _emit(fmt, scope, document, document["blocks"], ["block", "title"], "Common core")


@app.command("uncovered")
@with_scope(requirements=Counted.MANDATORY)
def uncovered_(
    catalog: Catalog,
    scope: Selection,
    spine: Annotated[
        str | None,
        typer.Option("--spine", help="Report this instrument's requirements, not hub blocks."),
    ] = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """The building blocks that no selected instrument requires; with --spine, the
    spine's requirements that nothing selected relates to (which EN 303 645 provisions
    no mandatory regime asks for)."""
    if spine is not None:
        inst = catalog.instrument(spine)
        insts, refs = questions.spine_uncovered(catalog, scope, inst)
        rows = [
            {"requirement": r.ref, "status": r.status_code, "gist": r.gist}
            for r in inst.requirements
            if r.ref in refs
        ]
        document = {"spine": inst.key, "instruments": [i.key for i in insts], "uncovered": rows}
        _emit(fmt, scope, document, rows, ["requirement", "status", "gist"], "Uncovered")
        return
    found = blocks_view(catalog, scope, *uncovered(catalog, scope))
    _emit(fmt, scope, found, found["blocks"], ["block", "title", "theme"], "Uncovered blocks")


@app.command("spread")
@with_scope()
def spread_(
    catalog: Catalog,
    scope: Selection,
    parameter: Annotated[str, typer.Argument(help="A parameter: min_support_years, ...")],
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """A parameter's values across jurisdictions (support years, reporting deadlines,
    label validity, retention...), the strictest, and who sets none."""
    found = spread(catalog, scope, parameter)
    document = spread_view(found, scope)
    rows: list[dict[str, Any]] = [
        {**s, "jurisdictions": ", ".join(s["jurisdictions"])} for s in document["settings"]
    ]
    rows += [
        {"jurisdictions": ", ".join(i.jurisdictions), "instrument": i.key, "value": "(sets none)"}
        for i in found.silent
    ]
    cols = ["jurisdictions", "instrument", "value", "unit", "requirement", "block"]
    _emit(fmt, scope, document, rows, cols, f"Spread of {parameter}")


@app.command("timeline")
@with_scope()
def timeline_(
    catalog: Catalog, scope: Selection, fmt: ChartOpt = Out.TABLE, output: OutputOpt = None
) -> None:
    """When each obligation starts and ends, per jurisdiction (every edition of the
    selected instruments; with --on, up to that day)."""
    found = timeline(catalog, scope)
    if _chart(fmt, timeline_chart(found, scope), output):
        return
    document = timeline_view(found, scope)
    cols = ["date", "jurisdiction", "instrument", "event", "what"]
    _emit(fmt, scope, document, document["events"], cols, "Timeline")


@app.command("requires")
@with_scope()
def requires(
    catalog: Catalog,
    scope: Selection,
    block: Annotated[str, typer.Argument(help="A building block id.")],
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Which selected instruments require a block, fully or partly, through which
    requirements, with their conformity routes; and which do not."""
    wanted = catalog.block(block).id
    rows = [
        questions.requirement_row(catalog, scope, inst, wanted) for inst in select(catalog, scope)
    ]
    cols = ["instrument", "jurisdictions", "requires", "requirements", "parameters", "routes"]
    _emit(fmt, scope, {"block": wanted, "instruments": rows}, rows, cols, f"Who requires {wanted}")


@app.command("excluded")
@with_scope()
def excluded(catalog: Catalog, scope: Selection, fmt: FormatOpt = Format.TABLE) -> None:
    """Product categories that no selected instrument covers, or that every one leaves
    out: the products that fall between regimes."""
    rows = questions.uncovered_categories(catalog, scope)
    _emit(fmt, scope, {"categories": rows}, rows, ["category", "title", "why"], "Between regimes")


@app.command("duty-of-care")
@with_scope()
def duty_of_care(catalog: Catalog, scope: Selection, fmt: FormatOpt = Format.TABLE) -> None:
    """Per jurisdiction, the OECD duty-of-care principles (by design, by default,
    lifecycle, end of life, transparency) that no selected requirement puts into practice."""
    rows = questions.duty_gaps(catalog, scope)
    cols = ["jurisdiction", "covered", "missing"]
    _emit(fmt, scope, {"jurisdictions": rows}, rows, cols, "Duty of care")


@app.command("layers")
@with_scope()
def layers(catalog: Catalog, scope: Selection, fmt: FormatOpt = Format.TABLE) -> None:
    """Building blocks that only principles or outcomes ask for, with no baseline or
    specification beneath them (the actionability gap)."""
    rows = questions.layer_gaps(catalog, scope)
    _emit(fmt, scope, {"blocks": rows}, rows, ["block", "title", "asked_by"], "Only above baseline")


@app.command("conflicts")
@with_scope()
def conflicts(catalog: Catalog, scope: Selection, fmt: FormatOpt = Format.TABLE) -> None:
    """Pairs of requirements of different instruments that set different values for one
    block parameter: `stricter-than` where the parameter has a direction, `conflicts-with`
    where the two values cannot both hold."""
    rows = questions.parameter_pairs(catalog, scope)
    cols = ["block", "parameter", "requirement", "value", "relation", "other", "other_value"]
    _emit(fmt, scope, {"pairs": rows}, rows, cols, "Differing parameter values")


@app.command("support-end")
@with_scope()
def support_end(catalog: Catalog, scope: Selection, fmt: FormatOpt = Format.TABLE) -> None:
    """Per regime, the provisions on the end of security support and on end of life, and
    whether the regime tells the two apart, ties them together, or covers one or none."""
    rows = questions.support_and_end_of_life(catalog, scope)
    cols = ["instrument", "jurisdictions", "end_of_support", "end_of_life", "answer"]
    _emit(fmt, scope, {"instruments": rows}, rows, cols, "End of support and end of life")


@app.command("agreement")
def agreement_of(
    crosswalk: Annotated[
        Path,
        typer.Argument(
            help="A published crosswalk: STRM CSV or an OSCAL mapping-collection (JSON).",
            exists=True,
            dir_okay=False,
        ),
    ],
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Each row of a published crosswalk beside the relation the hub derives between the
    same ends: agrees, stronger, weaker, contradicts or new (docs/changes.md)."""
    from prodsec.catalog import load_catalog
    from prodsec.crosswalk.published import agreement, read_csv, read_oscal

    catalog = load_catalog()
    text = crosswalk.read_text(encoding="utf-8")
    reader = read_oscal if crosswalk.suffix.lower() == ".json" else read_csv
    report = agreement(catalog, reader(catalog, text, crosswalk.name))
    cols = ["source", "target", "published", "derived", "verdict"]
    counts = ", ".join(f"{n} {k}" for k, n in report["counts"].items())
    emit(fmt, report, report["rows"], cols, title=f"Agreement with the hub: {counts}")
