"""Output formats shared by every command: a Rich table, JSON, CSV or Markdown, always to
stdout; the one way an error reaches stderr; and the one way a file is written.

Tables fit the terminal without cutting what people copy: an identifier or a file name is
never shortened (a column is at least as wide as its longest word, and wraps between
words); the prose columns (titles, gists, reasons) may fold within words. When even that
does not fit, columns are left out, prose first and then from the right (never the first),
with a footer naming them and the formats that show everything.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Mapping, Sequence
from enum import StrEnum
from html import escape
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from prodsec.errors import ProdsecError

# Columns of prose: these may fold, and go first when a table does not fit.
PROSE = frozenset(
    {"title", "gist", "text", "detail", "reason", "what", "why", "helps", "note", "arrangement"}
)
# The narrowest a folding prose column may become.
PROSE_MIN = 12


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
            print_table(rows, columns, title)


def print_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], title: str = "") -> None:
    """A Rich table as wide as the terminal at most, identifiers whole (see the module).
    Rich is imported here, by the one format that draws with it (start-up stays light)."""
    from rich.console import Console
    from rich.table import Table

    console = Console(soft_wrap=False)
    cells = [[_shown(row.get(c)) for c in columns] for row in rows]
    widest = {
        c: max([len(c), *(_longest_word(line[i]) for line in cells)]) for i, c in enumerate(columns)
    }
    kept = list(columns)
    dropped: list[str] = []

    def needed() -> int:
        # each column has a padding of one either side and a border; one border closes
        return 1 + sum(3 + (min(widest[c], PROSE_MIN) if c in PROSE else widest[c]) for c in kept)

    # prose goes first, then the other columns from the right; the first (the id) stays
    order = [c for c in reversed(columns) if c in PROSE]
    order += [c for c in reversed(columns[1:]) if c not in PROSE]
    for col in order:
        if needed() <= console.width:
            break
        kept.remove(col)
        dropped.append(col)
    if needed() > console.width:  # wider than the terminal even so: let it wrap, never cut
        console = Console(soft_wrap=False, width=needed())
    table = Table(title=title or None, title_justify="left")
    for col in kept:
        if col in PROSE:
            table.add_column(col, overflow="fold", min_width=min(widest[col], PROSE_MIN))
        else:
            table.add_column(col, overflow="fold", min_width=widest[col])
    for line in cells:
        table.add_row(*(v for c, v in zip(columns, line, strict=True) if c in kept))
    console.print(table)
    if dropped:
        names = ", ".join(c for c in columns if c in dropped)
        console.print(
            f"({names} left out to fit {console.width} columns; -f json or -f md shows them)",
            highlight=False,
        )


def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def markdown(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], title: str = "") -> str:
    """A GitHub-flavoured Markdown table, with the title as a paragraph above it."""
    out = [f"**{title}**", ""] if title else []
    out.append("| " + " | ".join(columns) + " |")
    out.append("|" + "---|" * len(columns))
    for row in rows:
        cells = [_shown(row.get(c)).replace("|", "\\|").replace("\n", " ") for c in columns]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def html_page(rows: Sequence[dict[str, Any]], columns: Sequence[str], title: str) -> str:
    """A standalone HTML page holding one table, the title as its heading."""
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(_shown(row.get(c)))}</td>" for c in columns) + "</tr>\n"
        for row in rows
    )
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head>\n<body><h1>{escape(title)}</h1>\n"
        f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}</tbody></table></body></html>\n"
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _shown(value: Any) -> str:
    """A cell as a person reads it: booleans as yes or no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _cell(value)


def report(exc: ProdsecError) -> typer.Exit:
    """Print an error to stderr, one line per problem (a data file's problems under the
    line that counts them), and return the Exit with the error's code to raise."""
    from prodsec.errors import DataError

    lines = [str(exc)] if isinstance(exc, DataError) else exc.lines()
    for line in lines:
        typer.echo(f"error: {line}", err=True)
    return typer.Exit(exc.exit_code)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a usage error to stderr and return the Exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)
