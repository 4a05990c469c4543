"""`prodsec incident ...`: record an exploited vulnerability or a severe incident, and
follow the reports it calls for (the CRA's Article 14 clocks, and other regimes'), from
the server's command line (which sees every product; audited as `cli`)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from prodsec.cli.database import DbOpt
from prodsec.cli.output import Format, FormatOpt, emit

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from prodsec.store.incidents import IncidentView

app = typer.Typer(
    help="Incidents and the reports they call for, with their deadlines.", no_args_is_help=True
)

Moment = Annotated[
    str, typer.Option(help="A moment with its UTC offset: 2026-10-24T10:15:00+02:00.")
]
NowOpt = Annotated[
    str | None, typer.Option("--now", help="Read the clocks at this moment (default: now).")
]
Ident = Annotated[str, typer.Argument(help="The incident's id.")]


def moment(name: str, text: str) -> dt.datetime:
    """A moment given on the command line; BadInputError naming the option."""
    from prodsec.errors import BadInputError
    from prodsec.supplychain.cvd.clocks import aware

    try:
        found = dt.datetime.fromisoformat(text)
    except ValueError:
        raise BadInputError(f"not a moment: {text!r}", field=name) from None
    return aware(found, name)


def _now(text: str | None) -> dt.datetime:
    return moment("now", text) if text else dt.datetime.now(dt.UTC)


@contextmanager
def _session(db: str | None) -> Iterator[Session]:
    from prodsec.store.db import Database

    with Database(db).session() as s:
        yield s


def _facts(given: list[str]) -> dict[str, str]:
    from prodsec.errors import BadInputError

    out = {}
    for item in given:
        key, sep, value = item.partition("=")
        if not sep:
            raise BadInputError(f"give ITEM=TEXT, not {item!r}", field="fact")
        out[key.strip()] = value
    return out


def _show(view: IncidentView, fmt: Format) -> None:
    if fmt is Format.MD:
        from prodsec.supplychain.cvd.drafts import markdown

        typer.echo(markdown(view["drafts"]), nl=False)
        return
    rows = [dict(c) for c in view["clocks"]]
    title = f"{view['title']} ({view['event']}), aware {view['aware_local']}"
    emit(fmt, view, rows, ["report", "duty", "state", "due_local", "left", "relief"], title=title)


@app.command("record")
def record(
    product: Annotated[str, typer.Argument(help="The product's id.")],
    event: Annotated[
        str,
        typer.Option(
            help="exploited-vulnerability, severe-incident, noncompliance-known, "
            "vulnerability-known or vulnerability-report."
        ),
    ],
    title: Annotated[str, typer.Option(help="A short name for the incident.")],
    aware: Moment,
    zone: Annotated[str, typer.Option(help="The time zone to show deadlines in (IANA).")] = "UTC",
    fix: Annotated[str | None, typer.Option(help="When a fix or mitigation was available.")] = None,
    size: Annotated[
        str | None, typer.Option(help="The manufacturer's size: micro, small, medium, large.")
    ] = None,
    fact: Annotated[
        list[str] | None, typer.Option(help="An answer for the reports: ITEM=TEXT (repeat).")
    ] = None,
    now: NowOpt = None,
    fmt: FormatOpt = Format.TABLE,
    db: DbOpt = None,
) -> None:
    """Record an incident and print its clocks: every report due, when, and how long is
    left. The moment of awareness must carry its UTC offset."""
    from prodsec.catalog import load_catalog
    from prodsec.store.audit import CLI
    from prodsec.store.incidents import incident_view, record_incident
    from prodsec.store.repo import EVERY_PRODUCT

    catalog, at = load_catalog(), _now(now)
    with _session(db) as s:
        row = record_incident(
            s,
            catalog,
            EVERY_PRODUCT,
            CLI,
            product,
            event=event,
            title=title,
            aware=moment("aware", aware),
            zone_name=zone,
            now=at,
            fix=moment("fix", fix) if fix else None,
            size=size,
            facts=_facts(fact or []),
        )
        view = incident_view(catalog, s, row, at)
    typer.echo(f"recorded incident {view['id']}", err=True)
    _show(view, fmt)


@app.command("show")
def show(ident: Ident, now: NowOpt = None, fmt: FormatOpt = Format.TABLE, db: DbOpt = None) -> None:
    """An incident's clocks (`-f md`: the drafts of its reports, ready to paste)."""
    from prodsec.catalog import load_catalog
    from prodsec.store.incidents import get_incident, incident_view
    from prodsec.store.repo import EVERY_PRODUCT

    catalog = load_catalog()
    with _session(db) as s:
        view = incident_view(catalog, s, get_incident(s, EVERY_PRODUCT, ident), _now(now))
    _show(view, fmt)


@app.command("list")
def listing(
    product: Annotated[str | None, typer.Option(help="Only this product's.")] = None,
    now: NowOpt = None,
    fmt: FormatOpt = Format.TABLE,
    db: DbOpt = None,
) -> None:
    """Every incident, newest first, with its open and overdue reports."""
    from prodsec.catalog import load_catalog
    from prodsec.store.incidents import incident_view, incidents_of
    from prodsec.store.repo import EVERY_PRODUCT

    catalog, at = load_catalog(), _now(now)
    with _session(db) as s:
        views = [incident_view(catalog, s, r, at) for r in incidents_of(s, EVERY_PRODUCT, product)]
    rows = [
        {
            "id": v["id"],
            "product": v["product"],
            "event": v["event"],
            "title": v["title"],
            "aware": v["aware"],
            "open": sum(c["state"] == "open" for c in v["clocks"]),
            "overdue": sum(c["state"] == "overdue" for c in v["clocks"]),
        }
        for v in views
    ]
    cols = ["id", "product", "event", "title", "aware", "open", "overdue"]
    emit(fmt, views, rows, cols, title=f"{len(rows)} incidents")


@app.command("fix")
def fix(
    ident: Ident,
    at: Annotated[str, typer.Option("--at", help="When the fix or mitigation was available.")],
    fact: Annotated[list[str] | None, typer.Option(help="An answer: ITEM=TEXT (repeat).")] = None,
    now: NowOpt = None,
    db: DbOpt = None,
) -> None:
    """Record when a fix or mitigation was available (it starts the final report's clock),
    and add answers."""
    from prodsec.store.audit import CLI
    from prodsec.store.incidents import update_incident
    from prodsec.store.repo import EVERY_PRODUCT

    with _session(db) as s:
        update_incident(
            s,
            EVERY_PRODUCT,
            CLI,
            ident,
            now=_now(now),
            fix=moment("at", at),
            facts=_facts(fact or []),
        )
    typer.echo(f"incident {ident}: fix available at {at}")


@app.command("sent")
def sent(
    ident: Ident,
    step: Annotated[str, typer.Argument(help="The step's key, as `show` lists it.")],
    at: Annotated[str, typer.Option("--at", help="When the report was sent.")],
    now: NowOpt = None,
    db: DbOpt = None,
) -> None:
    """Record that a report was sent, keeping its draft as sent."""
    from prodsec.catalog import load_catalog
    from prodsec.store.audit import CLI
    from prodsec.store.incidents import send_report
    from prodsec.store.repo import EVERY_PRODUCT

    with _session(db) as s:
        report = send_report(
            s, load_catalog(), EVERY_PRODUCT, CLI, ident, step, sent=moment("at", at), now=_now(now)
        )
        content = json.dumps(report.content, ensure_ascii=False)
    typer.echo(f"incident {ident}: {step} sent at {at} ({len(content)} bytes kept)")
