"""The public JSON shape of an applicability answer, shared by the CLI (`-f json`) and the
REST API (a TypedDict, decision 0010), and its rows and text for tables and terminals."""

from __future__ import annotations

from collections import Counter
from typing import Any

from typing_extensions import TypedDict

from prodsec.assess.applicability import Answer, Finding, MarketAnswer, State
from prodsec.catalog.views import Json, edge_label, plain
from prodsec.catalog.vocab import Actor, Confidence

GROUPS = {
    "binds": (State.BINDS,),
    "upcoming": (State.UPCOMING,),
    "voluntary": (State.VOLUNTARY,),
    "not_applicable": (State.EXCLUDED, State.OUT_OF_SCOPE, State.REPEALED),
}


class ProductClassPublic(TypedDict):
    id: str
    title: str


class FindingPublic(TypedDict):
    """One instrument's answer for a product in a market."""

    instrument: str
    title: str
    bindingness: str
    state: str
    reason: str
    starts: str | None
    ends: str | None
    product_class: ProductClassPublic | None
    routes: list[Json]
    obligations: list[Json]
    not_applicable_requirements: list[str]
    exclusion: Json | None
    recognitions: list[Json]
    grants: list[Json]
    actors: list[str]
    """Who bears the duties: the actors of the obligations that apply, else the instrument's."""
    role_bears: bool
    """Whether the answer's role bears any of them."""


class MarketPublic(TypedDict):
    """A market's findings, grouped: binding now, binding later, voluntary, and the rest."""

    market: str
    title: str
    binds: list[FindingPublic]
    upcoming: list[FindingPublic]
    voluntary: list[FindingPublic]
    not_applicable: list[FindingPublic]


class AnswerPublic(TypedDict):
    category: str
    on: str
    role: str
    features: list[str]
    implied_features: list[str]
    markets: list[MarketPublic]


def _day(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def finding_view(f: Finding, role: Actor = Actor.MANUFACTURER) -> FindingPublic:
    inst = f.instrument
    return {
        "instrument": inst.key,
        "title": inst.short_title or inst.title,
        "bindingness": inst.bindingness.value,
        "state": f.state.value,
        "reason": f.reason,
        "starts": _day(f.starts),
        "ends": _day(f.ends),
        "product_class": None
        if f.product_class is None
        else {"id": f.product_class.id, "title": f.product_class.title},
        "routes": plain(f.routes),
        "obligations": plain(f.obligations),
        "not_applicable_requirements": list(f.not_applicable),
        "exclusion": plain(f.exclusion),
        "recognitions": plain(f.recognitions),
        "grants": plain(f.grants),
        "actors": [a.value for a in f.actors],
        "role_bears": f.binds_role(role),
    }


def market_view(m: MarketAnswer, role: Actor = Actor.MANUFACTURER) -> MarketPublic:
    def group(name: str) -> list[FindingPublic]:
        return [finding_view(f, role) for f in m.of(*GROUPS[name])]

    return {
        "market": m.market.id,
        "title": m.market.title,
        "binds": group("binds"),
        "upcoming": group("upcoming"),
        "voluntary": group("voluntary"),
        "not_applicable": group("not_applicable"),
    }


def answer_view(a: Answer, role: Actor = Actor.MANUFACTURER) -> AnswerPublic:
    """The answer as JSON; each finding says whether `role` bears any of its duties."""
    return {
        "category": a.category,
        "on": a.on.isoformat(),
        "role": role.value,
        "features": sorted(a.features),
        "implied_features": sorted(a.implied),
        "markets": [market_view(m, role) for m in a.markets],
    }


def schedule(f: Finding) -> str:
    """When the obligations start: `2026-09-11: 3; 2027-12-11: 38`."""
    counts = Counter(o.applies_from for o in f.obligations)
    return "; ".join(f"{day}: {n}" for day, n in sorted(counts.items()))


def answer_rows(a: Answer) -> list[dict[str, Any]]:
    """One row per market and instrument, binding ones first."""
    order = [s for states in GROUPS.values() for s in states]
    rows = []
    for m in a.markets:
        for f in sorted(m.findings, key=lambda f: (order.index(f.state), f.instrument.key)):
            rows.append(
                {
                    "market": m.market.id,
                    "instrument": f.instrument.key,
                    "state": f.state.value,
                    "starts": _day(f.starts),
                    "ends": _day(f.ends),
                    "class": f.product_class.id if f.product_class else "",
                    "routes": [r.id for r in f.routes],
                    "obligations": schedule(f),
                    "reason": f.reason,
                }
            )
    return rows


def _obligation_lines(f: Finding) -> list[str]:
    by_day: dict[str, list[str]] = {}
    for o in sorted(f.obligations, key=lambda o: o.applies_from):
        mark = " (unverified)" if o.confidence is Confidence.UNVERIFIED else ""
        by_day.setdefault(f"{o.applies_from}{mark}", []).append(o.ref)
    lines = []
    for day, refs in by_day.items():
        shown = ", ".join(refs) if len(refs) <= 6 else f"{len(refs)} requirements"
        lines.append(f"from {day}: {shown}")
    if f.not_applicable:
        lines.append(f"not applicable to this product: {', '.join(f.not_applicable)}")
    return lines


def state_word(f: Finding, role: Actor = Actor.MANUFACTURER) -> str:
    """The finding's state, naming who it binds when `role` bears none of its duties:
    `binds the operator`, `upcoming, binds the importer and the distributor`."""
    if f.state not in (State.BINDS, State.UPCOMING) or f.binds_role(role):
        return f.state.value
    who = " and ".join(f"the {a.value.replace('-', ' ')}" for a in f.actors)
    return f"binds {who}" if f.state is State.BINDS else f"upcoming, binds {who}"


def answer_text(a: Answer, role: Actor = Actor.MANUFACTURER) -> str:
    """The answer as plain text for a terminal: one block per market, binding first; a
    binding or upcoming instrument of which `role` bears no duty names who it binds."""
    features = ", ".join(sorted(a.features | a.implied)) or "none"
    out = [f"{a.category} on {a.on} (features: {features})"]
    order = [s for states in GROUPS.values() for s in states]
    for m in a.markets:
        out += ["", f"{m.market.id}: {m.market.title}"]
        if not m.findings:
            out.append("  no instrument in the catalog for this market")
        for f in sorted(m.findings, key=lambda f: (order.index(f.state), f.instrument.key)):
            head = f"  {state_word(f, role):<12} {f.instrument.key}: {f.reason}"
            out.append(head)
            if f.state not in (State.BINDS, State.UPCOMING, State.VOLUNTARY):
                continue
            pad = " " * 15
            if f.product_class is not None:
                out.append(f"{pad}class: {f.product_class.title}")
            if f.state is not State.VOLUNTARY:
                out += [pad + line for line in _obligation_lines(f)]
            if f.routes:
                out.append(f"{pad}routes: {', '.join(r.id for r in f.routes)}")
            for e in f.recognitions:
                extra = f" ({len(e.restrictions)} restrictions)" if e.restrictions else ""
                kind = e.kind.value.replace("-", " ")
                out.append(f"{pad}{kind} from {e.origin}: {edge_label(e)}{extra}")
            for e in f.grants:
                until = f" until {e.valid_until}" if e.valid_until else ""
                kind = e.kind.value.replace("-", " ")
                out.append(f"{pad}gives {kind} in {e.target}: {edge_label(e)}{until}")
    return "\n".join(out) + "\n"
