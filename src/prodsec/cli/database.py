"""The `--db` option the commands that use the database share."""

from __future__ import annotations

from typing import Annotated

import typer

DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default PRODSEC_DATABASE_URL, else a SQLite file)."),
]
