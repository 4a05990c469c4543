"""`prodsec users ...`: the accounts that can sign in to the web app and the API."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from prodsec.cli.database import DbOpt

if TYPE_CHECKING:  # the database loads when a command runs, not when `prodsec` starts
    from sqlalchemy.orm import Session

app = typer.Typer(help="Accounts for the web app and the API.", no_args_is_help=True)


@contextmanager
def _session(db: str | None) -> Iterator[Session]:
    """A session on the database; the store's refusals are `ProdsecError`s, which the root
    command reports with their exit codes."""
    from prodsec.store.db import Database

    with Database(db).session() as s:
        yield s


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
            help="The organisation the user works for: the user sees and creates that "
            "organisation's products only. It must exist, unless --create-organisation.",
        ),
    ] = None,
    create_organisation: Annotated[
        bool,
        typer.Option("--create-organisation", help="Create the --organisation when it is new."),
    ] = False,
    db: DbOpt = None,
) -> None:
    """Add a user. The email is stored stripped and lower-cased, and must be new in any
    case. The password is asked twice and never echoed (at least 12 characters)."""
    from prodsec.store import accounts

    address = accounts.normal_email(email)
    password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    with _session(db) as s:
        accounts.create_user(s, address, password, admin, organisation, create_organisation)
    where = f" of {organisation.strip()}" if organisation else ""
    typer.echo(f"added {address}{where}{' (administrator)' if admin else ''}")


@app.command("password")
def password(
    email: Annotated[str, typer.Argument(help="The account's email.")],
    db: DbOpt = None,
) -> None:
    """Set a new password (asked twice, never echoed; at least 12 characters). Every
    session and API token of the account is revoked."""
    from prodsec.store import accounts

    chosen = typer.prompt("new password", hide_input=True, confirmation_prompt=True)
    with _session(db) as s:
        accounts.set_password(s, email.strip(), chosen)
    typer.echo(f"password of {email.strip()} changed; its sign-ins were revoked")


@app.command("remove")
def remove(
    email: Annotated[str, typer.Argument(help="The account's email.")],
    db: DbOpt = None,
) -> None:
    """Delete an account and its sign-ins (not the last administrator). Its organisation's
    products stay."""
    from prodsec.store import accounts

    with _session(db) as s:
        accounts.remove_user(s, email.strip())
    typer.echo(f"removed {email.strip()}")


@app.command("list")
def listing(db: DbOpt = None) -> None:
    """Every user: email, administrator or not, organisation (or -), when added."""
    from sqlalchemy import select

    from prodsec.store.models import User

    with _session(db) as s:
        for user in s.scalars(select(User).order_by(User.email)):
            role = "administrator" if user.is_admin else "user"
            org = user.organisation.name if user.organisation else "-"
            typer.echo(f"{user.email}\t{role}\t{org}\t{user.created:%Y-%m-%d}")
