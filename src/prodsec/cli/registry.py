"""`prodsec registry ...`: the registry's workflow from the server's command line, each
step taken as a named user (`--as EMAIL`) with the role of that user's organisation, as
through the API."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from prodsec.cli.database import DbOpt

if TYPE_CHECKING:  # loaded when a command runs, not when `prodsec` starts
    from sqlalchemy.orm import Session

    from prodsec.catalog import Catalog
    from prodsec.store.audit import Actor
    from prodsec.store.labels import Wiring
    from prodsec.store.models import User

app = typer.Typer(help="The labelling registry's workflow.", no_args_is_help=True)

AsOpt = Annotated[
    str, typer.Option("--as", help="The email of the user who takes the step (required).")
]
OnOpt = Annotated[
    dt.datetime | None,
    typer.Option("--on", formats=["%Y-%m-%d"], help="The day of the step (default today, UTC)."),
]
Ident = Annotated[str, typer.Argument(help="The application's id.")]
Registration = Annotated[str, typer.Argument(help="The label's registration id.")]
Reason = Annotated[str, typer.Option("--reason", help="Why (required).")]


def wiring(catalog: Catalog) -> Wiring:
    """What issuing and label changes sign and log with: the database's key store and
    transparency log, opened with PRODSEC_KEY_SECRET (without it they refuse, exit 2)."""
    from prodsec.store.keys import key_secret
    from prodsec.store.labels import Wiring

    return Wiring(catalog, key_secret())


@contextmanager
def _acting(db: str | None, email: str) -> Iterator[tuple[Session, User, Actor]]:
    from prodsec.errors import NotFoundError
    from prodsec.store.accounts import normal_email
    from prodsec.store.audit import Actor
    from prodsec.store.db import Database
    from prodsec.store.models import User

    address = normal_email(email)
    with Database(db).session() as s:
        user = s.query(User).filter(User.email == address).one_or_none()
        if user is None:
            raise NotFoundError("user", address)
        yield s, user, Actor(user.email, "cli", user.id)


def _day(on: dt.datetime | None) -> dt.date:
    return on.date() if on else dt.datetime.now(dt.UTC).date()


def _print(data: object) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


@app.command("grant")
def grant(
    organisation: Annotated[str, typer.Argument(help="The organisation's name.")],
    scheme: Annotated[str, typer.Argument(help="The scheme's instrument id (sg-cls).")],
    role: Annotated[str, typer.Argument(help="scheme-owner, lab or manufacturer.")],
    level: Annotated[
        list[str] | None, typer.Option("--level", help="A level a lab is accredited for.")
    ] = None,
    valid_from: Annotated[
        dt.datetime | None,
        typer.Option("--from", formats=["%Y-%m-%d"], help="The grant's first day."),
    ] = None,
    valid_until: Annotated[
        dt.datetime | None,
        typer.Option("--until", formats=["%Y-%m-%d"], help="The grant's last day."),
    ] = None,
    db: DbOpt = None,
) -> None:
    """Grant an organisation a role in a scheme (the server's administrator)."""
    from prodsec.catalog import load_catalog
    from prodsec.errors import BadInputError
    from prodsec.registry.rules import Role
    from prodsec.store import registry
    from prodsec.store.audit import CLI
    from prodsec.store.db import Database

    try:
        chosen = Role(role)
    except ValueError:
        raise BadInputError(f"'{role}' is not one of {', '.join(Role)}", field="role") from None
    start = valid_from.date() if valid_from else None
    end = valid_until.date() if valid_until else None
    with Database(db).session() as s:
        row = registry.grant(
            s, load_catalog(), None, CLI, organisation, scheme, chosen, level or [], start, end
        )
        _print(registry.role_view(row))


@app.command("apply")
def apply(
    product: Annotated[str, typer.Argument(help="The product's id.")],
    scheme: Annotated[str, typer.Argument(help="The scheme's instrument id.")],
    level: Annotated[str, typer.Argument(help="The level's id (2).")],
    as_: AsOpt,
    lab: Annotated[str | None, typer.Option("--lab", help="The accredited lab chosen.")] = None,
    on: OnOpt = None,
    db: DbOpt = None,
) -> None:
    """Apply for a scheme level for a product's latest version (a manufacturer)."""
    from prodsec.catalog import load_catalog
    from prodsec.store import registry

    with _acting(db, as_) as (s, user, actor):
        found = registry.apply(
            s, load_catalog(), user, actor, product, scheme, level, lab, _day(on)
        )
        _print(registry.application_view(s, found))


@app.command("review")
def review(
    ident: Ident,
    as_: AsOpt,
    report: Annotated[Path, typer.Option("--report", help="The lab's report, a JSON file.")],
    on: OnOpt = None,
    db: DbOpt = None,
) -> None:
    """The chosen lab's review: REPORT is `{"report", "verdicts": {REF: met|not-met|
    not-applicable}, "passed"}`."""
    from prodsec.errors import BadInputError
    from prodsec.store import registry

    try:
        data = json.loads(report.read_text(encoding="utf-8"))
        text, verdicts, passed = data["report"], data["verdicts"], data["passed"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BadInputError(f"{report}: not a lab report ({exc})", field="report") from None
    with _acting(db, as_) as (s, user, actor):
        found = registry.review(
            s, user, actor, ident, str(text), dict(verdicts), passed is True, _day(on)
        )
        _print(registry.application_view(s, found))


@app.command("issue")
def issue(ident: Ident, as_: AsOpt, on: OnOpt = None, db: DbOpt = None) -> None:
    """Issue the label of an application (the scheme owner)."""
    from prodsec.catalog import load_catalog
    from prodsec.store import labels

    with _acting(db, as_) as (s, user, actor):
        day = _day(on)
        services = wiring(load_catalog()).services(s, actor)
        found = labels.issue(s, services, user, actor, ident, day)
        _print(labels.label_view(found, day))


@app.command("refuse")
def refuse(ident: Ident, as_: AsOpt, reason: Reason, on: OnOpt = None, db: DbOpt = None) -> None:
    """Refuse an application, with a reason (the scheme owner)."""
    from prodsec.store import registry

    with _acting(db, as_) as (s, user, actor):
        found = registry.refuse(s, user, actor, ident, [reason], _day(on))
        _print(registry.application_view(s, found))


def _change(
    what: str, registration: str, as_: str, reason: str, on: dt.datetime | None, db: str | None
) -> None:
    from prodsec.catalog import load_catalog
    from prodsec.registry.rules import Change
    from prodsec.store import labels

    with _acting(db, as_) as (s, user, actor):
        day = _day(on)
        services = wiring(load_catalog()).services(s, actor)
        found = labels.change(s, services, user, actor, registration, Change(what), reason, day)
        _print(labels.label_view(found, day))


CHANGES = {
    "renew": "Renew a label for a new term from the day (the scheme owner).",
    "suspend": "Suspend an active label (the scheme owner).",
    "reinstate": "Reinstate a suspended label (the scheme owner).",
    "withdraw": "Withdraw a label (the scheme owner, at the manufacturer's request).",
    "revoke": "Revoke a label (the scheme owner).",
}


def _change_command(what: str, doc: str) -> None:
    def command(
        registration: Registration, as_: AsOpt, reason: Reason, on: OnOpt = None, db: DbOpt = None
    ) -> None:
        _change(what, registration, as_, reason, on, db)

    command.__doc__ = doc
    app.command(what)(command)


for _what, _doc in CHANGES.items():
    _change_command(_what, _doc)


@app.command("list")
def listing(as_: AsOpt, db: DbOpt = None) -> None:
    """The user's work list: one line per application, tab-separated: id, scheme, level,
    route, stage, product."""
    from prodsec.store import registry

    with _acting(db, as_) as (s, user, _):
        for a in registry.applications(s, user):
            typer.echo(f"{a.id}\t{a.scheme}\t{a.level}\t{a.route}\t{a.stage}\t{a.product_id}")


@app.command("show")
def show(ident: Ident, as_: AsOpt, db: DbOpt = None) -> None:
    """One application as JSON (the shape of GET /api/v1/registry/applications/ID)."""
    from prodsec.store import registry

    with _acting(db, as_) as (s, user, _):
        _print(registry.application_view(s, registry.application(s, user, ident)))
