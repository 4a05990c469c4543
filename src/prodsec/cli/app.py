"""The root of the `prodsec` command."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from prodsec import __version__
from prodsec.assess.profile import ProfileError
from prodsec.catalog import CatalogError
from prodsec.cli import (
    applies,
    assess,
    blocks,
    catalog,
    crossmap,
    harmonise,
    plan,
    recognition,
    serve,
    tour,
    users,
)
from prodsec.cli.output import fail
from prodsec.errors import NotFoundError, ProdsecError


class DomainErrors(TyperGroup):
    """Turns the core's errors into clear messages: unknown ids exit 2, broken data exits 1."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except NotFoundError as exc:
            raise fail(str(exc), 2) from exc
        except CatalogError as exc:
            raise fail(str(exc), 1) from exc
        except ProfileError as exc:
            raise fail(str(exc), 2) from exc
        except ProdsecError as exc:
            raise fail(str(exc), exc.exit_code) from exc


app = typer.Typer(
    cls=DomainErrors,
    help="prodsec: product-security regulation, machine-readable.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(catalog.app, name="catalog")
app.add_typer(blocks.app, name="blocks")
app.add_typer(recognition.app, name="recognition")
app.add_typer(harmonise.app, name="harmonise")
app.add_typer(users.app, name="users")
app.command("applies")(applies.command)
app.command("map")(crossmap.command)
app.command("assess")(assess.command)
app.command("plan")(plan.command)
app.command("serve")(serve.command)
app.command("tour")(tour.tour)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        help="Print the version and exit.",
        callback=_print_version,
        is_eager=True,
    ),
) -> None:
    """prodsec: product-security regulation, machine-readable."""


def main() -> None:
    app()
