"""`prodsec applies`: which instruments bind a product in its markets on a date.

Also the option helpers other commands share (`split`, `parse_day`), which is why the
command's own machinery loads only when it runs."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from prodsec.catalog.vocab import Actor
from prodsec.cli import names
from prodsec.cli.output import Format, FormatOpt, emit, fail

COLUMNS = [
    "market",
    "instrument",
    "state",
    "starts",
    "ends",
    "class",
    "routes",
    "obligations",
    "reason",
]


def split(values: list[str]) -> list[str]:
    """Values given as repeated options, comma-separated lists, or both."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def parse_day(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise fail(f"{option}: '{text}' is not a date; write it as YYYY-MM-DD") from None


def command(
    category: Annotated[
        str, typer.Option("--category", "-c", help="Product category, e.g. smart-camera.")
    ],
    market: Annotated[
        list[str],
        typer.Option(
            "--market", "-m", help="Markets, comma-separated or repeated: GB,EU,AU,US-CA."
        ),
    ],
    on: Annotated[
        str | None, typer.Option("--on", help="The date to judge on, YYYY-MM-DD (default today).")
    ] = None,
    feature: Annotated[
        list[str] | None,
        typer.Option(
            "--feature",
            help="Product features that decide scope and conditions (radio, cellular...); "
            "features not named count as absent.",
        ),
    ] = None,
    role: Annotated[
        Actor,
        typer.Option(
            "--role",
            help="Whose duties to weigh (manufacturer, importer, distributor, operator...): "
            "an instrument whose duties the role bears none of names who it binds.",
        ),
    ] = Actor.MANUFACTURER,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Which instruments bind a product in its markets on a date, and which are on offer.

    For each market: the mandatory instruments that bind (with when each obligation
    starts), those that will bind later, the voluntary ones on offer, the conformity
    routes for the product's class, and the instruments that do not apply with the
    exclusion or scope limit that rules them out. An instrument whose duties the role
    bears none of says whom it binds ("binds the operator").
    """
    from prodsec.assess.applicability import applies
    from prodsec.assess.views import answer_rows, answer_text, answer_view
    from prodsec.catalog import load_catalog

    day = dt.date.today() if on is None else parse_day(on, "--on")
    catalog = load_catalog()
    answer = applies(
        catalog,
        names.category(catalog, category),
        names.markets(catalog, split(market)),
        day,
        names.features(catalog, split(feature or [])),
    )
    if fmt is Format.TABLE:
        typer.echo(answer_text(answer, role), nl=False)
        return
    emit(fmt, answer_view(answer, role), answer_rows(answer), COLUMNS)
