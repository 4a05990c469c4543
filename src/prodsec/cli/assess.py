"""`prodsec assess`: judge a product (or a batch of them) against its markets' rules."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from prodsec.assess.evaluate import assess
from prodsec.assess.profile import Profile, ProfileError, check_profile, load_profile
from prodsec.assess.report import (
    assessment_html,
    assessment_markdown,
    assessment_text,
    assessment_view,
)
from prodsec.assess.supply import annotated, profile_evidence
from prodsec.assess.verdicts import Assessment, Standing
from prodsec.catalog import Catalog, limits, load_catalog
from prodsec.catalog.vocab import Actor
from prodsec.catalog.yamlsrc import Document
from prodsec.cli import names
from prodsec.cli.applies import parse_day, split
from prodsec.cli.database import DbOpt
from prodsec.cli.output import Format, emit, fail, html_page


class Report(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MD = "md"
    HTML = "html"


RoleOpt = Annotated[
    Actor,
    typer.Option(
        "--role",
        help="Whose duties to judge: manufacturer (the default), importer, distributor, "
        "authorised-representative, ... Duties that only other actors bear are listed "
        "apart and never counted against the product.",
    ),
]


def _markets(catalog: Catalog, given: list[str] | None) -> tuple[str, ...] | None:
    if not given:
        return None
    return tuple(names.markets(catalog, split(given)))


def command(
    product: Annotated[
        Path | None, typer.Argument(help="A product profile (YAML or JSON).", dir_okay=False)
    ] = None,
    markets: Annotated[
        list[str] | None,
        typer.Option("--markets", "-m", help="Markets to judge in, instead of the profile's."),
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="The day to judge on, YYYY-MM-DD (default today).")
    ] = None,
    batch: Annotated[
        Path | None,
        typer.Option("--batch", help="A folder of profiles, or a JSON Lines file of them."),
    ] = None,
    fmt: Annotated[
        Report, typer.Option("--format", "-f", help="table, json, csv, md or html.")
    ] = Report.TABLE,
    role: RoleOpt = Actor.MANUFACTURER,
    db: DbOpt = None,
) -> None:
    """Judge a product against every binding and upcoming instrument of its markets:
    each requirement met, not met, partially met, not applicable or unknown with the
    reason; each instrument compliant, not compliant or incomplete with its conformity
    route; and label eligibility per scheme level, directly or through recognition.

    Judged for one role (--role, the manufacturer by default): duties set off by an event
    (telling the authority of a failure, reporting an exploited vulnerability) are listed
    with their trigger and deadline and count only when judged not met; the duties of
    other actors are listed apart. Exit 0 when every binding instrument is met, 1 when one
    is not (or is incomplete), 2 for a bad profile or option.
    """
    catalog = load_catalog()
    day = dt.date.today() if on is None else parse_day(on, "--on")
    chosen = _markets(catalog, markets)
    if (product is None) == (batch is None):
        raise fail("give one PRODUCT file or --batch DIR|FILE.jsonl")
    if batch is not None:
        raise typer.Exit(_batch(catalog, batch, day, chosen, fmt, role))
    assert product is not None
    profile = _supply_chain(load_profile(product, catalog), product, day, db)
    result = annotated(assess(catalog, profile, day, chosen, role))
    match fmt:
        case Report.CSV:  # one row per instrument judged
            rows = assessment_view(result)["instruments"]
            cols = ["instrument", "markets", "state", "standing", "routes", "reason"]
            emit(Format.CSV, rows, rows, cols)
        case Report.TABLE:
            sys.stdout.write(assessment_text(result))
        case Report.JSON:
            sys.stdout.write(
                json.dumps(assessment_view(result), indent=2, ensure_ascii=False) + "\n"
            )
        case Report.MD:
            sys.stdout.write(assessment_markdown(result))
        case Report.HTML:
            sys.stdout.write(assessment_html(result))
    raise typer.Exit(0 if result.all_binding_met else 1)


def _supply_chain(profile: Profile, path: Path, day: dt.date, db: str | None) -> Profile:
    """The profile with its supply-chain claims derived from the SBOMs and VEX it names,
    against the database's advisory index (`vulns sync`)."""
    if profile.supply_chain is None:
        return profile
    from prodsec.store.db import Database
    from prodsec.store.vulns import SqlAdvisoryIndex

    return profile_evidence(profile, path.parent, SqlAdvisoryIndex(Database(db)), day)


# --- batch ---------------------------------------------------------------------------


def _sources(batch: Path) -> Iterator[tuple[str, Document | None, str | None]]:
    """(where, document, error) for each profile of a folder or a JSON Lines file."""
    if batch.is_dir():
        for path in sorted([*batch.glob("*.yaml"), *batch.glob("*.yml"), *batch.glob("*.json")]):
            yield str(path), None, None
        return
    if not batch.is_file():
        raise fail(f"--batch: {batch} is neither a folder nor a file")
    for number, line in enumerate(batch.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{batch}:{number}"
        if limits.json_too_deep(line, limits.PROFILE.max_depth):
            deepest = limits.PROFILE.max_depth
            yield where, None, f"{where}: (limit): nested deeper than {deepest} levels"
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield where, None, f"{where}: (syntax): {exc.msg}"
            continue
        yield where, Document(batch, data, {(): number}), None


def _load(catalog: Catalog, where: str, doc: Document | None) -> Profile:
    if doc is None:
        return load_profile(Path(where), catalog)
    return check_profile(doc, catalog)


def _batch(
    catalog: Catalog,
    batch: Path,
    day: dt.date,
    markets: tuple[str, ...] | None,
    fmt: Report,
    role: Actor = Actor.MANUFACTURER,
) -> int:
    results: list[tuple[str, Assessment]] = []
    problems: list[str] = []
    from rich.console import Console  # only for a batch: start-up stays light
    from rich.progress import track

    sources = list(_sources(batch))
    err = Console(stderr=True)
    for where, doc, error in track(sources, description="assessing", console=err, transient=True):
        if error is not None:
            problems.append(error)
            continue
        try:
            profile = _load(catalog, where, doc)
        except ProfileError as exc:
            problems += [str(i) for i in exc.issues]
            continue
        results.append((where, assess(catalog, profile, day, markets, role)))
    rows = [_row(where, a) for where, a in results]
    cols = ["source", "product", "compliant", "not_compliant", "incomplete", "all_binding_met"]
    title = f"{len(results)} products assessed on {day}, {len(problems)} problems"
    document = {"on": day.isoformat(), "products": rows, "problems": problems}
    if fmt is Report.HTML:
        sys.stdout.write(html_page(rows, cols, title))
    else:
        emit(Format(fmt.value), document, rows, cols, title)
    for problem in problems:
        typer.echo(f"error: {problem}", err=True)
    if problems:
        return 2
    return 0 if all(a.all_binding_met for _, a in results) else 1


def _row(where: str, a: Assessment) -> dict[str, Any]:
    def count(s: Standing) -> int:
        return sum(r.standing is s for r in a.binding)

    return {
        "source": where,
        "product": f"{a.profile.manufacturer} {a.profile.model}",
        "compliant": count(Standing.COMPLIANT),
        "not_compliant": count(Standing.NOT_COMPLIANT),
        "incomplete": count(Standing.INCOMPLETE),
        "all_binding_met": a.all_binding_met,
    }
