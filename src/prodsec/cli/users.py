"""`prodsec users ...`: the accounts that can sign in to the web app and the API."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import select

from prodsec.cli.database import DbOpt
from prodsec.cli.output import fail
from prodsec.errors import ProdsecError
from prodsec.store import accounts
from prodsec.store.db import Database
from prodsec.store.models import User

app = typer.Typer(help="Accounts for the web app and the API.", no_args_is_help=True)


@app.command("add")
def add(
    email: Annotated[str, typer.Argument(help="The new user's email, their sign-in name.")],
    admin: Annotated[
        bool, typer.Option("--admin", help="Make the user an administrator (sees every product).")
    ] = False,
    organisation: Annotated[
        str | None,
        typer.Option(
            "--organisation",
            "-o",
            help="The organisation the user works for (created when new): the user sees and "
            "creates that organisation's products only.",
        ),
    ] = None,
    db: DbOpt = None,
) -> None:
    """Add a user. The password is asked twice and never echoed (at least 12 characters)."""
    password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    try:
        with Database(db).session() as s:
            accounts.create_user(s, email.strip(), password, admin, organisation)
    except ProdsecError as exc:
        raise fail(str(exc), exc.exit_code) from exc
    where = f" of {organisation.strip()}" if organisation else ""
    typer.echo(f"added {email.strip()}{where}{' (administrator)' if admin else ''}")


@app.command("password")
def password(
    email: Annotated[str, typer.Argument(help="The account's email.")],
    db: DbOpt = None,
) -> None:
    """Set a new password (asked twice, never echoed; at least 12 characters). Every
    session and API token of the account is revoked."""
    chosen = typer.prompt("new password", hide_input=True, confirmation_prompt=True)
    try:
        with Database(db).session() as s:
            accounts.set_password(s, email.strip(), chosen)
    except ProdsecError as exc:
        raise fail(str(exc), exc.exit_code) from exc
    typer.echo(f"password of {email.strip()} changed; its sign-ins were revoked")


@app.command("remove")
def remove(
    email: Annotated[str, typer.Argument(help="The account's email.")],
    db: DbOpt = None,
) -> None:
    """Delete an account and its sign-ins (not the last administrator). Its organisation's
    products stay."""
    try:
        with Database(db).session() as s:
            accounts.remove_user(s, email.strip())
    except ProdsecError as exc:
        raise fail(str(exc), exc.exit_code) from exc
    typer.echo(f"removed {email.strip()}")


@app.command("list")
def listing(db: DbOpt = None) -> None:
    """Every user: email, administrator or not, organisation (or -), when added."""
    with Database(db).session() as s:
        for user in s.scalars(select(User).order_by(User.email)):
            role = "administrator" if user.is_admin else "user"
            org = user.organisation.name if user.organisation else "-"
            typer.echo(f"{user.email}\t{role}\t{org}\t{user.created:%Y-%m-%d}")
