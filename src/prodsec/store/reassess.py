"""Continuous re-assessment: the supply-chain verdicts of stored product versions, kept
as a state (`SupplyState`) and judged again when an advisory arrives or changes.

`refresh` judges one version whole (every stored component scanned against the index,
with the product's VEX statements); SBOM and VEX uploads call it. `reassess_touched`,
called after a sync with the ids of the new or changed advisories, asks the inverted index
(`PackageUse`) for the components those advisories may touch, scans only them, replaces
their findings in each touched version's state and judges the blocks again. A version
whose verdict changes gets a `VerdictChange`: when, which advisory, the verdicts before
and after, and the requirements mapped to the blocks that changed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from prodsec.assess.supply import (
    MAX_OPEN_DAYS,
    NO_EXPLOITABLE,
    REMEDIATION,
    StateFinding,
    advisory_keys,
    read_vex,
    state_finding,
    state_verdicts,
)
from prodsec.catalog import Catalog, load_catalog
from prodsec.store.db import Database
from prodsec.store.models import (
    AdvisoryAlias,
    AdvisoryCpeRule,
    AdvisoryRow,
    PackageUse,
    ProductRecord,
    ProductVersion,
    SbomComponentRow,
    SbomDocument,
    SupplyState,
    VerdictChange,
    VexDocumentRow,
)
from prodsec.supplychain.sbom import Component, ComponentType
from prodsec.supplychain.sbom.interface import ComponentRef
from prodsec.supplychain.vex.model import VexStatement
from prodsec.supplychain.vuln.cpe import Cpe, CpeRule
from prodsec.supplychain.vuln.findings import AdvisoryIndex, scan
from prodsec.supplychain.vuln.index import PackageTable
from prodsec.supplychain.vuln.kev import KevEntry
from prodsec.supplychain.vuln.osv import OsvRecord


class _Bound(Database):
    """The database a session works in, whose one session is that session (neither
    committed nor closed here): the advisory index reads inside the caller's work."""

    def __init__(self, session: Session) -> None:
        self.engine = session.get_bind().engine
        self._session = session

    @contextmanager
    def session(self) -> Iterator[Session]:
        yield self._session


def session_index(session: Session) -> AdvisoryIndex:
    """The database's advisory index (`vulns sync` keeps it) read through `session`'s
    database."""
    from prodsec.store.vulns import SqlAdvisoryIndex

    return SqlAdvisoryIndex(_Bound(session))


FROM_FINDINGS = (NO_EXPLOITABLE, REMEDIATION)
"""The blocks a new advisory can change; the SBOM blocks change only with an upload."""


def component_of(row: SbomComponentRow) -> Component:
    return Component(
        ComponentRef(row.ref),
        row.name,
        row.version,
        ComponentType.of(row.type),
        purl=row.purl,
        cpes=tuple(row.cpes),
        supplier=row.supplier,
    )


def max_days(profile: dict[str, Any]) -> int:
    chain = profile.get("supply_chain")
    days = chain.get("max_open_days") if isinstance(chain, dict) else None
    return days if isinstance(days, int) else MAX_OPEN_DAYS


def _statements(session: Session, product_ids: Iterable[str]) -> dict[str, list[VexStatement]]:
    """Every VEX statement of each product, in upload order."""
    found: dict[str, list[VexStatement]] = defaultdict(list)
    docs = session.scalars(
        select(VexDocumentRow)
        .where(VexDocumentRow.product_id.in_(set(product_ids)))
        .order_by(VexDocumentRow.created, VexDocumentRow.id)
    )
    for doc in docs:
        found[doc.product_id].extend(read_vex(doc.content, doc.name))
    return found


@dataclass(frozen=True, slots=True)
class _Shape:
    """What a version's verdicts rest on besides its findings."""

    sboms: int
    top_level: bool
    max_days: int


def _shape(session: Session, version: ProductVersion) -> _Shape:
    documents = session.scalars(
        select(SbomDocument).where(SbomDocument.version_id == version.id)
    ).all()
    top = any(c.top_level for d in documents for c in d.components)
    return _Shape(len(documents), top, max_days(version.profile))


_MAPPED: dict[tuple[str, frozenset[str]], list[str]] = {}


def _requirements(catalog: Catalog, blocks: frozenset[str]) -> list[str]:
    """The requirements mapped to any of the blocks (kept per catalog revision)."""
    key = (catalog.data_hash, blocks)
    found = _MAPPED.get(key)
    if found is None:
        found = _MAPPED[key] = sorted(
            rid
            for rid in catalog.requirement_ids()
            if any(m.block in blocks for m in catalog.mappings_of(rid))
        )
    return list(found)


def _store(
    session: Session,
    version: ProductVersion,
    state: SupplyState | None,
    found: list[StateFinding],
    verdicts: dict[str, bool],
    cause: str,
    catalog: Catalog | None,
) -> VerdictChange | None:
    now = dt.datetime.now(dt.UTC)
    change = None
    if state is not None and state.verdicts != verdicts:
        changed = frozenset(b for b in verdicts if state.verdicts.get(b) != verdicts[b])
        change = VerdictChange(
            version_id=version.id,
            organisation_id=version.product.organisation_id,
            at=now,
            advisory=cause[:200],
            before=dict(state.verdicts),
            after=verdicts,
            requirements=_requirements(catalog or load_catalog(), changed),
        )
        session.add(change)
    if state is None:
        session.add(SupplyState(version_id=version.id, verdicts=verdicts, findings=found, at=now))
    else:
        state.verdicts, state.findings, state.at = verdicts, list(found), now
    return change


def refresh(
    session: Session,
    version: ProductVersion,
    index: AdvisoryIndex,
    on: dt.date,
    cause: str,
    catalog: Catalog | None = None,
) -> VerdictChange | None:
    """Judge one version whole and store its state; the change of verdict, if any."""
    vex = _statements(session, [version.product_id]).get(version.product_id, [])
    found: list[StateFinding] = []
    for document in session.scalars(
        select(SbomDocument).where(SbomDocument.version_id == version.id)
    ):
        components = [component_of(c) for c in document.components]
        found += [state_finding(document.role, f) for f in scan(components, index, on=on, vex=vex)]
    shape = _shape(session, version)
    verdicts = state_verdicts(found, shape.sboms, shape.top_level, on, shape.max_days)
    state = session.get(SupplyState, version.id)
    change = _store(session, version, state, found, verdicts, cause, catalog)
    session.flush()
    return change


class _Remembered:
    """An advisory index whose answers are kept for one re-assessment: the touched
    components of many versions ask it the same questions."""

    def __init__(self, index: AdvisoryIndex) -> None:
        self.index = index
        self.found: dict[tuple[str, Any], Any] = {}

    def _ask(self, what: str, key: Any, answer: Callable[[], Any]) -> Any:
        if (what, key) not in self.found:
            self.found[(what, key)] = answer()
        return self.found[(what, key)]

    def table(self, ecosystem: str, name: str) -> PackageTable:
        found: PackageTable = self._ask(
            "table", (ecosystem, name), lambda: self.index.table(ecosystem, name)
        )
        return found

    def cpe_candidates(self, cpe: Cpe) -> Sequence[CpeRule]:
        found: Sequence[CpeRule] = self._ask("cpe", cpe, lambda: self.index.cpe_candidates(cpe))
        return found

    def record(self, advisory: str) -> OsvRecord | None:
        found: OsvRecord | None = self._ask("record", advisory, lambda: self.index.record(advisory))
        return found

    def aliases(self, advisory: str) -> tuple[str, ...]:
        found: tuple[str, ...] = self._ask(
            "aliases", advisory, lambda: self.index.aliases(advisory)
        )
        return found

    def kev(self, cve: str) -> KevEntry | None:
        found: KevEntry | None = self._ask("kev", cve, lambda: self.index.kev(cve))
        return found

    def empty(self) -> bool:
        return self.index.empty()


def reassess_touched(
    session: Session,
    advisory_ids: Sequence[str],
    index: AdvisoryIndex,
    on: dt.date | None = None,
    catalog: Catalog | None = None,
    cause: str | None = None,
) -> list[VerdictChange]:
    """Judge again the product versions the advisories may touch (through the package
    index), scanning only their touched components; store each change of verdict with
    its cause (by default the advisories' ids). A version without a stored state is
    judged whole. Call it after a sync, with the ids of the advisories it added or
    changed."""
    day = on or dt.date.today()
    index = _Remembered(index)
    keys: set[str] = set()
    for ident in advisory_ids:
        record = index.record(ident)
        if record is not None:
            keys |= advisory_keys(record)
    rules = select(AdvisoryCpeRule.part, AdvisoryCpeRule.vendor, AdvisoryCpeRule.product)
    for part, vendor, product in session.execute(
        rules.where(AdvisoryCpeRule.advisory.in_(advisory_ids))
    ):
        keys.add(f"cpe:{part}:{vendor}:{product}")
    if not keys:
        return []
    rows = session.execute(
        select(PackageUse.version_id, SbomDocument.role, SbomComponentRow)
        .join(SbomComponentRow, PackageUse.component_id == SbomComponentRow.id)
        .join(SbomDocument, SbomComponentRow.document_id == SbomDocument.id)
        .where(PackageUse.key.in_(sorted(keys)))
    )
    touched: dict[str, dict[tuple[str, str], Component]] = defaultdict(dict)
    for version_id, role, row in rows:
        touched[version_id][(role, row.ref)] = component_of(row)
    if not touched:
        return []
    versions = {
        v.id: v
        for v in session.scalars(
            select(ProductVersion)
            .join(ProductRecord)
            .options(contains_eager(ProductVersion.product))  # no query per version
            .where(ProductVersion.id.in_(touched), ProductRecord.deleted_at.is_(None))
        )
    }
    states = {
        s.version_id: s
        for s in session.scalars(select(SupplyState).where(SupplyState.version_id.in_(versions)))
    }
    vex = _statements(session, {v.product_id for v in versions.values()})
    cause = cause or ", ".join(advisory_ids)
    changes: list[VerdictChange] = []
    for version_id, version in versions.items():
        state = states.get(version_id)
        if state is None:
            change = refresh(session, version, index, day, cause, catalog)
        else:
            comps = touched[version_id]
            change = _again(session, version, state, comps, index, vex, day, cause, catalog)
        if change is not None:
            changes.append(change)
    session.flush()
    return changes


def _again(
    session: Session,
    version: ProductVersion,
    state: SupplyState,
    components: dict[tuple[str, str], Component],
    index: AdvisoryIndex,
    vex: dict[str, list[VexStatement]],
    on: dt.date,
    cause: str,
    catalog: Catalog | None,
) -> VerdictChange | None:
    """A version's state with the findings of `components` scanned anew."""
    statements = vex.get(version.product_id, [])
    kept: list[StateFinding] = [
        f for f in state.findings if (f["role"], f["ref"]) not in components
    ]
    by_role: dict[str, list[Component]] = defaultdict(list)
    for (role, _), component in components.items():
        by_role[role].append(component)
    for role, listed in by_role.items():
        kept += [state_finding(role, f) for f in scan(listed, index, on=on, vex=statements)]
    verdicts = dict(state.verdicts)
    judged = state_verdicts(kept, 1, True, on, max_days(version.profile))
    verdicts.update({k: judged[k] for k in FROM_FINDINGS})
    if verdicts == state.verdicts:
        state.findings, state.at = kept, dt.datetime.now(dt.UTC)
        return None
    return _store(session, version, state, kept, verdicts, cause, catalog)


def advisories_of(session: Session, cve: str) -> list[str]:
    """The stored advisories a CVE names: the one with its id and those that alias it
    (either way round), sorted."""
    named = {cve}
    for advisory, alias in session.execute(
        select(AdvisoryAlias.advisory, AdvisoryAlias.alias).where(
            (AdvisoryAlias.alias == cve) | (AdvisoryAlias.advisory == cve)
        )
    ):
        named |= {advisory, alias}
    return sorted(session.scalars(select(AdvisoryRow.id).where(AdvisoryRow.id.in_(named))))


def reassess_kev(
    session: Session,
    cves: Sequence[str],
    index: AdvisoryIndex,
    on: dt.date | None = None,
    catalog: Catalog | None = None,
) -> list[VerdictChange]:
    """Judge again the product versions the stored advisories of newly known exploited
    CVEs touch (`SqlAdvisoryStore.kev_news` after a sync with a KEV catalog); each
    change's cause is `KEV <CVE>`."""
    changes: list[VerdictChange] = []
    for cve in cves:
        if advisories := advisories_of(session, cve):
            changes += reassess_touched(session, advisories, index, on, catalog, f"KEV {cve}")
    return changes
