"""`prodsec csaf ...`: CSAF 2.0 advisories checked against the schema and every mandatory
test, authored from a product's findings, and published to a provider directory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from prodsec.cli.output import Format, FormatOpt, emit

app = typer.Typer(help="CSAF 2.0 advisories: validate, make, publish.", no_args_is_help=True)


@app.command()
def validate(
    files: Annotated[
        list[Path], typer.Argument(metavar="FILE...", help="CSAF JSON files.", dir_okay=False)
    ],
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Check CSAF 2.0 documents: the JSON schema and the mandatory tests 6.1.1 to 6.1.33.
    Exit 1 when one fails, each failure printed as test: JSON path: message."""
    from prodsec.errors import BadInputError
    from prodsec.supplychain.csaf.document import read_json
    from prodsec.supplychain.csaf.validate import validate as check
    from prodsec.supplychain.csaf.views import validation_view

    views = []
    for file in files:
        if not file.is_file():
            raise BadInputError(f"{file}: no such file")
        views.append(validation_view(check(read_json(file), str(file))))
    if fmt is Format.TABLE:
        for v in views:
            n = len(v["failures"])
            typer.echo(
                f"{v['source']}: " + ("ok" if v["valid"] else f"{n} failure{'s' * (n != 1)}")
            )
            for f in v["failures"]:
                typer.echo(f"  {f['test']}: {f['path']}: {f['message']}")
    else:
        rows = [
            {
                "source": v["source"],
                "valid": v["valid"],
                "failed_tests": " ".join(v["failed_tests"]),
            }
            for v in views
        ]
        emit(fmt, views, rows, ["source", "valid", "failed_tests"])
    if not all(v["valid"] for v in views):
        raise typer.Exit(1)
