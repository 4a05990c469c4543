"""Output formats shared by every command: a Rich table, JSON or CSV, always to stdout."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MD = "md"


FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="Output format: table, json, csv or md.")
]


def emit(
    fmt: Format,
    document: Any,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    title: str = "",
) -> None:
    """Print `document` as JSON, or `rows` (restricted to `columns`) as a table or CSV."""
    match fmt:
        case Format.JSON:
            sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        case Format.CSV:
            writer = csv.writer(sys.stdout, lineterminator="\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_cell(row.get(c)) for c in columns])
        case Format.MD:
            sys.stdout.write(markdown(rows, columns, title))
        case Format.TABLE:
            table = Table(title=title or None, title_justify="left")
            for col in columns:
                table.add_column(col)
            for row in rows:
                table.add_row(*(_cell(row.get(c)) for c in columns))
            Console(soft_wrap=False).print(table)


def markdown(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], title: str = "") -> str:
    """A GitHub-flavoured Markdown table, with the title as a paragraph above it."""
    out = [f"**{title}**", ""] if title else []
    out.append("| " + " | ".join(columns) + " |")
    out.append("|" + "---|" * len(columns))
    for row in rows:
        cells = [_cell(row.get(c)).replace("|", "\\|").replace("\n", " ") for c in columns]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a usage error to stderr and return the Exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)
