"""`prodsec plan`: the cheapest fixes that satisfy every market and the asked labels."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from prodsec.assess.costs import load_costs
from prodsec.assess.disclosure import with_disclosure
from prodsec.assess.plan import Plan, asked_labels, plan, plan_view
from prodsec.assess.profile import load_profile
from prodsec.catalog import load_catalog
from prodsec.catalog.views import trigger_text
from prodsec.catalog.vocab import Actor, shown
from prodsec.cli import names
from prodsec.cli.applies import parse_day, split
from prodsec.cli.assess import RoleOpt
from prodsec.cli.output import Format, FormatOpt, emit, fail
from prodsec.errors import BadInputError


def _labels(given: list[str]) -> list[tuple[str, str]]:
    try:
        return asked_labels(given)
    except BadInputError as exc:
        raise fail(f"--labels: {exc}") from exc


def command(
    product: Annotated[
        Path, typer.Argument(help="A product profile (YAML or JSON).", dir_okay=False)
    ],
    markets: Annotated[
        list[str] | None,
        typer.Option("--markets", "-m", help="Markets to satisfy (default: the profile's)."),
    ] = None,
    labels: Annotated[
        list[str] | None,
        typer.Option(
            "--labels", "-l", help="Labels to become eligible for: sg-cls:2,jp-jc-star:1."
        ),
    ] = None,
    costs: Annotated[
        Path | None, typer.Option("--costs", help="A YAML file of costs laid over the defaults.")
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="Plan for this day, YYYY-MM-DD (default today).")
    ] = None,
    drop_market: Annotated[
        list[str] | None, typer.Option("--drop-market", help="What if the product left a market.")
    ] = None,
    add_market: Annotated[
        list[str] | None, typer.Option("--add-market", help="What if it entered another market.")
    ] = None,
    fmt: FormatOpt = Format.TABLE,
    role: RoleOpt = Actor.MANUFACTURER,
) -> None:
    """The cheapest set of building-block fixes (with the parameter values they need) and
    labels to obtain that makes every binding instrument in the markets met and the asked
    labels eligible, solved exactly as a 0-1 integer program. Each fix lists the
    requirements, labels and markets it helps. Only the duties of --role are planned;
    duties set off by an event and not met are listed apart, unpriced, with their trigger
    and the blocks that would put the process in place. Default costs:
    data/plan-costs.yaml."""
    catalog = load_catalog()
    day = dt.date.today() if on is None else parse_day(on, "--on")
    profile = with_disclosure(load_profile(product, catalog), product, day)
    try:
        extra = load_costs(costs)
    except (OSError, BadInputError) as exc:
        raise fail(f"--costs: {exc}") from exc
    chosen = names.markets(catalog, split(markets or [])) or list(profile.markets)
    dropped = names.markets(catalog, split(drop_market or []))
    chosen = [m for m in chosen if m not in dropped]
    chosen += [a for a in names.markets(catalog, split(add_market or [])) if a not in chosen]
    if not chosen:
        raise fail("--drop-market: no market is left to plan for")
    result = plan(catalog, profile, day, tuple(chosen), _labels(labels or []), extra, role)
    rows = _rows(result)
    title = (
        f"Plan for {profile.manufacturer} {profile.model} in {', '.join(chosen)} on {day}: "
        f"total cost {result.total:g}"
    )
    emit(fmt, plan_view(result), rows, ["fix", "cost", "parameters", "markets", "helps"], title)


def _rows(p: Plan) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {
            "fix": f.block,
            "cost": f"{f.cost:g}",
            "parameters": ", ".join(f"{k}={shown(v)}" for k, v in f.parameters.items()),
            "markets": ", ".join(f.markets),
            "helps": ", ".join(f.helps),
        }
        for f in p.fixes
    ]
    rows += [
        {
            "fix": f"obtain {o.scheme} level {o.level}",
            "cost": f"{o.cost:g}",
            "helps": ", ".join(o.helps),
        }
        for o in p.labels
    ]
    rows += [
        {
            "fix": f"claim {e.requirement} with evidence",
            "cost": f"{e.cost:g}",
            "helps": ", ".join(e.helps),
        }
        for e in p.evidence
    ]
    rows += [
        {
            "fix": f"event duty {d.requirement} ({trigger_text(d.trigger)}): {d.verdict.value}",
            "helps": ", ".join(d.blocks),
        }
        for d in p.duties
    ]
    rows += [{"fix": "(out of reach)", "helps": target} for target in p.unreachable]
    return rows
