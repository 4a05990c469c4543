"""Known exploited vulnerabilities: the CISA KEV catalog's JSON read into `KevEntry`s.

The catalog is one JSON object whose `vulnerabilities` list holds one entry per CVE with
`cveID`, `dateAdded`, `dueDate`, `knownRansomwareCampaignUse` ("Known" or "Unknown"),
and words about vendor, product and the action required. A CVE counts as known exploited
from its `dateAdded` on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from prodsec.catalog.limits import SBOM_FILE, json_too_deep
from prodsec.errors import DataError, Issue, LimitExceededError


@dataclass(frozen=True, slots=True)
class KevEntry:
    cve: str
    date_added: date
    due_date: date | None = None
    ransomware: bool = False
    vendor: str = ""
    product: str = ""
    name: str = ""
    action: str = ""


def _day(
    raw: dict[str, Any], key: str, where: str, source: str, issues: list[Issue]
) -> date | None:
    value = raw.get(key)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        issues.append(Issue(source, 0, f"{where}.{key}", f"not a date: {value!r}"))
        return None


def _words(raw: dict[str, Any], key: str) -> str:
    value = raw.get(key, "")
    return value if isinstance(value, str) else ""


def parse_kev(data: Any, source: str = "(kev)") -> tuple[KevEntry, ...]:
    """The entries of a decoded KEV catalog; every problem listed in one `DataError`."""
    issues: list[Issue] = []
    items = data.get("vulnerabilities") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise DataError([Issue(source, 0, "$.vulnerabilities", "required: a list")])
    entries: list[KevEntry] = []
    for i, raw in enumerate(items):
        where = f"$.vulnerabilities[{i}]"
        if not isinstance(raw, dict):
            issues.append(Issue(source, 0, where, "expected an object"))
            continue
        cve = raw.get("cveID")
        if not isinstance(cve, str) or not cve.startswith("CVE-"):
            issues.append(Issue(source, 0, f"{where}.cveID", f"not a CVE id: {cve!r}"))
            continue
        added = _day(raw, "dateAdded", where, source, issues)
        if added is None:
            issues.append(Issue(source, 0, f"{where}.dateAdded", "required"))
            continue
        entries.append(
            KevEntry(
                cve,
                added,
                _day(raw, "dueDate", where, source, issues),
                _words(raw, "knownRansomwareCampaignUse") == "Known",
                _words(raw, "vendorProject"),
                _words(raw, "product"),
                _words(raw, "vulnerabilityName"),
                _words(raw, "requiredAction"),
            )
        )
    if issues:
        raise DataError(issues)
    return tuple(entries)


def read_kev(path: Path) -> tuple[KevEntry, ...]:
    """A KEV catalog file (the whole catalog is a few MB), refused past the SBOM size."""
    size = path.stat().st_size
    if size > SBOM_FILE.max_bytes:
        raise LimitExceededError(f"{path.name}: {size} bytes, too large", limit="bytes")
    text = path.read_text(encoding="utf-8")
    if json_too_deep(text, SBOM_FILE.max_depth):
        raise DataError([Issue(path.name, 0, "$", "nested too deep")])
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise DataError([Issue(path.name, 0, "$", f"not readable: {exc}")]) from exc
    return parse_kev(data, path.name)
