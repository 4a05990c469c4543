"""`prodsec blocks ...`: the hub's building blocks and who requires them."""

from __future__ import annotations

from typing import Annotated

import typer

from prodsec.catalog import load_catalog
from prodsec.catalog.views import block_view
from prodsec.catalog.vocab import Theme
from prodsec.cli.output import Format, FormatOpt, emit

app = typer.Typer(
    help="The hub of building blocks that every requirement maps onto.", no_args_is_help=True
)


@app.command("list")
def list_(
    theme: Annotated[Theme | None, typer.Option(help="Only blocks of this theme.")] = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """List the building blocks with how many requirements map onto each."""
    catalog = load_catalog()
    rows = [
        {
            "id": b.id,
            "title": b.title,
            "theme": b.theme.value,
            "duty_of_care": b.duty_of_care.value,
            "parameters": [p.name for p in b.parameters],
            "mapped_requirements": len(catalog.mapped_to(b.id)),
        }
        for b in catalog.blocks.values()
        if theme is None or b.theme is theme
    ]
    cols = ["id", "title", "theme", "parameters", "mapped_requirements"]
    emit(fmt, rows, rows, cols, title="Building blocks")


@app.command()
def show(
    ident: Annotated[str, typer.Argument(metavar="ID", help="A building block id.")],
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Show one building block and every requirement that maps onto it."""
    catalog = load_catalog()
    view = block_view(catalog, catalog.block(ident))
    rows = view["mapped_from"]
    title = f"{view['id']}: {view['title']} ({len(rows)} requirements)"
    emit(fmt, view, rows, ["requirement", "relationship", "confidence", "bindings"], title=title)
