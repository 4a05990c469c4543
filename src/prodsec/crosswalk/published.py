"""Published crosswalks read in and compared with what the hub derives.

Two forms: CSV in the set-theory relationship mapping (STRM) form of NIST IR 8477
(`source`, `target`, `relationship`, `rationale`; a header row names the columns), and an
OSCAL mapping-collection (the form `prodsec map --format oscal` writes). Sources and
targets are prodsec requirement ids (`uk-psti@2025-12-04:Sch1-1`) or building blocks
(`block:ID`); in OSCAL, control tokens (`req-5.1-1`) of the source and target resources
(`ID@EDITION.oscal.json`).

Each row is compared with the relation the hub gives between the same two ends: a
requirement and a block through the requirement's own mapping; two requirements through
the crosswalk's derivation (one shared block), the relation the hub alone would give even
where a direct mapping exists. The verdict: `agrees` (the same relation), `stronger` or
`weaker` (the published relation claims more or less overlap), `contradicts` (opposite
directions, or "no relationship" against a containment or equality), `new` (the hub
relates the two ends in no way yet).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from typing_extensions import TypedDict

from prodsec.catalog import Catalog
from prodsec.catalog.vocab import Relationship
from prodsec.crosswalk.derive import crosswalk
from prodsec.crosswalk.oscal import token
from prodsec.errors import BadInputError, DataError, Issue, NotFoundError

R = Relationship
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
WORDS: Mapping[str, Relationship] = {
    "equal": R.EQUAL,
    "equal-to": R.EQUAL,
    "equivalent": R.EQUAL,
    "equivalent-to": R.EQUAL,
    "subset-of": R.SUBSET_OF,
    "subset": R.SUBSET_OF,
    "superset-of": R.SUPERSET_OF,
    "superset": R.SUPERSET_OF,
    "intersects-with": R.INTERSECTS_WITH,
    "intersects": R.INTERSECTS_WITH,
    "no-relationship": R.NO_RELATIONSHIP,
    "none": R.NO_RELATIONSHIP,
}
RANK = {R.NO_RELATIONSHIP: 0, R.INTERSECTS_WITH: 1, R.SUBSET_OF: 2, R.SUPERSET_OF: 2, R.EQUAL: 3}


@dataclass(frozen=True, slots=True)
class Row:
    source: str
    target: str
    relationship: Relationship
    rationale: str
    line: int


def relationship_of(word: str, where: str) -> Relationship:
    key = "-".join(word.strip().lower().replace("_", " ").split())
    found = WORDS.get(key)
    if found is None:
        raise BadInputError(
            f"unknown relationship {word!r}; one of equal, subset of, superset of, "
            "intersects with, no relationship",
            field=where,
        )
    return found


def _end(catalog: Catalog, text: str, name: str, line: int, column: str) -> str:
    value = text.strip()
    if value.startswith("block:"):
        catalog.block(value[6:])
        return value
    if catalog.owner_key(value) is None:
        raise DataError([Issue(name, line, column, f"no requirement or block {value!r}")])
    return value


def read_csv(catalog: Catalog, text: str, name: str = "crosswalk.csv") -> list[Row]:
    """STRM rows from CSV text; DataError naming the line of every problem."""
    if len(text.encode()) > MAX_BYTES:
        raise BadInputError(f"a crosswalk is at most {MAX_BYTES} bytes", field=name)
    reader = csv.DictReader(io.StringIO(text))
    needed = {"source", "target", "relationship"}
    if not reader.fieldnames or not needed <= {f.strip().lower() for f in reader.fieldnames}:
        raise DataError([Issue(name, 1, "", "the header must name source, target, relationship")])
    rows, issues = [], []
    for number, raw in enumerate(reader, 2):
        if number - 1 > MAX_ROWS:
            raise BadInputError(f"at most {MAX_ROWS} rows", field=name)
        cells = {k.strip().lower(): (v or "") for k, v in raw.items() if k}
        try:
            if cells["source"].strip().startswith("block:"):
                raise DataError([Issue(name, number, "source", "a source is a requirement")])
            rows.append(
                Row(
                    _end(catalog, cells["source"], name, number, "source"),
                    _end(catalog, cells["target"], name, number, "target"),
                    relationship_of(cells["relationship"], "relationship"),
                    cells.get("rationale", "").strip(),
                    number,
                )
            )
        except DataError as exc:
            issues += exc.issues
        except (BadInputError, NotFoundError) as exc:
            issues.append(Issue(name, number, "", str(exc)))
    if issues:
        raise DataError(issues)
    return rows


def _resource(catalog: Catalog, href: str, name: str, field: str) -> str:
    spec = href.rsplit("/", 1)[-1].removesuffix(".oscal.json").removesuffix(".json").lstrip("#")
    try:
        return catalog.instrument(spec).key
    except NotFoundError as exc:
        raise DataError([Issue(name, 0, field, str(exc))]) from exc


def read_oscal(catalog: Catalog, text: str, name: str = "mapping.json") -> list[Row]:
    """Rows from an OSCAL mapping-collection's maps whose sources and targets are controls
    of the named resources; DataError naming the map of every problem."""
    if len(text.encode()) > MAX_BYTES:
        raise BadInputError(f"a crosswalk is at most {MAX_BYTES} bytes", field=name)
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise DataError([Issue(name, 0, "", f"not JSON: {exc}")]) from exc
    collection = doc.get("mapping-collection") if isinstance(doc, dict) else None
    if not isinstance(collection, dict):
        raise DataError([Issue(name, 0, "", "not an OSCAL mapping-collection")])
    rows, issues = [], []
    for m, mapping in enumerate(collection.get("mappings") or []):
        at = f"mappings[{m}]"
        a = _resource(catalog, str(mapping.get("source-resource", {}).get("href", "")), name, at)
        b = _resource(catalog, str(mapping.get("target-resource", {}).get("href", "")), name, at)
        ids = {end: _tokens(catalog, end) for end in (a, b)}
        for n, item in enumerate(mapping.get("maps") or []):
            where = f"{at}.maps[{n}]"
            try:
                rel = relationship_of(str(item.get("relationship", "")), f"{where}.relationship")
                for s in item.get("sources") or []:
                    for t in item.get("targets") or []:
                        rows.append(
                            Row(
                                _control(ids[a], s, name, where),
                                _control(ids[b], t, name, where),
                                rel,
                                str(item.get("remarks", "")),
                                n,
                            )
                        )
            except DataError as exc:
                issues += exc.issues
            except BadInputError as exc:
                issues.append(Issue(name, 0, where, str(exc)))
            if len(rows) > MAX_ROWS:
                raise BadInputError(f"at most {MAX_ROWS} rows", field=name)
    if issues:
        raise DataError(issues)
    return rows


def _tokens(catalog: Catalog, key: str) -> dict[str, str]:
    inst = catalog.instrument(key)
    return {token("req", r.ref): inst.requirement_id(r.ref) for r in inst.requirements}


def _control(ids: Mapping[str, str], end: object, name: str, where: str) -> str:
    ref = str(end.get("id-ref", "")) if isinstance(end, dict) else ""
    found = ids.get(ref)
    if found is None:
        raise DataError([Issue(name, 0, where, f"no control {ref!r} in the resource")])
    return found


class AgreementRow(TypedDict):
    source: str
    target: str
    published: str
    derived: str | None
    verdict: str
    rationale: str


class Agreement(TypedDict):
    counts: dict[str, int]
    rows: list[AgreementRow]


def verdict(published: Relationship, derived: Relationship | None) -> str:
    if derived is None:
        return "agrees" if published is R.NO_RELATIONSHIP else "new"
    if published is derived:
        return "agrees"
    if {published, derived} == {R.SUBSET_OF, R.SUPERSET_OF}:
        return "contradicts"
    if R.NO_RELATIONSHIP in (published, derived) and max(RANK[published], RANK[derived]) >= 2:
        return "contradicts"
    return "stronger" if RANK[published] > RANK[derived] else "weaker"


def derived_relations(catalog: Catalog, rows: Iterable[Row]) -> dict[tuple[str, str], Relationship]:
    """The hub's relation for every (source, target) pair of the rows that has one."""
    found: dict[tuple[str, str], Relationship] = {}
    pairs: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for row in rows:
        if row.target.startswith("block:"):
            block = row.target[6:]
            for m in catalog.mappings_of(row.source):
                if m.block == block:
                    found[(row.source, row.target)] = m.relationship
            continue
        a, b = catalog.owner_key(row.source), catalog.owner_key(row.target)
        if a and b:
            pairs.setdefault((a, b), set()).add((row.source, row.target))
    for (a, b), wanted in pairs.items():
        for r in crosswalk(catalog, catalog.instrument(a), catalog.instrument(b)).relations:
            if (r.source, r.target) in wanted:
                hub = r.relationship if r.derived else r.alternative
                if hub is not None:
                    found[(r.source, r.target)] = hub
    return found


def agreement(catalog: Catalog, rows: Sequence[Row]) -> Agreement:
    """Each row beside the hub's relation, with the verdict, and the count per verdict."""
    hub = derived_relations(catalog, rows)
    out: list[AgreementRow] = []
    for row in rows:
        derived = hub.get((row.source, row.target))
        out.append(
            {
                "source": row.source,
                "target": row.target,
                "published": row.relationship.value,
                "derived": derived.value if derived else None,
                "verdict": verdict(row.relationship, derived),
                "rationale": row.rationale,
            }
        )
    counts = Counter(r["verdict"] for r in out)
    order = ("agrees", "stronger", "weaker", "contradicts", "new")
    return {"counts": {k: counts.get(k, 0) for k in order}, "rows": out}


def mapping_fact(row: Row) -> str:
    """The fact a row proposes: `mapping:ID@E:REF->block:B` or `->req:ID@E:REF`."""
    spec, _, ref = row.source.partition(":")
    target = row.target if row.target.startswith("block:") else f"req:{row.target}"
    return f"mapping:{spec}:{ref}->{target}"
