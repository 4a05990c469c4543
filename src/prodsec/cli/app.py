"""The root of the `prodsec` command."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from prodsec import __version__
from prodsec.assess.profile import ProfileError
from prodsec.catalog import CatalogError, NotFoundError
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
from prodsec.cli.output import fail, report
from prodsec.errors import ProdsecError


class DomainErrors(TyperGroup):
    """Turns every `ProdsecError` into its lines on stderr and its exit code, once for all
    commands (unknown ids and bad input exit 2, broken data 1). The core's older exceptions
    are caught here too until they join the tree."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ProdsecError as exc:
            raise report(exc) from exc
        except NotFoundError as exc:
            raise fail(str(exc), 2) from exc
        except CatalogError as exc:
            raise fail(str(exc), 1) from exc
        except ProfileError as exc:
            raise fail(str(exc), 2) from exc


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
