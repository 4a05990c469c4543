"""`prodsec vulns ...`: the offline advisory index (OSV, KEV, CPE) and scans of SBOMs."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from prodsec.cli.database import DbOpt
from prodsec.cli.output import Format, FormatOpt, emit
from prodsec.errors import BadInputError

if TYPE_CHECKING:
    from prodsec.store.db import Database
    from prodsec.supplychain.vuln.findings import AdvisoryIndex

app = typer.Typer(
    help="Advisories: an offline OSV index with KEV and CPE rules, and scans of SBOMs.",
    no_args_is_help=True,
)

FromOpt = Annotated[
    list[Path] | None,
    typer.Option("--from", help="A folder or an osv.dev zip file of OSV records (repeatable)."),
]
KevOpt = Annotated[
    Path | None, typer.Option("--kev", help="The CISA KEV catalog (JSON).", dir_okay=False)
]
CpeOpt = Annotated[
    list[Path] | None,
    typer.Option("--cpe", help="An NVD-style CPE applicability file (repeatable).", dir_okay=False),
]


class ScanFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    SARIF = "sarif"


@app.command()
def sync(
    sources: FromOpt = None,
    kev: KevOpt = None,
    cpe: CpeOpt = None,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Store the readable files, report the others.")
    ] = False,
    db: DbOpt = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Bring advisories into the database's index: nothing is stored when a file is
    refused, unless --skip-bad."""
    from rich.console import Console
    from rich.progress import Progress

    from prodsec.store.db import Database
    from prodsec.store.vulns import SqlAdvisoryStore
    from prodsec.supplychain.vuln.kev import read_kev
    from prodsec.supplychain.vuln.sync import count_files, report_public
    from prodsec.supplychain.vuln.sync import sync as run_sync

    if not sources and kev is None and not cpe:
        raise BadInputError("nothing to sync: give --from, --kev or --cpe", field="--from")
    entries = read_kev(kev) if kev else None
    folders = list(sources or [])
    database = Database(db)
    store = SqlAdvisoryStore(database)
    progress_bar = Progress(transient=True, disable=not folders, console=Console(stderr=True))
    with progress_bar as progress:
        task = progress.add_task("reading advisories", total=count_files(folders) or None)
        report = run_sync(
            store,
            folders,
            kev=entries,
            cpe_files=list(cpe or []),
            skip_bad=skip_bad,
            tick=lambda: progress.advance(task),
        )
    changed = _reassess(
        database, [*report.added, *report.replaced, *report.withdrawn], store.kev_news
    )
    view = report_public(report)
    rows = [{"what": k, "count": view[k]} for k in ("added", "replaced", "withdrawn", "unchanged")]
    rows.append({"what": "refused", "count": len(view["refused"])})
    rows.append({"what": "kev", "count": view["kev"] if view["kev"] is not None else "no file"})
    rows.append({"what": "cpe_rules", "count": view["cpe_rules"]})
    emit(fmt, view, rows, ["what", "count"], title="vulns sync")
    if fmt is not Format.JSON:
        for refused in view["refused"]:
            typer.echo(f"refused: {refused['source']}: {refused['reason']}", err=True)
    if changed:
        versions = "product version" if changed == 1 else "product versions"
        typer.echo(f"re-assessed: {changed} {versions} changed verdict", err=True)


def _reassess(database: Database, advisories: list[str], kev: list[str]) -> int:
    """Re-assess the stored product versions the new, changed or withdrawn advisories
    touch, then those the advisories of newly known exploited CVEs touch; how many
    changes of verdict were stored."""
    if not advisories and not kev:
        return 0
    from prodsec.store.reassess import reassess_kev, reassess_touched
    from prodsec.store.vulns import SqlAdvisoryIndex

    index = SqlAdvisoryIndex(database)
    with database.session() as s:
        changes = reassess_touched(s, advisories, index) if advisories else []
        changes += reassess_kev(s, kev, index) if kev else []
    return len(changes)


def _index(sources: list[Path], kev: Path | None, cpe: list[Path], db: str | None) -> AdvisoryIndex:
    from prodsec.supplychain.vuln.index import MemoryIndex
    from prodsec.supplychain.vuln.kev import read_kev
    from prodsec.supplychain.vuln.sync import read_cpe_file, read_sources

    if not sources and not cpe:
        from prodsec.store.db import Database
        from prodsec.store.vulns import SqlAdvisoryIndex

        index = SqlAdvisoryIndex(Database(db))
        if index.empty():
            raise BadInputError(
                "the database's advisory index holds nothing: run `prodsec vulns sync`"
                " first, or scan with --from or --cpe",
                field="--db",
            )
        return index
    loaded, refused = read_sources(sources)
    if refused:
        from prodsec.errors import DataError, Issue

        raise DataError([Issue(r.source, 0, "$", p) for r in refused for p in r.problems])
    rules = []
    for path in cpe:
        more, found = read_cpe_file(path)
        loaded.extend(more)
        rules.extend(found)
    return MemoryIndex([item.record for item in loaded], read_kev(kev) if kev else (), rules)


@app.command()
def scan(
    sbom: Annotated[Path, typer.Argument(metavar="SBOM", help="An SBOM file.", dir_okay=False)],
    vex: Annotated[
        list[Path] | None,
        typer.Option(
            "--vex",
            help="VEX statements: OpenVEX, CycloneDX VEX, CSAF VEX or prodsec's JSON form"
            " (repeatable).",
            dir_okay=False,
        ),
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="The day to scan as of (default today).")
    ] = None,
    sources: FromOpt = None,
    kev: KevOpt = None,
    cpe: CpeOpt = None,
    db: DbOpt = None,
    fmt: Annotated[
        ScanFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ScanFormat.TABLE,
) -> None:
    """List the advisories that affect the SBOM's components. Exit 1 when a finding is
    open (no VEX statement says not_affected or fixed)."""
    import json
    import sys

    from prodsec import __version__
    from prodsec.cli.applies import parse_day
    from prodsec.supplychain.sbom import read_sbom_file
    from prodsec.supplychain.vex import read_vex_statements
    from prodsec.supplychain.vuln.findings import scan as run_scan
    from prodsec.supplychain.vuln.sarif import sarif_log
    from prodsec.supplychain.vuln.views import scan_public

    day = parse_day(on, "--on") if on else dt.date.today()
    document = read_sbom_file(sbom)
    statements = [s for path in vex or [] for s in read_vex_statements(path)]
    index = _index(list(sources or []), kev, list(cpe or []), db)
    found = run_scan(document.components, index, on=day, vex=statements)
    view = scan_public(sbom.name, day.isoformat(), len(document.components), found)
    if fmt is ScanFormat.SARIF:
        log = sarif_log(view["findings"], sbom.name, __version__)
        sys.stdout.write(json.dumps(log, indent=2, ensure_ascii=False) + "\n")
    else:
        rows = [
            {
                "component": f"{f['component']['name']} {f['component']['version']}".strip(),
                "advisory": f["advisory"],
                "aliases": ", ".join(f["aliases"]),
                "range": f["affected_range"],
                "fixed": ", ".join(f["fixed"]),
                "severity": f"{f['score']} {f['rating']}" if f["score"] is not None else "",
                "kev": f["known_exploited"],
                "vex": _vex_cell(f["vex"]),
            }
            for f in view["findings"]
        ]
        columns = ["component", "advisory", "aliases", "range", "fixed", "severity", "kev", "vex"]
        title = f"{sbom.name}: {len(rows)} findings, {view['open']} open, on {view['on']}"
        emit(Format(fmt.value), view, rows, columns, title=title)
    if view["open"]:
        raise typer.Exit(1)


def _vex_cell(vex: object) -> str:
    if not isinstance(vex, dict):
        return ""
    status = str(vex.get("status", ""))
    reason = vex.get("justification") or vex.get("action") or ""
    return f"{status} ({reason})" if reason else status
