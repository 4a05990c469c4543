"""`prodsec keys ...`: a scheme owner's signing keys (create, rotate, list, the JWKS).

Creating and rotating need PRODSEC_KEY_SECRET (at least 32 characters), which seals the
private keys in the database; listing and the JWKS show public keys only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from prodsec.cli.database import DbOpt

if TYPE_CHECKING:  # the database loads when a command runs, not when `prodsec` starts
    from prodsec.store.keys import SqlKeyStore

app = typer.Typer(help="Signing keys of the labelling schemes.", no_args_is_help=True)

SchemeArg = Annotated[str, typer.Argument(help="The scheme's id in the catalog (sg-cls).")]
ExpiresOpt = Annotated[
    str | None,
    typer.Option(
        "--expires",
        help="The day (YYYY-MM-DD, from 00:00 UTC) the new key stops signing, unless rotated "
        "before; no set end by default.",
    ),
]


def _expires(day: str | None) -> dt.datetime | None:
    from prodsec.cli.output import fail

    if day is None:
        return None
    try:
        return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(), dt.UTC)
    except ValueError as exc:
        raise fail(f"--expires: '{day}' is not a day (YYYY-MM-DD)") from exc


@contextmanager
def _store(db: str | None) -> Iterator[SqlKeyStore]:
    from prodsec.store.audit import CLI
    from prodsec.store.db import Database
    from prodsec.store.keys import SqlKeyStore

    with Database(db).session() as s:
        yield SqlKeyStore(s, CLI)


def _scheme(ident: str) -> str:
    from prodsec.catalog import load_catalog
    from prodsec.registry.keys import require_scheme

    return require_scheme(load_catalog(), ident)


@app.command("create")
def create(scheme: SchemeArg, expires: ExpiresOpt = None, db: DbOpt = None) -> None:
    """Create the scheme's first signing key, active from now. Refused (exit 1) when the
    scheme has an active key: rotate it instead."""
    with _store(db) as store:
        key = store.create(_scheme(scheme), expires=_expires(expires))
    typer.echo(f"created key {key.kid} for {key.scheme}")


@app.command("rotate")
def rotate(scheme: SchemeArg, expires: ExpiresOpt = None, db: DbOpt = None) -> None:
    """Make a new active key for the scheme; the old one is retired now and kept, so the
    labels it signed still verify."""
    with _store(db) as store:
        old = store.active(_scheme(scheme))
        key = store.rotate(scheme, expires=_expires(expires))
    typer.echo(f"rotated {scheme}: key {key.kid} active, key {old.kid} retired")


@app.command("list")
def listing(
    scheme: Annotated[str | None, typer.Option("--scheme", help="Only this scheme's keys.")] = None,
    db: DbOpt = None,
) -> None:
    """Every key: id, scheme, activated, retired (or `active`), expires (or `-`), one per
    line."""
    from prodsec.registry.keys import stamp

    with _store(db) as store:
        keys = store.published(scheme)
    for key in keys:
        until = stamp(key.retired) if key.retired else "active"
        ends = stamp(key.expires) if key.expires else "-"
        typer.echo(f"{key.kid}\t{key.scheme}\t{stamp(key.activated)}\t{until}\t{ends}")


@app.command("jwks")
def jwks(
    scheme: Annotated[str | None, typer.Option("--scheme", help="Only this scheme's keys.")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
    db: DbOpt = None,
) -> None:
    """The public keys as a JSON Web Key Set, retired ones with their dates: the file
    `prodsec label verify --jwks` reads."""
    from prodsec.cli.pictures import write_json
    from prodsec.registry.keys import jwks_view

    with _store(db) as store:
        document = jwks_view(store.published(scheme))
    write_json(document, output)
