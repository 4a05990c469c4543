"""`prodsec assess`: judge a product (or a batch of them) against its markets' rules."""

from __future__ import annotations

import csv
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
    profile = _disclosure(load_profile(product, catalog), product, day)
    profile = _supply_chain(profile, product, day, db)
    result = _annotated(assess(catalog, profile, day, chosen, role))
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


# The disclosure and supply-chain modules (security.txt, SBOM, VEX and advisory readers)
# are imported only for a profile that has something for them.


def _disclosure(profile: Profile, path: Path, day: dt.date) -> Profile:
    """The profile with its disclosure block's claim derived from the texts it names."""
    if profile.disclosure is None:
        return profile
    from prodsec.assess.disclosure import with_disclosure

    return with_disclosure(profile, path, day)


def _annotated(result: Assessment) -> Assessment:
    """The assessment with a note per derived claim (`assess.supply.annotated`)."""
    if not any(c.note.startswith("derived from") for c in result.profile.claims):
        return result
    from prodsec.assess.supply import annotated

    return annotated(result)


def _supply_chain(profile: Profile, path: Path, day: dt.date, db: str | None) -> Profile:
    """The profile with its supply-chain claims derived from the SBOMs and VEX it names,
    against the database's advisory index (`vulns sync`)."""
    if profile.supply_chain is None:
        return profile
    from prodsec.assess.supply import profile_evidence
    from prodsec.store.db import Database
    from prodsec.store.vulns import SqlAdvisoryIndex

    return profile_evidence(profile, path.parent, SqlAdvisoryIndex(Database(db)), day)


# --- batch ---------------------------------------------------------------------------


def _sources(batch: Path) -> Iterator[tuple[str, Document | None, str | None]]:
    """(where, document, error) for each profile of a folder or a JSON Lines file, read
    one at a time."""
    if batch.is_dir():
        for path in sorted([*batch.glob("*.yaml"), *batch.glob("*.yml"), *batch.glob("*.json")]):
            yield str(path), None, None
        return
    if not batch.is_file():
        raise fail(f"--batch: {batch} is neither a folder nor a file")
    with batch.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
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


def _count(batch: Path) -> int:
    """How many profiles a batch holds at most (for the progress bar), read in blocks."""
    if batch.is_dir():
        return sum(1 for _ in _sources(batch))
    if not batch.is_file():
        raise fail(f"--batch: {batch} is neither a folder nor a file")
    with batch.open("rb") as raw:
        return sum(block.count(b"\n") for block in iter(lambda: raw.read(1 << 20), b""))


def _load(catalog: Catalog, where: str, doc: Document | None) -> Profile:
    if doc is None:
        return load_profile(Path(where), catalog)
    return check_profile(doc, catalog)


class Tally:
    """What a batch keeps of the products it has assessed: counts, never the results."""

    def __init__(self) -> None:
        self.assessed = 0
        self.all_met = True
        self.problems: list[str] = []


def _rows(
    catalog: Catalog,
    batch: Path,
    day: dt.date,
    markets: tuple[str, ...] | None,
    role: Actor,
    tally: Tally,
) -> Iterator[dict[str, Any]]:
    """Each good profile's summary row, as it is assessed; problems go to the tally."""
    from rich.console import Console  # only for a batch: start-up stays light
    from rich.progress import track

    err = Console(stderr=True)
    sources = _sources(batch)
    total = _count(batch)
    for where, doc, error in track(
        sources, total=total, description="assessing", console=err, transient=True
    ):
        if error is not None:
            tally.problems.append(error)
            continue
        try:
            profile = _load(catalog, where, doc)
        except ProfileError as exc:
            tally.problems += [str(i) for i in exc.issues]
            continue
        result = assess(catalog, profile, day, markets, role)
        tally.assessed += 1
        tally.all_met = tally.all_met and result.all_binding_met
        yield _row(where, result)


def _json_stream(day: dt.date, rows: Iterator[dict[str, Any]], tally: Tally) -> None:
    """The batch's JSON document (as `json.dumps(..., indent=2)` writes it), each product
    written as it is assessed."""
    out = sys.stdout
    out.write(f'{{\n  "on": {json.dumps(day.isoformat())},\n  "products": [')
    first = True
    for row in rows:
        text = json.dumps(row, indent=2, ensure_ascii=False).replace("\n", "\n    ")
        out.write(("\n    " if first else ",\n    ") + text)
        first = False
    out.write("]" if first else "\n  ]")
    tail = json.dumps({"problems": tally.problems}, indent=2, ensure_ascii=False)
    out.write(",\n" + tail.removeprefix("{\n") + "\n")


def _batch(
    catalog: Catalog,
    batch: Path,
    day: dt.date,
    markets: tuple[str, ...] | None,
    fmt: Report,
    role: Actor = Actor.MANUFACTURER,
) -> int:
    """Assess every profile of a batch. JSON and CSV are written as the products are
    assessed (memory stays flat however long the batch); a table, Markdown and HTML lay
    out every summary row at once, so they keep the rows (never the assessments)."""
    tally = Tally()
    rows = _rows(catalog, batch, day, markets, role, tally)
    cols = ["source", "product", "compliant", "not_compliant", "incomplete", "all_binding_met"]
    if fmt is Report.JSON:
        _json_stream(day, rows, tally)
    elif fmt is Report.CSV:  # numbers, names and booleans: no cell needs emit's shaping
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(cols)
        writer.writerows([row[c] for c in cols] for row in rows)
    else:
        kept = list(rows)
        title = f"{tally.assessed} products assessed on {day}, {len(tally.problems)} problems"
        if fmt is Report.HTML:
            sys.stdout.write(html_page(kept, cols, title))
        else:
            emit(Format(fmt.value), None, kept, cols, title)
    for problem in tally.problems:
        typer.echo(f"error: {problem}", err=True)
    if tally.problems:
        return 2
    return 0 if tally.all_met else 1


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
