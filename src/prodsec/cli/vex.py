"""`prodsec vex ...`: read VEX documents (OpenVEX, CycloneDX VEX, CSAF VEX) and convert
between them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from prodsec.cli.output import Format, FormatOpt, emit
from prodsec.supplychain.vex.interface import VexFormat

app = typer.Typer(
    help="VEX: OpenVEX, CycloneDX VEX (JSON or XML) and CSAF VEX, read and converted.",
    no_args_is_help=True,
)

FileArg = Annotated[Path, typer.Argument(metavar="FILE", help="A VEX document.", dir_okay=False)]
COLUMNS = ["vulnerability", "status", "product", "component", "justification"]


@app.command()
def show(file: FileArg, fmt: FormatOpt = Format.TABLE) -> None:
    """List the statements of one VEX document."""
    from prodsec.supplychain.vex import read_vex_file
    from prodsec.supplychain.vex.views import vex_view

    view = vex_view(str(file), read_vex_file(file))
    count = view["statement_count"]
    title = f"{file.name}: {view['format']}, {count} statement{'s' * (count != 1)}"
    emit(fmt, view, view["statements"], COLUMNS, title=title)


@app.command()
def convert(
    file: FileArg,
    to: Annotated[VexFormat, typer.Option("--to", help="openvex, cyclonedx or csaf.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
    author: Annotated[
        str, typer.Option("--author", help="The author to name (default: the input's).")
    ] = "",
) -> None:
    """Write the statements of FILE as a document of another format (JSON). Every
    statement is kept; where a format has no place for a detail, docs/supplychain.md says
    so ("VEX")."""
    from prodsec.supplychain.vex import read_vex_file, write_vex

    document = read_vex_file(file)
    text = write_vex(document.statements, to, author=author or document.author)
    if output is None:
        sys.stdout.write(text)
        return
    from prodsec.catalog.files import write_file
    from prodsec.errors import BadInputError

    try:
        write_file(output, text.encode())
    except OSError as exc:
        raise BadInputError(f"{output}: cannot write: {exc.strerror}") from None
