"""Bringing advisories into the index: OSV records from folders and osv.dev's ecosystem
zip files (JSON, YAML, TOML), the KEV catalog and NVD-style CPE applicability files.

A sync is all or nothing: every file is read first, and if one is refused (not readable,
not an OSV record, over a limit) the sync raises a `DataError` listing every refused file
with its located problem, and stores nothing. With `skip_bad` the refused files are
reported and the rest is stored. The store is a port (`AdvisoryStore`); the database's
is `store/vulns.py`.

Incremental: a record whose id the store knows is replaced only when its `modified` is
later; a record that is now withdrawn is marked (it stays, and matches nothing); the
others are counted unchanged. Two files with the same id: the later `modified` wins.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, TypedDict

from prodsec.errors import BadInputError, DataError, Issue, LimitExceededError, ProdsecError
from prodsec.supplychain.vuln.cpe import CpeRule, rules_from_nvd
from prodsec.supplychain.vuln.documents import decode, read_document
from prodsec.supplychain.vuln.index import cpe_rules
from prodsec.supplychain.vuln.kev import KevEntry
from prodsec.supplychain.vuln.osv import OsvLimits, OsvRecord, parse_record

SUFFIXES = (".json", ".yaml", ".yml", ".toml")


@dataclass(frozen=True, slots=True)
class Loaded:
    """One record and the document it was read from (stored as JSON)."""

    record: OsvRecord
    document: Mapping[str, Any]
    source: str


@dataclass(frozen=True, slots=True)
class Refused:
    """A file a sync could not read, with each problem (`$.modified: required`)."""

    source: str
    problems: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "; ".join(self.problems)


@dataclass(frozen=True, slots=True)
class Batch:
    """What one sync writes: records added or replaced, every CPE rule of theirs (those
    of `--cpe` files and those the records carry, `batch_of`), and the KEV catalog when
    one was given (it replaces the stored one)."""

    records: tuple[Loaded, ...]
    rules: tuple[CpeRule, ...] = ()
    kev: tuple[KevEntry, ...] | None = None


class AdvisoryStore(Protocol):
    def known(self) -> Mapping[str, tuple[str, str]]:
        """Every stored record's id with its `modified` and `withdrawn`."""
        ...

    def save(self, batch: Batch) -> None:
        """Write the batch in one transaction: each record replaces its id's rows."""
        ...


@dataclass(slots=True)
class SyncReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    unchanged: int = 0
    refused: list[Refused] = field(default_factory=list)
    kev: int | None = None
    cpe_rules: int = 0
    """Every CPE rule written: from `--cpe` files and from the records' own CPEs."""


class SyncReportPublic(TypedDict):
    added: int
    replaced: int
    withdrawn: int
    unchanged: int
    refused: list[dict[str, str]]
    kev: int | None
    cpe_rules: int


def report_public(report: SyncReport) -> SyncReportPublic:
    return {
        "added": len(report.added),
        "replaced": len(report.replaced),
        "withdrawn": len(report.withdrawn),
        "unchanged": report.unchanged,
        "refused": [{"source": r.source, "reason": r.reason} for r in report.refused],
        "kev": report.kev,
        "cpe_rules": report.cpe_rules,
    }


# --- reading -----------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """The document with dates and times as ISO text, so that it stores as JSON."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime) and value.utcoffset() == timedelta(0):
        return value.replace(tzinfo=None).isoformat() + "Z"  # RFC 3339, as OSV writes it
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _files(source: Path) -> Iterator[tuple[str, Callable[[], bytes]]]:
    """(name, reader) of every candidate file of a folder (recursively) or a zip file."""
    if source.is_dir():
        for path in sorted(source.rglob("*")):
            if path.suffix.lower() in SUFFIXES and path.is_file():
                yield str(path.relative_to(source.parent)), path.read_bytes
        return
    if not source.is_file():
        raise BadInputError(f"{source}: no such folder or file", field="--from")
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile:
        raise BadInputError(f"{source}: neither a folder nor a zip file", field="--from") from None
    with archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if info.is_dir() or Path(info.filename).suffix.lower() not in SUFFIXES:
                continue
            if info.file_size > OsvLimits().bytes:
                size = info.file_size
                yield f"{source.name}:{info.filename}", _too_big(info.filename, size)
                continue
            yield f"{source.name}:{info.filename}", _member(archive, info.filename)


def _member(archive: zipfile.ZipFile, name: str) -> Callable[[], bytes]:
    data = archive.read(name)
    return lambda: data


def _too_big(name: str, size: int) -> Callable[[], bytes]:
    def refuse() -> bytes:
        limit = OsvLimits().bytes
        raise LimitExceededError(f"{name}: {size} bytes, more than {limit}", limit="bytes")

    return refuse


def count_files(sources: Sequence[Path]) -> int:
    """How many files a sync of `sources` reads (for a progress bar)."""
    total = 0
    for source in sources:
        if source.is_dir():
            total += sum(1 for p in source.rglob("*") if p.suffix.lower() in SUFFIXES)
        elif zipfile.is_zipfile(source):
            with zipfile.ZipFile(source) as archive:
                names = archive.namelist()
            total += sum(1 for n in names if Path(n).suffix.lower() in SUFFIXES)
    return total


def read_sources(
    sources: Sequence[Path], tick: Callable[[], None] = lambda: None
) -> tuple[list[Loaded], list[Refused]]:
    """Every record of the folders and zip files, and every file refused with its reason."""
    loaded: list[Loaded] = []
    refused: list[Refused] = []
    for source in sources:
        for name, read in _files(source):
            try:
                document = decode(read(), name)
                loaded.append(Loaded(parse_record(document, name), _plain(document), name))
            except ProdsecError as exc:
                refused.append(Refused(name, tuple(_located(exc, name))))
            tick()
    return loaded, refused


def _located(exc: ProdsecError, name: str) -> list[str]:
    lines = exc.lines()
    return [line.removeprefix(f"{name}: ") for line in lines]


# --- the NVD-style CPE file --------------------------------------------------------------


def read_cpe_file(path: Path) -> tuple[list[Loaded], list[CpeRule]]:
    """Advisories and their CPE rules from a file in the shape of NVD's CVE API 2.0
    (`{"vulnerabilities": [{"cve": {"id", "published", "lastModified", "descriptions",
    "metrics", "configurations"}}]}`). Each CVE becomes a record without packages (so
    purl matching never sees it) with its English description and CVSS vectors."""
    document = read_document(path)
    items = document.get("vulnerabilities")
    if not isinstance(items, list):
        raise DataError([Issue(path.name, 0, "$.vulnerabilities", "required: a list")])
    loaded: list[Loaded] = []
    rules: list[CpeRule] = []
    issues: list[Issue] = []
    for i, item in enumerate(items):
        where = f"$.vulnerabilities[{i}].cve"
        cve = item.get("cve") if isinstance(item, dict) else None
        if not isinstance(cve, dict) or not isinstance(cve.get("id"), str):
            issues.append(Issue(path.name, 0, where, "expected an object with an id"))
            continue
        osv = _osv_of_nvd(cve)
        try:
            record = parse_record(osv, path.name)
            rules.extend(rules_from_nvd(cve, record.id))
        except ProdsecError as exc:
            issues.extend(Issue(path.name, 0, where, line) for line in exc.lines())
            continue
        loaded.append(Loaded(record, osv, path.name))
    if issues:
        raise DataError(issues)
    return loaded, rules


_METRICS = (
    ("cvssMetricV2", "CVSS_V2"),
    ("cvssMetricV30", "CVSS_V3"),
    ("cvssMetricV31", "CVSS_V3"),
    ("cvssMetricV40", "CVSS_V4"),
)


def _osv_of_nvd(cve: Mapping[str, Any]) -> dict[str, Any]:
    words = [
        d.get("value", "")
        for d in cve.get("descriptions", [])
        if isinstance(d, dict) and d.get("lang") == "en"
    ]
    severity: list[dict[str, str]] = []
    metrics = cve.get("metrics", {}) if isinstance(cve.get("metrics"), dict) else {}
    for key, kind in _METRICS:
        for metric in metrics.get(key, []) or []:
            vector = (metric.get("cvssData") or {}).get("vectorString")
            if isinstance(vector, str) and (kind, vector) not in [
                (s["type"], s["score"]) for s in severity
            ]:
                severity.append({"type": kind, "score": vector})
    return {
        "id": cve["id"],
        "modified": str(cve.get("lastModified", cve.get("published", ""))),
        "published": str(cve.get("published", "")),
        "summary": words[0][:500] if words else "",
        "severity": severity,
        "affected": [],
    }


# --- the sync ------------------------------------------------------------------------------


def _moment(text: str) -> datetime | str:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text


def _later(a: str, b: str) -> bool:
    """Whether modified time `a` is after `b` (as times when both parse, else as text)."""
    ma, mb = _moment(a), _moment(b)
    comparable = isinstance(ma, datetime) and isinstance(mb, datetime)
    if comparable and (ma.tzinfo is None) == (mb.tzinfo is None):  # type: ignore[union-attr]
        return ma > mb  # type: ignore[operator]
    return a > b


def plan(
    loaded: Iterable[Loaded], known: Mapping[str, tuple[str, str]], report: SyncReport
) -> list[Loaded]:
    """The records to write, newest per id; the report counts each."""
    newest: dict[str, Loaded] = {}
    for item in loaded:
        held = newest.get(item.record.id)
        if held is None or _later(item.record.modified, held.record.modified):
            newest[item.record.id] = item
    writes: list[Loaded] = []
    for rid in sorted(newest):
        item = newest[rid]
        before = known.get(rid)
        if before is not None and not _later(item.record.modified, before[0]):
            report.unchanged += 1
            continue
        if item.record.withdrawn and (before is None or not before[1]):
            report.withdrawn.append(rid)
        elif before is None:
            report.added.append(rid)
        else:
            report.replaced.append(rid)
        writes.append(item)
    return writes


def sync(
    store: AdvisoryStore,
    sources: Sequence[Path] = (),
    *,
    kev: Sequence[KevEntry] | None = None,
    cpe_files: Sequence[Path] = (),
    skip_bad: bool = False,
    tick: Callable[[], None] = lambda: None,
) -> SyncReport:
    """Read everything, then write it in one transaction (module docstring)."""
    report = SyncReport()
    loaded, report.refused = read_sources(sources, tick)
    rules: list[CpeRule] = []
    for path in cpe_files:
        records, found = read_cpe_file(path)
        loaded.extend(records)
        rules.extend(found)
    if report.refused and not skip_bad:
        raise DataError([_issue(r.source, p) for r in report.refused for p in r.problems])
    writes = plan(loaded, store.known(), report)
    batch = batch_of(writes, rules, kev)
    report.cpe_rules = len(batch.rules)
    report.kev = None if kev is None else len(kev)
    if batch.records or batch.kev is not None:
        store.save(batch)
    return report


def batch_of(
    writes: Sequence[Loaded], rules: Iterable[CpeRule] = (), kev: Sequence[KevEntry] | None = None
) -> Batch:
    """The batch that writes `writes` with every CPE rule they bring: those of `rules`
    (read from `--cpe` files) that name a written record, and those each record carries
    in `database_specific.cpes` (`index.cpe_rules`), each rule once."""
    written = {item.record.id for item in writes}
    own = (r for item in writes for r in cpe_rules(item.record))
    kept = dict.fromkeys([*(r for r in rules if r.advisory in written), *own])
    return Batch(tuple(writes), tuple(kept), None if kev is None else tuple(kev))


def _issue(source: str, problem: str) -> Issue:
    where, _, message = problem.partition(": ")
    return Issue(source, 0, where, message) if message else Issue(source, 0, "$", problem)
