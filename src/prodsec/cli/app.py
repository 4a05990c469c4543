"""The root of the `prodsec` command.

Each noun's module is imported only when its command runs (or when help lists it), so
`prodsec --version` and the catalog commands never pay for the database, the web stack,
the solver or the chart renderer.
"""

from __future__ import annotations

import difflib
import importlib
from typing import Any

import typer
from typer._click.exceptions import UsageError
from typer.core import TyperGroup
from typer.main import get_command_from_info, get_group_from_info
from typer.models import CommandInfo, TyperInfo

from prodsec import __version__
from prodsec.cli.output import report
from prodsec.errors import ProdsecError

# command name -> (module under prodsec.cli, its Typer `app` or the function to run)
GROUPS = {
    "catalog": "catalog",
    "blocks": "blocks",
    "recognition": "recognition",
    "harmonise": "harmonise",
    "users": "users",
    "db": "db",
    "log": "log",
    # --- regsign: signing keys and signed labels ---
    "keys": "keys",
    "label": "label",
    "sbom": "sbom",
    "registry": "registry",
    # --- cvd: security.txt and disclosure policies ---
    "securitytxt": "securitytxt",
    "cvd": "cvd",
    # --- vexsbom: VEX documents ---
    "vex": "vex",
    # --- vulns: the advisory index and scans ---
    "vulns": "vulns",
    # --- csaf: CSAF 2.0 advisories ---
    "csaf": "csaf",
    # --- lead: reporting clocks ---
    "incident": "incident",
}
COMMANDS = {
    "applies": ("applies", "command"),
    "map": ("crossmap", "command"),
    "assess": ("assess", "command"),
    "plan": ("plan", "command"),
    "serve": ("serve", "command"),
    "tour": ("tour", "tour"),
}


class Root(TyperGroup):
    """Loads each command on first use, and turns every `ProdsecError` into its lines on
    stderr and its exit code, once for all commands (unknown ids and bad input exit 2,
    broken data 1)."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*GROUPS, *COMMANDS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in GROUPS:
            module = importlib.import_module(f"prodsec.cli.{GROUPS[cmd_name]}")
            return get_group_from_info(
                TyperInfo(module.app, name=cmd_name),
                pretty_exceptions_short=True,
                suggest_commands=True,
                rich_markup_mode=None,
            )
        if cmd_name in COMMANDS:
            where, attr = COMMANDS[cmd_name]
            module = importlib.import_module(f"prodsec.cli.{where}")
            info = CommandInfo(name=cmd_name, callback=getattr(module, attr))
            return get_command_from_info(info, pretty_exceptions_short=True, rich_markup_mode=None)
        return None

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except UsageError as exc:  # suggest near names, as a loaded group would
            close = difflib.get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if close and "Did you mean" not in exc.message:
                exc.message = (
                    f"{exc.message.rstrip('.')}. Did you mean {', '.join(repr(c) for c in close)}?"
                )
            raise

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ProdsecError as exc:
            raise report(exc) from exc


app = typer.Typer(
    cls=Root,
    help="prodsec: product-security regulation, machine-readable.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


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
