"""`prodsec catalog ...`: list, show, search, diff and validate the atlas."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from prodsec.catalog import CatalogError, compile_catalog, load_catalog
from prodsec.catalog.atlas import GroupBy, InstrumentFilter, select_instruments
from prodsec.catalog.load import PACKAGED, iter_schemas
from prodsec.catalog.views import (
    diff_view,
    grouped_view,
    instrument_summary,
    instrument_view,
    requirement_view,
    trigger_text,
    world_view,
)
from prodsec.catalog.vocab import Actor, Bindingness, InstrumentType, Layer
from prodsec.cli import names
from prodsec.cli.output import Format, FormatOpt, emit, fail
from prodsec.errors import BadInputError

app = typer.Typer(
    help="The atlas of instruments: list, show, search, diff, validate.", no_args_is_help=True
)


@app.command("list")
def list_(
    type_: Annotated[
        InstrumentType | None, typer.Option("--type", help="Only this instrument type.")
    ] = None,
    jurisdiction: Annotated[
        str | None,
        typer.Option(
            "--jurisdiction", "-j", help="Only instruments of this jurisdiction (GB, EU, INT...)."
        ),
    ] = None,
    bindingness: Annotated[
        Bindingness | None,
        typer.Option("--bindingness", "--binding", help="Only this bindingness."),
    ] = None,
    layer: Annotated[Layer | None, typer.Option(help="Only this layer.")] = None,
    region: Annotated[
        str | None,
        typer.Option(help="Only instruments of a jurisdiction in this region (europe...)."),
    ] = None,
    actor: Annotated[
        Actor | None,
        typer.Option(help="Only instruments that put duties on this actor (importer...)."),
    ] = None,
    group_by: Annotated[
        GroupBy | None, typer.Option(help="Group the list by layer or by region.")
    ] = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """List every instrument edition in the catalog."""
    catalog = load_catalog()
    if jurisdiction is not None:
        jurisdiction = names.jurisdictions(catalog, [jurisdiction])[0]
    wanted = InstrumentFilter(type_, jurisdiction, bindingness, layer, region, actor)
    items = select_instruments(catalog, wanted)
    cols = ["key", "title", "type", "bindingness", "jurisdictions", "requirement_count"]
    if group_by is None:
        rows = [instrument_summary(i) for i in items]
        emit(fmt, rows, rows, cols, title="Instruments")
        return
    grouped = grouped_view(catalog, items, group_by)
    flat = [{"group": g["group"], **i} for g in grouped for i in g["instruments"]]
    emit(fmt, grouped, flat, ["group", *cols], title="Instruments")


@app.command()
def world(
    on: Annotated[
        str | None, typer.Option("--on", help="The day to look at, YYYY-MM-DD (default today).")
    ] = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """The atlas at a glance: each jurisdiction, by region, against the layers, naming what
    binds there, what is coming and what is voluntary."""
    from prodsec.cli.applies import parse_day

    view = world_view(load_catalog(), dt.date.today() if on is None else parse_day(on, "--on"))
    rows: list[dict[str, Any]] = [
        {
            "region": region["region"],
            "jurisdiction": row["jurisdiction"],
            **{
                layer: [f"{e['instrument']} ({e['status']} {e['since']})" for e in entries]
                for layer, entries in row["cells"].items()
            },
        }
        for region in view["regions"]
        for row in region["rows"]
    ]
    emit(
        fmt,
        view,
        rows,
        ["region", "jurisdiction", *view["layers"]],
        title=f"The atlas on {view['on']}",
    )


@app.command()
def show(
    spec: Annotated[
        str, typer.Argument(help="ID or ID@EDITION (the latest edition when omitted).")
    ],
    ref: Annotated[str | None, typer.Argument(help="One requirement's ref, e.g. 5.1-1.")] = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Show an instrument with its requirements, or one requirement with its mappings."""
    catalog = load_catalog()
    inst = catalog.instrument(spec)
    if ref is not None:
        req = catalog.requirement(inst.requirement_id(ref))
        view = requirement_view(catalog, inst, req)
        rows = [{"field": k, "value": v} for k, v in view.items() if k != "mappings"]
        for row in rows:  # who bears it and what sets it off, in words
            if row["field"] == "trigger" and req.trigger is not None:
                row["value"] = trigger_text(req.trigger)
        rows += [
            {
                "field": "mapping",
                "value": f"{m.get('block') or m.get('requirement')} ({m['relationship']})",
            }
            for m in view["mappings"]
        ]
        emit(fmt, view, rows, ["field", "value"], title=view["id"])
        return
    edition = instrument_view(catalog, inst)
    rows = [
        {**r, "maps_to": [m.get("block") or m.get("requirement") for m in r["mappings"]]}
        for r in edition["requirements"]
    ]
    cols = ["ref", "status_code", "strength", "confidence", "gist", "maps_to"]
    facts = edition["confidence"]["facts"]
    counted = ", ".join(f"{facts[c]} {c}" for c in ("verified", "secondary", "unverified"))
    emit(fmt, edition, rows, cols, title=f"{inst.key}: {inst.title} (facts: {counted})")


class ExportFormat(StrEnum):
    OSCAL = "oscal"
    JSON = "json"


@app.command()
def export(
    spec: Annotated[str, typer.Argument(help="ID or ID@EDITION to export.")],
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="oscal (an OSCAL 1.2 catalog) or json (prodsec's)."),
    ] = ExportFormat.OSCAL,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
) -> None:
    """Export an instrument edition: as an OSCAL catalog (sections as groups, requirements
    as controls, status, strength and confidence as properties), or as prodsec's JSON."""
    from prodsec.cli.pictures import write_json
    from prodsec.crosswalk.oscal import catalog_document

    catalog = load_catalog()
    inst = catalog.instrument(spec)
    if fmt is ExportFormat.OSCAL:
        write_json(catalog_document(inst), output)
    else:
        write_json(instrument_view(catalog, inst), output)


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="Words that must all appear (case-insensitive).")],
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Search refs, titles and gists of instruments, requirements and building blocks."""
    hits = load_catalog().search(text)
    rows = [
        {"kind": h.kind, "instrument": h.instrument, "ref": h.ref, "text": h.text} for h in hits
    ]
    emit(
        fmt,
        rows,
        rows,
        ["kind", "instrument", "ref", "text"],
        title=f"{len(rows)} matches for '{text}'",
    )


@app.command()
def diff(
    old: Annotated[str, typer.Argument(help="ID@EDITION to compare from.")],
    new: Annotated[str, typer.Argument(help="ID@EDITION to compare to.")],
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """What changed between two editions: added, removed, split, renumbered, status, gist."""
    from prodsec.catalog.diff import diff_editions

    catalog = load_catalog()
    try:
        result = diff_editions(catalog, catalog.instrument(old), catalog.instrument(new))
    except BadInputError as exc:
        raise fail(str(exc)) from exc
    view = diff_view(result)
    rows = [
        {"kind": c["kind"], "old": c["old"], "new": c["new"], "detail": c["detail"]}
        for c in view["changes"]
    ]
    title = f"{result.old} -> {result.new}: {len(rows)} changes, {result.unchanged} unchanged"
    emit(fmt, view, rows, ["kind", "old", "new", "detail"], title=title)


@app.command()
def validate(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="A catalog folder (default: the packaged data).", exists=True, file_okay=False
        ),
    ] = None,
) -> None:
    """Check every data file; print every problem as file:line: field: message (exit 1)."""
    try:
        catalog = compile_catalog((path or PACKAGED).resolve())
    except CatalogError as exc:
        typer.echo(str(exc))
        raise typer.Exit(1) from exc
    count = sum(len(i.requirements) for i in catalog.instruments.values())
    maps = sum(len(m.mappings) for m in catalog.mapping_sets.values())
    typer.echo(
        f"ok: {len(catalog.instruments)} instrument editions, {count} requirements, "
        f"{len(catalog.blocks)} building blocks, {maps} mappings"
    )


@app.command()
def schemas(
    folder: Annotated[
        Path, typer.Argument(help="Where to write the JSON Schemas.", file_okay=False)
    ],
) -> None:
    """Write the JSON Schema of every kind of data file, and of product profiles (for
    editors and other tools)."""
    from pydantic import TypeAdapter
    from rich.console import Console  # only here: start-up stays light

    from prodsec.assess.profile import Profile
    from prodsec.catalog.files import write_file

    folder.mkdir(parents=True, exist_ok=True)
    product = ("product.schema.json", TypeAdapter(Profile).json_schema())
    for name, schema in [*iter_schemas(), product]:
        write_file(folder / name, (json.dumps(schema, indent=2, sort_keys=True) + "\n").encode())
        Console(stderr=True).print(f"wrote {folder / name}", highlight=False)


@app.command()
def changes(
    since: Annotated[
        str | None,
        typer.Option(help="Only revisions after this revision number, or from this day on."),
    ] = None,
    instrument: Annotated[
        str | None, typer.Option("--instrument", "-i", help="Only changes to ID or ID@EDITION.")
    ] = None,
    jurisdiction: Annotated[
        str | None, typer.Option("--jurisdiction", "-j", help="Only this jurisdiction's.")
    ] = None,
    category: Annotated[
        str | None,
        typer.Option("--category", "-c", help="Only regimes covering this product category."),
    ] = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """What changed in the catalog, revision by revision, newest first: editions,
    requirements, mappings, recognition edges and dates added, removed or changed. Computed
    from the data's history (the ledger `prodsec catalog history --rebuild` writes)."""
    from prodsec.catalog import history

    catalog = load_catalog()
    if jurisdiction is not None:
        jurisdiction = names.jurisdictions(catalog, [jurisdiction])[0]
    wanted = history.change_filter(catalog, since, instrument, jurisdiction, category)
    found = history.select(history.ledger(history.ledger_path(PACKAGED)), wanted)
    rows = [
        {
            "revision": rev["id"],
            "date": rev["date"],
            "change": c["change"],
            "kind": c["kind"],
            "key": c["key"].partition(":")[2],
            "field": c.get("field", ""),
        }
        for rev in found
        for c in rev["changes"]
    ]
    title = f"{len(found)} revisions, {len(rows)} changes"
    emit(fmt, found, rows, ["revision", "date", "change", "kind", "key", "field"], title=title)


@app.command()
def history(
    rebuild: Annotated[
        bool,
        typer.Option(
            "--rebuild",
            help="Rewrite the ledger from the repository's history (needs git and a clone).",
        ),
    ] = False,
    repo: Annotated[
        Path, typer.Option(help="The repository (a clone of prodsec with its history).")
    ] = Path("."),
) -> None:
    """The catalog's revisions, one line each (id, day, commit, summary); with --rebuild,
    recompute the ledger from every commit of the main line that changed the data."""
    from prodsec.catalog import history as hist

    path = hist.ledger_path(PACKAGED)
    if rebuild:
        from prodsec.catalog.files import write_file
        from prodsec.catalog.githistory import states

        items = list(hist.revisions(states(repo.resolve())))
        write_file(path, hist.ledger_text(items).encode())
        typer.echo(f"wrote {len(items)} revisions to {path}")
        return
    for rev in hist.read_ledger(path):
        typer.echo(f"{rev['id']:>4}  {rev['date']}  {rev['commit'][:12]:<12}  {rev['summary']}")


@app.command("apply-patch")
def apply_patch(
    patch: Annotated[
        Path,
        typer.Argument(
            help="The patch (a unified diff), as a proposal gives it.", exists=True, dir_okay=False
        ),
    ],
    data: Annotated[
        Path | None,
        typer.Option(
            help="The data folder to patch (default: the packaged data).", file_okay=False
        ),
    ] = None,
) -> None:
    """Apply a patch to the catalog's data: every hunk must apply where it says, and the
    catalog must load with the result, or nothing is written (located errors, exit 1).
    The change is added to the folder's revision ledger."""
    from prodsec.catalog import history
    from prodsec.catalog.patches import apply_patch as apply

    root = (data or PACKAGED).resolve()
    text = patch.read_text(encoding="utf-8")
    before = history.data_folder_files(root)
    files = apply(root, text, patch.name)
    header = next((ln[2:] for ln in text.splitlines() if ln.startswith("# ")), patch.name)
    made = history.append_revision(root, before, header)
    typer.echo(f"patched {', '.join(files)}")
    if made is not None:
        typer.echo(f"revision {made['id']}: {made['summary']}")


@app.command("patch")
def make_patch(
    fact: Annotated[str, typer.Option(help="The fact: requirement:ID@E:REF, date:..., edge:ID...")],
    field: Annotated[
        str, typer.Option(help="The field to change (empty to add or remove a mapping).")
    ] = "",
    value: Annotated[str, typer.Option(help="The new value (a new mapping's relationship).")] = "",
    action: Annotated[
        str, typer.Option(help="change, add (a mapping) or remove (a mapping).")
    ] = "change",
    message: Annotated[str, typer.Option(help="The patch's first line.")] = "",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write it here.")] = None,
) -> None:
    """Write the patch for one change of a fact, checked by the catalog's loader first."""
    from prodsec.catalog.patches import Edit
    from prodsec.catalog.patches import make_patch as make
    from prodsec.cli.pictures import write

    if action not in ("change", "add", "remove"):
        raise BadInputError(f"action: one of change, add, remove; not {action!r}")
    text = make(PACKAGED, [Edit(action, fact, field, value)], message)  # type: ignore[arg-type]
    write(text.encode(), output)
