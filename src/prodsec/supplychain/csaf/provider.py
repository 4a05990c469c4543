"""A CSAF provider's directory (CSAF 2.0 section 7): file names (5.1), one folder per TLP
label and year (7.1.11), `index.txt` (7.1.12), `changes.csv` (7.1.13), a ROLIE feed per
TLP label (7.1.15) with the hash files (7.1.18) linked, and `provider-metadata.json`
(7.1.7). Pure functions over what was published; the web serves them (web/csaf.py) and
the store keeps the documents (store/csaf.py)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from prodsec.errors import BadInputError

TLP_LABELS = ("WHITE", "GREEN", "AMBER", "RED")
PUBLIC_TLP = "WHITE"
"""The only label served without sign-in (TLP:CLEAR, which CSAF 2.0 calls WHITE)."""
SCHEMA_URL = "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json"


def file_name(tracking_id: str) -> str:
    """Section 5.1: lower case, every run of other characters than a-z, 0-9, + and - as
    one underscore, then `.json`."""
    return re.sub(r"[^+\-a-z0-9]+", "_", tracking_id.lower()) + ".json"


@dataclass(frozen=True, slots=True)
class Published:
    """One published advisory as the directory lists it."""

    tracking_id: str
    title: str
    tlp: str
    initial: datetime
    current: datetime
    version: str
    sha256: str
    sha512: str

    @property
    def path(self) -> str:
        """`<year>/<file name>` inside its TLP folder."""
        return f"{self.initial.year:04d}/{file_name(self.tracking_id)}"


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _parse_time(value: Any, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise BadInputError(f"not a date-time: {value!r}", field=where) from None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def published_of(document: dict[str, Any], content: bytes) -> Published:
    """What the directory needs of a valid document and its bytes as served."""
    doc = document["document"]
    tracking = doc["tracking"]
    label = str(doc.get("distribution", {}).get("tlp", {}).get("label", ""))
    if label not in TLP_LABELS:
        raise BadInputError(
            "a published advisory needs a TLP label", field="$.document.distribution.tlp.label"
        )
    return Published(
        tracking_id=tracking["id"],
        title=doc["title"],
        tlp=label,
        initial=_parse_time(tracking["initial_release_date"], "initial_release_date"),
        current=_parse_time(tracking["current_release_date"], "current_release_date"),
        version=tracking["version"],
        sha256=hashlib.sha256(content).hexdigest(),
        sha512=hashlib.sha512(content).hexdigest(),
    )


def hash_file(digest: str, name: str) -> str:
    """A hash file's text (7.1.18): the hex digest, two spaces, the file name."""
    return f"{digest}  {name}\n"


def index_txt(entries: Sequence[Published]) -> str:
    """Every document's `<year>/<file>`, in path order."""
    return "".join(f"{p}\n" for p in sorted(e.path for e in entries))


def changes_csv(entries: Sequence[Published]) -> str:
    """`"<year>/<file>","<current release>"`, the latest first, no heading."""
    rows = sorted(entries, key=lambda e: (e.current, e.path), reverse=True)
    return "".join(f'"{e.path}","{_time(e.current)}"\n' for e in rows)


def rolie_feed(entries: Sequence[Published], tlp: str, folder: str, name: str) -> dict[str, Any]:
    """The ROLIE feed (RFC 8322, JSON) of one TLP label; `folder` is the URL of the
    organisation's directory, ending in `/`."""
    base = f"{folder}{tlp.lower()}/"
    items = sorted(entries, key=lambda e: (e.current, e.path), reverse=True)
    updated = max((e.current for e in entries), default=None)
    return {
        "feed": {
            "id": f"{name}-csaf-feed-tlp-{tlp.lower()}",
            "title": f"{name} CSAF feed (TLP:{tlp})",
            "link": [{"rel": "self", "href": f"{folder}feed-tlp-{tlp.lower()}.json"}],
            "category": [
                {"scheme": "urn:ietf:params:rolie:category:information-type", "term": "csaf"}
            ],
            "updated": _time(updated) if updated else "",
            "entry": [
                {
                    "id": e.tracking_id,
                    "title": e.title,
                    "link": [
                        {"rel": "self", "href": base + e.path},
                        {"rel": "hash", "href": base + e.path + ".sha256"},
                        {"rel": "hash", "href": base + e.path + ".sha512"},
                    ],
                    "published": _time(e.initial),
                    "updated": _time(e.current),
                    "summary": {"content": e.title},
                    "content": {"type": "application/json", "src": base + e.path},
                    "format": {"schema": SCHEMA_URL, "version": "2.0"},
                }
                for e in items
            ],
        }
    }


def provider_metadata(
    folder: str, publisher: dict[str, Any], entries: Sequence[Published], tlps: Sequence[str]
) -> dict[str, Any]:
    """`provider-metadata.json` (7.1.7) of an organisation: its publisher (as its latest
    advisory names it), a ROLIE feed per TLP label it publishes, role `csaf_provider`."""
    updated = max((e.current for e in entries), default=None)
    feeds = [
        {
            "summary": f"TLP:{t} advisories",
            "tlp_label": t,
            "url": f"{folder}feed-tlp-{t.lower()}.json",
        }
        for t in tlps
    ]
    return {
        "canonical_url": f"{folder}provider-metadata.json",
        "distributions": [{"rolie": {"feeds": feeds}}] if feeds else [],
        "last_updated": _time(updated) if updated else "",
        "list_on_CSAF_aggregators": True,
        "metadata_version": "2.0",
        "mirror_on_CSAF_aggregators": True,
        "publisher": publisher,
        "role": "csaf_provider",
    }
