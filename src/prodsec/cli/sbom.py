"""`prodsec sbom ...`: read, check and compare SBOMs (CycloneDX, SPDX 2 and 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from prodsec.cli.database import DbOpt
from prodsec.cli.output import Format, FormatOpt, emit

app = typer.Typer(
    help="SBOMs: CycloneDX JSON and XML, SPDX 2 JSON and tag-value, SPDX 3 JSON-LD.",
    no_args_is_help=True,
)

FileArg = Annotated[Path, typer.Argument(metavar="FILE", help="An SBOM file.", dir_okay=False)]
COLUMNS = ["name", "version", "type", "purl_or_cpe", "supplier"]


@app.command()
def show(file: FileArg, fmt: FormatOpt = Format.TABLE) -> None:
    """List the components of one SBOM."""
    from prodsec.supplychain.sbom import read_sbom_file
    from prodsec.supplychain.sbom.views import sbom_view

    view = sbom_view(read_sbom_file(file))
    title = f"{file.name}: {view['format']} {view['spec_version']}, {view['component_count']}"
    rows = [
        {**c, "purl_or_cpe": c["purl"] or next(iter(c["cpes"]), "")} for c in view["components"]
    ]
    emit(fmt, view, rows, COLUMNS, title=title + " components")


@app.command()
def validate(
    files: Annotated[
        list[Path], typer.Argument(metavar="FILE...", help="SBOM files.", dir_okay=False)
    ],
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Check SBOMs: the schema (CycloneDX JSON and XML), the format, every purl. Exit 1
    on a problem, each printed as file:line: field: message."""
    from prodsec.errors import BadInputError, LimitExceededError
    from prodsec.supplychain.sbom import SbomError, file_bytes
    from prodsec.supplychain.sbom.validate import limit_issue
    from prodsec.supplychain.sbom.validate import validate as check
    from prodsec.supplychain.sbom.views import validation_view

    views = []
    for file in files:
        if not file.is_file():
            raise BadInputError(f"{file}: cannot read: No such file or directory")
        try:  # the size is checked before the file is read into memory
            sbom, issues = check(file_bytes(file), str(file))
        except LimitExceededError as exc:
            sbom, issues = None, [limit_issue(str(file), exc)]
        except SbomError as exc:  # unreadable (permissions): one more problem
            sbom, issues = None, list(exc.issues)
        views.append(validation_view(str(file), sbom, issues))
    if fmt is Format.TABLE:
        for v in views:
            count = len(v["problems"])
            head = "ok" if v["valid"] else f"{count} problem{'s' if count != 1 else ''}"
            kind = f"{v['format']}, {v['component_count']} components" if v["format"] else "unread"
            typer.echo(f"{v['source']}: {head} ({kind})")
            for line in v["problems"]:
                typer.echo(f"  {line}")
    else:
        rows = [{**v, "problems": len(v["problems"])} for v in views]
        emit(fmt, views, rows, ["source", "format", "valid", "component_count", "problems"])
    if not all(v["valid"] for v in views):
        raise typer.Exit(1)


@app.command()
def diff(before: FileArg, after: FileArg, fmt: FormatOpt = Format.TABLE) -> None:
    """Compare two SBOMs (two versions of a product): components added, removed and
    upgraded (any change of version)."""
    from prodsec.supplychain.sbom import read_sbom_file
    from prodsec.supplychain.sbom.diff import diff_sboms
    from prodsec.supplychain.sbom.views import diff_view

    old, new = read_sbom_file(before), read_sbom_file(after)
    view = diff_view(old, new, diff_sboms(old, new))
    rows = [
        *({"change": "added", "name": c["name"], "before": "", "after": c["version"],
           "key": c["purl"] or c["name"]} for c in view["added"]),
        *({"change": "removed", "name": c["name"], "before": c["version"], "after": "",
           "key": c["purl"] or c["name"]} for c in view["removed"]),
        *({"change": "upgraded", "name": u["name"], "before": u["before"],
           "after": u["after"], "key": u["key"]} for u in view["upgraded"]),
    ]  # fmt: skip
    title = f"{before.name} -> {after.name}: {view['unchanged']} unchanged"
    if fmt is Format.TABLE and not rows:  # an empty table says less than a sentence
        typer.echo(f"{title}; no component added, removed or upgraded")
        return
    emit(fmt, view, rows, ["change", "name", "before", "after", "key"], title=title)


@app.command()
def add(
    product: Annotated[str, typer.Argument(help="The stored product's id.")],
    version: Annotated[int, typer.Argument(help="The product version's number.")],
    file: FileArg,
    role: Annotated[
        str, typer.Option("--role", help="What the SBOM covers: firmware, app, cloud, ...")
    ] = "firmware",
    db: DbOpt = None,
) -> None:
    """Store an SBOM for a version of a stored product (one per role), with its
    components and their package keys; a bad SBOM stores nothing (exit 2)."""
    from prodsec.errors import BadInputError
    from prodsec.store.audit import CLI
    from prodsec.store.db import Database
    from prodsec.store.repo import EVERY_PRODUCT
    from prodsec.store.supply import add_sbom, advisory_index

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise BadInputError(f"{file}: cannot read: {exc.strerror}") from None
    database = Database(db)
    index = advisory_index(database)
    with database.session() as s:
        stored = add_sbom(s, EVERY_PRODUCT, product, version, data, file.name, role, CLI, index)
        line = (
            f"stored {file.name} as the {role} SBOM of {product} version {version}: "
            f"{stored.format} {stored.spec_version}, {len(stored.components)} components"
        )
    typer.echo(line)
