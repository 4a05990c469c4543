"""An assessment as JSON (its public shape, a TypedDict shared by the CLI and the REST API:
decision 0010), plain text, Markdown or a standalone HTML page."""

from __future__ import annotations

import html
from typing import NotRequired

from typing_extensions import TypedDict

from prodsec.assess.applicability import State
from prodsec.assess.verdicts import (
    Assessment,
    Eligibility,
    Excepted,
    InstrumentResult,
    Judged,
    LabelResult,
    Verdict,
)
from prodsec.catalog.model import Requirement
from prodsec.catalog.views import TriggerPublic, trigger_text, trigger_view
from prodsec.catalog.vocab import Actor

SHOWN = (Verdict.NOT_MET, Verdict.PARTIALLY_MET, Verdict.UNKNOWN)


class BlockVerdictPublic(TypedDict):
    block: str
    verdict: str


class JudgedPublic(TypedDict):
    """The verdict on one requirement, with why; `trigger` for a duty set off by an event."""

    ref: str
    verdict: str
    reasons: list[str]
    applies_from: str | None
    in_effect: bool
    blocks: list[BlockVerdictPublic]
    edge: str | None
    trigger: NotRequired[TriggerPublic | None]
    """(Not in assessments stored before it was added.)"""


class OtherDutyPublic(TypedDict):
    """An obligation only other actors bear: listed, not judged."""

    ref: str
    title: str
    actors: list[str]


class InstrumentResultPublic(TypedDict):
    instrument: str
    title: str
    state: str
    markets: list[str]
    standing: str
    reason: str
    product_class: str | None
    routes: list[str]
    counts: dict[str, int]
    requirements: list[JudgedPublic]
    other_actors: NotRequired[list[OtherDutyPublic]]
    """(Not in assessments stored before it was added.)"""


class ProductNamePublic(TypedDict):
    manufacturer: str
    model: str
    version: str | None
    category: str


class LabelStatusPublic(TypedDict):
    """Whether the product is eligible for a label level, and what it lacks."""

    scheme: str
    level: str
    status: str
    reasons: list[str]
    missing: list[str]
    unknown: list[str]
    others: NotRequired[list[str]]
    """The level's requirements other actors bear (a lab's test); only when there are any."""


class ExceptedPublic(TypedDict):
    """An instrument that would bind in the markets but excepts the product."""

    instrument: str
    markets: list[str]
    reason: str
    source: str


class AssessmentPublic(TypedDict):
    product: ProductNamePublic
    role: NotRequired[str]
    """Whose duties were judged. (Not in assessments stored before it was added.)"""
    on: str
    markets: list[str]
    all_binding_met: bool
    instruments: list[InstrumentResultPublic]
    labels: list[LabelStatusPublic]
    notes: list[str]
    excepted: NotRequired[list[ExceptedPublic]]
    """(Not in assessments stored before it was added.)"""


def _judged(j: Judged) -> JudgedPublic:
    return {
        "ref": j.ref,
        "verdict": j.verdict.value,
        "reasons": list(j.reasons),
        "applies_from": None if j.applies_from is None else j.applies_from.isoformat(),
        "in_effect": j.in_effect,
        "blocks": [{"block": b.block, "verdict": b.verdict.value} for b in j.blocks],
        "edge": j.edge,
        "trigger": trigger_view(j.trigger),
    }


def _instrument(r: InstrumentResult) -> InstrumentResultPublic:
    return {
        "instrument": r.instrument.key,
        "title": r.instrument.short_title or r.instrument.title,
        "state": r.state.value,
        "markets": list(r.markets),
        "standing": r.standing.value,
        "reason": r.reason,
        "product_class": r.product_class,
        "routes": list(r.routes),
        "counts": {v.value: r.count(v) for v in Verdict if r.count(v)},
        "requirements": [_judged(j) for j in r.requirements],
        "other_actors": [
            {"ref": q.ref, "title": q.title, "actors": [a.value for a in q.actors]}
            for q in r.others
        ],
    }


def assessment_view(a: Assessment) -> AssessmentPublic:
    p = a.profile
    return {
        "product": {
            "manufacturer": p.manufacturer,
            "model": p.model,
            "version": p.version,
            "category": p.category,
        },
        "role": a.role.value,
        "on": a.on.isoformat(),
        "markets": list(a.markets),
        "all_binding_met": a.all_binding_met,
        "instruments": [_instrument(r) for r in a.instruments],
        "labels": [_label(lb) for lb in a.labels],
        "notes": list(a.notes),
        "excepted": [
            {
                "instrument": x.instrument.key,
                "markets": list(x.markets),
                "reason": x.reason,
                "source": x.source,
            }
            for x in a.excepted
        ],
    }


def _headline(a: Assessment) -> str:
    p = a.profile
    verdict = (
        "every binding instrument met" if a.all_binding_met else "not every binding instrument met"
    )
    role = "" if a.role is Actor.MANUFACTURER else f" as {a.role.value}"
    return (
        f"{p.manufacturer} {p.model} ({p.category}) in {', '.join(a.markets)} on {a.on}"
        f"{role}: {verdict}"
    )


def _label(lb: LabelResult) -> LabelStatusPublic:
    found: LabelStatusPublic = {
        "scheme": lb.scheme.key,
        "level": lb.level.id,
        "status": lb.status.value,
        "reasons": list(lb.reasons),
        "missing": list(lb.missing),
        "unknown": list(lb.unknown),
    }
    if lb.others:
        found["others"] = list(lb.others)
    return found


def _label_why(lb: LabelResult) -> str:
    """A label level's reasons, what it lacks, and what other actors bear."""
    why = "; ".join(lb.reasons)
    if lb.missing:
        why += f"; not met: {', '.join(lb.missing)}"
    if lb.unknown and lb.status in (Eligibility.NOT_ELIGIBLE, Eligibility.UNKNOWN):
        why += f"; no evidence for: {', '.join(lb.unknown)}"
    if lb.others:
        why += f"; other actors: {', '.join(lb.others)}"
    return why


def _others(others: tuple[Requirement, ...]) -> list[str]:
    """Other actors' obligations grouped by who bears them: `importer, distributor: Duties-2`."""
    groups: dict[str, list[str]] = {}
    for q in others:
        groups.setdefault(", ".join(a.value for a in q.actors), []).append(q.ref)
    lines = []
    for who, refs in groups.items():
        shown = ", ".join(refs[:6]) + (f" and {len(refs) - 6} more" if len(refs) > 6 else "")
        lines.append(f"{who}: {shown}")
    return lines


def _excepted_line(x: Excepted) -> str:
    source = f" ({x.source})" if x.source else ""
    return f"{x.instrument.key} [{', '.join(x.markets)}]: {x.reason}{source}"


def _count_line(r: InstrumentResult) -> str:
    return ", ".join(f"{r.count(v)} {v.value}" for v in Verdict if r.count(v))


def _upcoming(r: InstrumentResult) -> str:
    """An upcoming instrument in one line: when it binds, its obligations, how many have a
    claim or credit behind them (JSON keeps every verdict)."""
    owed = [j for j in r.requirements if j.verdict is not Verdict.NOT_APPLICABLE]
    days = sorted({j.applies_from for j in owed if j.applies_from is not None})
    when = f" from {days[0]}" if days else ""
    if len(days) > 1:
        when += f" (all from {days[-1]})"
    claimed = sum(j.verdict is not Verdict.UNKNOWN for j in owed)
    name = r.instrument.short_title or r.instrument.key
    return (
        f"{'upcoming':<14} {name} ({r.instrument.key}) binds{when} in {', '.join(r.markets)}: "
        f"{len(owed)} obligations, {claimed} claimed"
    )


def assessment_text(a: Assessment) -> str:
    out = [_headline(a), ""]
    for x in a.excepted:
        out.append(f"{'excepted':<14} {_excepted_line(x)}")
    for r in a.instruments:
        if r.state is State.UPCOMING:
            out.append(_upcoming(r))
            continue
        route = f"; routes: {', '.join(r.routes)}" if r.routes else ""
        cls = f"; class {r.product_class}" if r.product_class else ""
        where = f"[{r.state.value} in {', '.join(r.markets)}]"
        out.append(f"{r.standing.value:<14} {r.instrument.key} {where}{cls}{route}")
        out.append(f"{'':15}{_count_line(r)}")
        for j in r.requirements:
            later = "" if j.in_effect else f" (from {j.applies_from})"
            if j.trigger is not None:
                out.append(
                    f"{'':15}{'event duty':<14} {j.ref}{later} ({trigger_text(j.trigger)}): "
                    f"{j.verdict.value}: {'; '.join(j.reasons)}"
                )
            elif j.verdict in SHOWN:
                out.append(f"{'':15}{j.verdict.value:<14} {j.ref}{later}: {'; '.join(j.reasons)}")
        out += [f"{'':15}{'other actors':<14} {line}" for line in _others(r.others)]
    if a.labels:
        out += ["", "labels:"]
        for lb in a.labels:
            out.append(f"  {lb.status.value:<29} {lb.scheme.id} {lb.level.id}: {_label_why(lb)}")
    for note in a.notes:
        out.append(f"note: {note}")
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def assessment_markdown(a: Assessment) -> str:
    out = [f"# {_md(_headline(a))}", ""]
    out += ["| instrument | in | standing | route | requirements |", "|---|---|---|---|---|"]
    for r in a.instruments:
        out.append(
            f"| {r.instrument.key} | {', '.join(r.markets)} ({r.state.value}) | {r.standing.value} "
            f"| {', '.join(r.routes)} | {_count_line(r)} |"
        )
    if a.excepted:
        out += ["", "## Excepted", "", "| instrument | in | exception |", "|---|---|---|"]
        for x in a.excepted:
            source = f" ({x.source})" if x.source else ""
            out.append(
                f"| {x.instrument.key} | {', '.join(x.markets)} | {_md(x.reason + source)} |"
            )
    for r in a.instruments:
        gaps = [j for j in r.requirements if j.verdict in SHOWN and j.trigger is None]
        duties = [j for j in r.requirements if j.trigger is not None]
        if not gaps and not duties and not r.others:
            continue
        out += ["", f"## {r.instrument.key}: {r.standing.value}"]
        if gaps:
            out += ["", "| ref | verdict | why |", "|---|---|---|"]
            out += [f"| {j.ref} | {j.verdict.value} | {_md('; '.join(j.reasons))} |" for j in gaps]
        if duties:
            out += [
                "",
                "Event duties:",
                "",
                "| ref | trigger | deadline | verdict | why |",
                "|---|---|---|---|---|",
            ]
            out += [
                f"| {j.ref} | {j.trigger.event.value} | {_md(j.trigger.deadline)} "
                f"| {j.verdict.value} | {_md('; '.join(j.reasons))} |"
                for j in duties
                if j.trigger is not None
            ]
        if r.others:
            out += ["", "Duties of other actors:", "", "| ref | borne by |", "|---|---|"]
            out += [f"| {q.ref} | {', '.join(a.value for a in q.actors)} |" for q in r.others]
    if a.labels:
        out += ["", "## Labels", "", "| scheme | level | status | why |", "|---|---|---|---|"]
        for lb in a.labels:
            why = "; ".join(lb.reasons) + (
                f"; not met: {', '.join(lb.missing)}" if lb.missing else ""
            )
            why += f"; other actors: {', '.join(lb.others)}" if lb.others else ""
            out.append(f"| {lb.scheme.id} | {lb.level.id} | {lb.status.value} | {_md(why)} |")
    return "\n".join(out) + "\n"


def assessment_html(a: Assessment) -> str:
    """A standalone, readable page: headings, tables with header cells, no script."""
    e = html.escape
    rows = "".join(
        f"<tr><th scope='row'>{e(r.instrument.key)}</th><td>{e(', '.join(r.markets))} "
        f"({e(r.state.value)})</td><td class='{e(r.standing.value)}'>{e(r.standing.value)}</td>"
        f"<td>{e(', '.join(r.routes))}</td><td>{e(_count_line(r))}</td></tr>"
        for r in a.instruments
    )
    details = ""
    if a.excepted:
        items = "".join(
            f"<tr><th scope='row'>{e(x.instrument.key)}</th><td>{e(', '.join(x.markets))}</td>"
            f"<td>{e(x.reason)}</td><td>{e(x.source)}</td></tr>"
            for x in a.excepted
        )
        details += (
            "<section><h2>Excepted</h2><table><thead><tr><th scope='col'>Instrument</th>"
            "<th scope='col'>Where</th><th scope='col'>Exception</th><th scope='col'>Source</th>"
            f"</tr></thead><tbody>{items}</tbody></table></section>"
        )
    for r in a.instruments:
        items = "".join(
            f"<tr><th scope='row'>{e(j.ref)}</th><td>{e(j.verdict.value)}</td>"
            f"<td>{e('' if j.trigger is None else trigger_text(j.trigger))}</td>"
            f"<td>{e('; '.join(j.reasons))}</td></tr>"
            for j in r.requirements
        )
        others = "".join(
            f"<tr><th scope='row'>{e(q.ref)}</th><td>{e(q.title)}</td>"
            f"<td>{e(', '.join(a.value for a in q.actors))}</td></tr>"
            for q in r.others
        )
        if others:
            others = (
                "<table><caption>Duties of other actors</caption><thead><tr>"
                "<th scope='col'>Requirement</th><th scope='col'>Title</th>"
                f"<th scope='col'>Borne by</th></tr></thead><tbody>{others}</tbody></table>"
            )
        details += (
            f"<section><h2>{e(r.instrument.key)}: {e(r.standing.value)}</h2>"
            f"<table><thead><tr><th scope='col'>Requirement</th><th scope='col'>Verdict</th>"
            f"<th scope='col'>Event duty</th><th scope='col'>Why</th></tr></thead>"
            f"<tbody>{items}</tbody></table>{others}</section>"
        )
    labels = "".join(
        f"<tr><th scope='row'>{e(lb.scheme.id)} {e(lb.level.id)}</th><td>{e(lb.status.value)}</td>"
        f"<td>{e('; '.join(lb.reasons))}</td></tr>"
        for lb in a.labels
    )
    title = e(_headline(a))
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title><style>body{{font-family:sans-serif;margin:2rem}}"
        "table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #999;"
        "padding:.3rem .5rem;text-align:left;vertical-align:top}.compliant{color:#1b5e20}"
        ".not-compliant{color:#b71c1c}.incomplete{color:#6d4c00}</style></head><body>"
        f"<main><h1>{title}</h1><table><caption>Instruments</caption><thead><tr>"
        "<th scope='col'>Instrument</th><th scope='col'>Where</th><th scope='col'>Standing</th>"
        "<th scope='col'>Routes</th><th scope='col'>Requirements</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>{details}"
        "<section><h2>Labels</h2><table><thead><tr><th scope='col'>Scheme and level</th>"
        "<th scope='col'>Status</th><th scope='col'>Why</th></tr></thead>"
        f"<tbody>{labels}</tbody></table></section></main></body></html>\n"
    )
