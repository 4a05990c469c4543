"""`prodsec db ...`: backup, restore, one organisation's export, the audit log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from prodsec.cli.database import DbOpt

app = typer.Typer(help="Backup, restore, export and the audit log.", no_args_is_help=True)

FileArg = Annotated[Path, typer.Argument(help="The JSON Lines file.", dir_okay=False)]


def _write(lines: list[str], output: Path | None) -> None:
    from prodsec.cli.pictures import write

    write("".join(lines).encode(), output)


@app.command("backup")
def backup(file: FileArg, db: DbOpt = None) -> None:
    """Write every row of every table to FILE (JSON Lines, a header naming the schema
    revision first). It holds password and token hashes: keep it as safe as the database."""
    from prodsec.store import backup as dump
    from prodsec.store.db import Database

    with Database(db).session() as s:
        lines = list(dump.backup(s))
    _write(lines, file)


@app.command("restore")
def restore(file: FileArg, db: DbOpt = None) -> None:
    """Load a backup into an empty database (migrated to the backup's revision), in one
    transaction; a database that holds any row is refused."""
    from prodsec.cli.output import fail
    from prodsec.store import backup as dump
    from prodsec.store.db import Database

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot read {file}: {exc}") from exc
    with Database(db).session() as s:
        counts = dump.restore(s, text.splitlines(), str(file))
    typer.echo(f"restored {sum(counts.values())} rows from {file}", err=True)


@app.command("export")
def export(
    file: FileArg,
    organisation: Annotated[
        str, typer.Option("--organisation", help="The organisation's name, as `users add` gave it.")
    ],
    db: DbOpt = None,
) -> None:
    """Write one organisation's products (deleted ones too), versions, assessments and
    the audit entries about them to FILE, in the backup's line format."""
    from prodsec.store import backup as dump
    from prodsec.store.db import Database

    with Database(db).session() as s:
        lines = list(dump.export_organisation(s, organisation))
    _write(lines, file)


@app.command("audit")
def audit(
    since: Annotated[
        dt.datetime | None,
        typer.Option(help="Only entries at or after this day or moment (UTC)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
    db: DbOpt = None,
) -> None:
    """The audit log as JSON Lines, oldest first: one entry a line."""
    import json

    from prodsec.store import audit as log
    from prodsec.store.db import Database

    with Database(db).session() as s:
        chosen = log.AuditFilter(since=since)
        lines = [
            json.dumps(log.entry_view(e), ensure_ascii=False) + "\n"
            for e in log.every_entry(s, chosen)
        ]
    _write(lines, output)
