"""The catalog's revisions: each change of the packaged data, fact by fact.

A revision is computed, never written by hand: the data files of two states of the catalog
are read into *snapshots* (every fact under a stable key: an edition's header field, a
date, a requirement, a mapping, a recognition edge or arrangement, a building block) and
compared. The ledger (`data/history/revisions.jsonl`, one revision per line) holds every
revision of the data's history, oldest first; `prodsec catalog history --rebuild` writes
it from the repository's history (catalog/githistory.py) and an accepted patch appends to
it. The ledger is not part of the data hash: it describes the data, it is not data.

Snapshots read the YAML as plain data, without the catalog's model, so that a revision
from before a model change still compares: a field the model later required is simply a
field that appeared.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from typing_extensions import TypedDict

from prodsec.errors import BadInputError, DataError, Issue, NotFoundError

if TYPE_CHECKING:
    from prodsec.catalog.catalog import Catalog

HISTORY_DIR = "history"
LEDGER = "revisions.jsonl"
FactKind = Literal["edition", "date", "requirement", "mapping", "edge", "arrangement", "block"]
ChangeKind = Literal["added", "removed", "changed"]
KINDS: tuple[FactKind, ...] = (
    "edition",
    "date",
    "requirement",
    "mapping",
    "edge",
    "arrangement",
    "block",
)
# Header fields of an edition that are facts of their own (not the lists below).
_NOT_HEADER = frozenset({"id", "edition", "requirements", "sections", "dates", "revision"})
WORKING_TREE = "working-tree"


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact of the catalog: its kind, the editions it concerns (`uk-psti@2025-12-04`;
    an edge concerns its origin and target) and its fields, each as canonical JSON text."""

    kind: FactKind
    instruments: tuple[str, ...]
    fields: Mapping[str, str]


Snapshot = dict[str, Fact]


class ChangeView(TypedDict, total=False):
    change: ChangeKind
    kind: FactKind
    key: str
    instruments: list[str]
    field: str
    before: str
    after: str


class RevisionView(TypedDict):
    id: int
    commit: str
    date: str
    message: str
    content_hash: str
    summary: str
    counts: dict[str, int]
    scope: dict[str, dict[str, list[str]]]
    changes: list[ChangeView]


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _fields(item: Mapping[str, Any], skip: Iterable[str] = ()) -> dict[str, str]:
    """The fields of a fact as text; a mapping one level down is spread into `name.key`
    fields, so a change to a label's template is `label.registration_template`."""
    dropped = set(skip)
    out: dict[str, str] = {}
    for key, value in item.items():
        if key in dropped:
            continue
        if isinstance(value, Mapping) and value:
            out.update({f"{key}.{sub}": _text(v) for sub, v in value.items()})
        else:
            out[key] = _text(value)
    return out


def _yaml(data: bytes, path: str) -> Any:
    import yaml  # only when a snapshot is taken (start-up stays light)

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(data, Loader=loader)
    except yaml.YAMLError as exc:
        raise DataError([Issue(path, 0, "", f"not YAML: {exc}")]) from exc


def _instrument_facts(doc: Mapping[str, Any], out: Snapshot) -> None:
    key = f"{doc.get('id')}@{doc.get('edition')}"
    header = _fields(doc, _NOT_HEADER)
    out[f"edition:{key}"] = Fact("edition", (key,), header)
    for date in doc.get("dates") or ():
        if isinstance(date, Mapping):
            refs = date.get("refs") or ()
            name = f"date:{key}:{date.get('kind')}" + (
                f":{','.join(map(str, refs))}" if refs else ""
            )
            out[name] = Fact("date", (key,), _fields(date, ("kind", "refs")))
    for req in doc.get("requirements") or ():
        if isinstance(req, Mapping):
            out[f"requirement:{key}:{req.get('ref')}"] = Fact(
                "requirement", (key,), _fields(req, ("ref",))
            )


def _mapping_facts(doc: Mapping[str, Any], out: Snapshot) -> None:
    key = f"{doc.get('instrument')}@{doc.get('edition')}"
    defaults = doc.get("defaults") or {}
    for item in doc.get("mappings") or ():
        if not isinstance(item, Mapping):
            continue
        target = f"block:{item['block']}" if "block" in item else f"req:{item.get('requirement')}"
        merged = {**defaults, **item}
        name = f"mapping:{key}:{item.get('ref')}->{target}"
        out[name] = Fact("mapping", (key,), _fields(merged, ("ref", "block", "requirement")))


def _recognition_facts(doc: Mapping[str, Any], out: Snapshot) -> None:
    for item in doc.get("arrangements") or ():
        if isinstance(item, Mapping):
            out[f"arrangement:{item.get('id')}"] = Fact("arrangement", (), _fields(item, ("id",)))
    for item in doc.get("edges") or ():
        if isinstance(item, Mapping):
            ends = tuple(str(item[end]) for end in ("origin", "target") if end in item)
            out[f"edge:{item.get('id')}"] = Fact("edge", ends, _fields(item, ("id",)))


def _block_facts(doc: Mapping[str, Any], out: Snapshot) -> None:
    for item in doc.get("blocks") or ():
        if isinstance(item, Mapping):
            out[f"block:{item.get('id')}"] = Fact("block", (), _fields(item, ("id",)))


def snapshot(files: Mapping[str, bytes]) -> Snapshot:
    """Every fact of a catalog's data files, given as {path relative to the data folder:
    bytes} (`instruments/uk-psti/2025-12-04.yaml`, `mappings/...`, `recognition.yaml`,
    `building-blocks.yaml`). Other files are ignored. Raise DataError for a file that is
    not YAML."""
    out: Snapshot = {}
    for path in sorted(files):
        if path.startswith("instruments/") and path.endswith(".yaml"):
            reader: Any = _instrument_facts
        elif path.startswith("mappings/") and path.endswith(".yaml"):
            reader = _mapping_facts
        elif path == "recognition.yaml":
            reader = _recognition_facts
        elif path == "building-blocks.yaml":
            reader = _block_facts
        else:
            continue
        doc = _yaml(files[path], path)
        if isinstance(doc, Mapping):
            reader(doc, out)
    return out


def compare(before: Snapshot, after: Snapshot) -> list[ChangeView]:
    """The changes from one snapshot to the next: facts added and removed (by key), and
    for a fact in both, one change per field that differs. Sorted by kind, then key."""
    changes: list[ChangeView] = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old is None and new is not None:
            changes.append(_change("added", new, key))
        elif new is None and old is not None:
            changes.append(_change("removed", old, key))
        elif old is not None and new is not None and old.fields != new.fields:
            for name in sorted(old.fields.keys() | new.fields.keys()):
                was, now = old.fields.get(name), new.fields.get(name)
                if was != now:
                    change = _change("changed", new, key)
                    change["field"] = name
                    if was is not None:
                        change["before"] = was
                    if now is not None:
                        change["after"] = now
                    changes.append(change)
    order = {kind: i for i, kind in enumerate(KINDS)}
    changes.sort(key=lambda c: (order[c["kind"]], c["key"]))
    return changes


def _change(change: ChangeKind, fact: Fact, key: str) -> ChangeView:
    return {"change": change, "kind": fact.kind, "key": key, "instruments": list(fact.instruments)}


def content_hash(files: Mapping[str, bytes]) -> str:
    """SHA-256 over the data files' paths and bytes, in path order: the same for the same
    data wherever it comes from (the repository's history or a folder)."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + files[path] + b"\0")
    return digest.hexdigest()


def data_folder_files(root: Path) -> dict[str, bytes]:
    """The files of a data folder that revisions describe, as {relative path: bytes}."""
    from prodsec.catalog.load import data_files

    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in data_files(root)
        if path.exists()
    }


_NOUNS = {
    "edition": ("edition", "editions"),
    "date": ("date", "dates"),
    "requirement": ("requirement", "requirements"),
    "mapping": ("mapping", "mappings"),
    "edge": ("recognition edge", "recognition edges"),
    "arrangement": ("arrangement", "arrangements"),
    "block": ("building block", "building blocks"),
}


def summarise(changes: Sequence[ChangeView]) -> tuple[str, dict[str, int]]:
    """A one-line summary computed from the changes ("2 editions added; 14 requirements
    changed (gist 9, status 3, ...)") and the counts behind it (`requirement added`: 12)."""
    counts: Counter[str] = Counter()
    fields: dict[tuple[str, str], Counter[str]] = {}
    touched: dict[tuple[str, str], set[str]] = {}
    for c in changes:
        pair = (c["kind"], c["change"])
        touched.setdefault(pair, set()).add(c["key"])
        if c["change"] == "changed":
            fields.setdefault(pair, Counter())[c.get("field", "")] += 1
    parts = []
    for kind in KINDS:
        for change in ("added", "removed", "changed"):
            keys = touched.get((kind, change))
            if not keys:
                continue
            counts[f"{kind} {change}"] = len(keys)
            noun = _NOUNS[kind][0 if len(keys) == 1 else 1]
            text = f"{len(keys)} {noun} {change}"
            if change == "changed":
                which = fields[(kind, change)].most_common()
                text += " (" + ", ".join(f"{name} {n}" for name, n in which[:4])
                text += ", ...)" if len(which) > 4 else ")"
            parts.append(text)
    return "; ".join(parts) or "no change of facts", dict(counts)


@dataclass(frozen=True, slots=True)
class State:
    """One state of the data: where it comes from and its files."""

    commit: str
    date: dt.date
    message: str
    files: Mapping[str, bytes] = field(repr=False)


def _scope(snap: Snapshot, before: Snapshot, changes: Sequence[ChangeView]) -> dict[str, Any]:
    """The jurisdictions and categories of every edition the changes concern, read from the
    edition's header in the newer snapshot (or the older one for an edition removed)."""
    scope: dict[str, dict[str, list[str]]] = {}
    for c in changes:
        for key in c["instruments"]:
            if key in scope:
                continue
            fact = _edition(snap, key) or _edition(before, key)
            jurisdictions: list[str] = []
            categories: list[str] = []
            if fact is not None:
                jurisdictions = list(json.loads(fact.fields.get("jurisdictions", "[]")))
                categories = list(json.loads(fact.fields.get("scope.categories", "[]")))
            scope[key] = {"jurisdictions": jurisdictions, "categories": categories}
    return scope


def _edition(snap: Snapshot, key: str) -> Fact | None:
    """The edition fact of `ID@EDITION`, or of the newest edition of a bare `ID` (an edge
    may name an instrument without its edition)."""
    if "@" in key:
        return snap.get(f"edition:{key}")
    prefix = f"edition:{key}@"
    found = sorted(k for k in snap if k.startswith(prefix))
    return snap[found[-1]] if found else None


def revision(number: int, state: State, before: Snapshot, after: Snapshot) -> RevisionView | None:
    """The revision from `before` to `after` (the state's snapshot), or None without a
    change of facts."""
    changes = compare(before, after)
    if not changes:
        return None
    summary, counts = summarise(changes)
    return {
        "id": number,
        "commit": state.commit,
        "date": state.date.isoformat(),
        "message": state.message,
        "content_hash": content_hash(state.files),
        "summary": summary,
        "counts": counts,
        "scope": _scope(after, before, changes),
        "changes": changes,
    }


def revisions(states: Iterable[State], start: int = 1) -> Iterator[RevisionView]:
    """The revisions between successive states (the first compared with an empty catalog),
    numbered from `start`; a state whose facts do not change yields none."""
    before: Snapshot = {}
    number = start
    for state in states:
        after = snapshot(state.files)
        made = revision(number, state, before, after)
        if made is not None:
            yield made
            number += 1
        before = after


def ledger_path(data_root: Path) -> Path:
    return data_root / HISTORY_DIR / LEDGER


def read_ledger(path: Path) -> list[RevisionView]:
    """The revisions of a ledger file, oldest first. Raise DataError naming the line that
    is not a revision."""
    out: list[RevisionView] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataError([Issue(str(path), 0, "", f"cannot be read: {exc.strerror}")]) from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            raise DataError([Issue(str(path), number, "", f"not JSON: {exc}")]) from exc
        if not isinstance(item, dict) or not {"id", "date", "changes"} <= item.keys():
            raise DataError([Issue(str(path), number, "", "a revision needs id, date, changes")])
        out.append(item)  # type: ignore[arg-type]
    return out


@functools.lru_cache(maxsize=4)
def _cached(path: Path, stamp: tuple[int, int]) -> tuple[RevisionView, ...]:
    del stamp  # part of the key: a rewritten ledger is read again
    return tuple(read_ledger(path))


def ledger(path: Path) -> tuple[RevisionView, ...]:
    """The ledger's revisions, read once per version of the file (servers ask often)."""
    try:
        info = path.stat()
    except OSError as exc:
        raise DataError([Issue(str(path), 0, "", f"cannot be read: {exc.strerror}")]) from exc
    return _cached(path, (info.st_mtime_ns, info.st_size))


def ledger_text(items: Iterable[RevisionView]) -> str:
    return "".join(
        json.dumps(item, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"
        for item in items
    )


def append_revision(
    root: Path, before: Mapping[str, bytes], message: str, commit: str = "patch"
) -> RevisionView | None:
    """Add the revision from `before` (the data files as they were) to the folder's data
    now, at the end of its ledger; None when no fact changed."""
    from prodsec.catalog.files import write_file

    path = ledger_path(root)
    kept = read_ledger(path) if path.exists() else []
    today = dt.datetime.now(dt.UTC).date()
    state = State(commit, today, message, data_folder_files(root))
    number = kept[-1]["id"] + 1 if kept else 1
    made = revision(number, state, snapshot(before), snapshot(state.files))
    if made is not None:
        write_file(path, ledger_text([*kept, made]).encode())
    return made


# --- filtering -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChangeFilter:
    """Which changes a reader wants: since a revision id or a day, of an instrument (any
    edition, or `ID@EDITION`), a jurisdiction, or a product category (with the categories
    above it, so `smart-camera` finds changes to `connectable-product` regimes)."""

    since_revision: int | None = None
    since_day: dt.date | None = None
    instrument: str | None = None
    jurisdiction: str | None = None
    categories: frozenset[str] | None = None

    def wants_revision(self, rev: RevisionView) -> bool:
        if self.since_revision is not None and rev["id"] <= self.since_revision:
            return False
        return self.since_day is None or dt.date.fromisoformat(rev["date"]) >= self.since_day

    def wants_change(self, change: ChangeView, scope: Mapping[str, Any]) -> bool:
        keys = change["instruments"]
        if self.instrument is not None:
            wanted = self.instrument
            if not any(k == wanted or k.partition("@")[0] == wanted for k in keys):
                return False
        if self.jurisdiction is None and self.categories is None:
            return True
        if not keys:  # a building block or an arrangement concerns no one edition
            return False
        for key in keys:
            facts = scope.get(key, {})
            if self.jurisdiction is not None and self.jurisdiction not in facts.get(
                "jurisdictions", ()
            ):
                continue
            if self.categories is not None and not self.categories & set(
                facts.get("categories", ())
            ):
                continue
            return True
        return False


def change_filter(
    catalog: Catalog,
    since_text: str | None = None,
    instrument: str | None = None,
    jurisdiction: str | None = None,
    category: str | None = None,
) -> ChangeFilter:
    """A filter from the words a reader gives (each checked against the catalog: an
    unknown instrument or category is a NotFoundError with near matches, an unknown
    jurisdiction too, `since` a BadInputError when it is neither a number nor a day)."""
    from prodsec.catalog.catalog import near

    after, day = since(since_text) if since_text else (None, None)
    wanted_instrument = None
    if instrument:
        inst = catalog.instrument(instrument)
        wanted_instrument = inst.key if "@" in instrument else inst.id
    if jurisdiction:
        known = {j for i in catalog.instruments.values() for j in i.jurisdictions}
        if jurisdiction not in known:
            raise NotFoundError(
                "jurisdiction", jurisdiction, near(jurisdiction, known), sorted(known)
            )
    categories = frozenset(catalog.lineage(catalog.category(category).id)) if category else None
    return ChangeFilter(after, day, wanted_instrument, jurisdiction or None, categories)


def since(value: str) -> tuple[int | None, dt.date | None]:
    """`--since`: a revision id (`42`) or a day (`2026-11-01`); BadInputError otherwise."""
    text = value.strip()
    if text.isdigit():
        return int(text), None
    try:
        return None, dt.date.fromisoformat(text)
    except ValueError:
        raise BadInputError(
            f"since: {value!r} is neither a revision number nor a day (YYYY-MM-DD)"
        ) from None


def select(items: Sequence[RevisionView], wanted: ChangeFilter) -> list[RevisionView]:
    """The revisions the filter wants, newest first, each with only the changes it wants;
    a revision left with no change is dropped."""
    out: list[RevisionView] = []
    for rev in reversed(items):
        if not wanted.wants_revision(rev):
            continue
        kept = [c for c in rev["changes"] if wanted.wants_change(c, rev["scope"])]
        if kept:
            summary, counts = summarise(kept)
            out.append({**rev, "changes": kept, "summary": summary, "counts": counts})
    return out
