"""Drafts of the reports a clock asks for: what the report must contain, filled in from
what the manufacturer recorded, in JSON and Markdown, ready to paste into the authority's
form (for the CRA, the single reporting platform) or to send to users.

What each report must contain is read from the reference notes on CRA Article 14
(regimes-addendum-eu-uk-au.md, rows 14(1) to 14(8), secondary); the final incident
report's items are read from the Regulation's Article 14(4)(c) and are unverified against
the notes, which give only "final report". A duty of another regime, or a step the table
does not know, gets the general items.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from typing_extensions import TypedDict

from prodsec.catalog.vocab import TriggerEvent
from prodsec.supplychain.cvd.clocks import Clock


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    asks: str


MEMBER_STATES = Item(
    "member_states", "Member States where the product is made available, as far as known"
)
MEASURES = Item("measures_taken", "Corrective or mitigating measures taken")
USER_MEASURES = Item("user_measures", "Corrective or mitigating measures users can take")
SENSITIVITY = Item("sensitivity", "How sensitive the manufacturer deems the information")
EXPLOITED = TriggerEvent.EXPLOITED_VULNERABILITY
INCIDENT = TriggerEvent.SEVERE_INCIDENT

CONTENT: Mapping[tuple[str, str, TriggerEvent], tuple[Item, ...]] = {
    ("eu-cra", "early-warning", EXPLOITED): (MEMBER_STATES,),
    ("eu-cra", "notification", EXPLOITED): (
        Item("product", "General information on the product concerned"),
        Item("exploit", "The general nature of the exploit"),
        Item("vulnerability", "The general nature of the vulnerability"),
        MEASURES,
        USER_MEASURES,
        SENSITIVITY,
    ),
    ("eu-cra", "final-report", EXPLOITED): (
        Item("description", "A description of the vulnerability, with its severity and impact"),
        Item("actor", "Information on any malicious actor exploiting it, where available"),
        Item("fix", "Details of the security update or other corrective measures made available"),
    ),
    ("eu-cra", "early-warning", INCIDENT): (
        Item(
            "malicious",
            "Whether the incident is suspected to be caused by unlawful or malicious acts",
        ),
        MEMBER_STATES,
    ),
    ("eu-cra", "notification", INCIDENT): (
        Item("nature", "The general nature of the incident"),
        Item("assessment", "An initial assessment of the incident"),
        MEASURES,
        USER_MEASURES,
        SENSITIVITY,
    ),
    ("eu-cra", "final-report", INCIDENT): (
        Item("description", "A detailed description of the incident, with its severity and impact"),
        Item("cause", "The type of threat or root cause that likely set it off"),
        Item("mitigation", "Mitigation measures applied and ongoing"),
    ),
    ("eu-cra", "report", EXPLOITED): (
        Item("what", "What the vulnerability is, in words users understand"),
        USER_MEASURES,
        Item("fix", "Whether and when an update fixes it, and how to get it"),
    ),
    ("eu-cra", "report", INCIDENT): (
        Item("what", "What happened, in words users understand"),
        USER_MEASURES,
    ),
}
GENERAL = (
    Item("what", "What happened or was found"),
    Item("product", "The product and versions concerned"),
    MEASURES,
    Item("contact", "Who to contact about it"),
)
# Who receives each regime's reports (reference: CRA 14(1) and 14(8); PSTI Duties-1).
TO_USERS = (
    "the users affected (and all users where fitting), in a machine-readable form where fitting"
)
TO_CSIRT = (
    "the CSIRT designated as coordinator and ENISA at once, through the single reporting platform"
)
RECIPIENTS: Mapping[tuple[str, str], str] = {
    ("eu-cra", "report"): TO_USERS,
    ("eu-cra", ""): TO_CSIRT,
    ("uk-psti", ""): "the enforcement authority (and the other economic operators concerned)",
}


class DraftItem(TypedDict):
    id: str
    asks: str
    answer: str | None


class Draft(TypedDict):
    report: str
    duty: str
    step: str
    to: str
    due: str | None
    period: str
    product: dict[str, str]
    items: list[DraftItem]
    missing: list[str]


def items_for(instrument: str, step: str, event: TriggerEvent) -> tuple[Item, ...]:
    return CONTENT.get((instrument.partition("@")[0], step, event), GENERAL)


def recipient(instrument: str, step: str) -> str:
    ident = instrument.partition("@")[0]
    return RECIPIENTS.get((ident, step)) or RECIPIENTS.get(
        (ident, ""), "the authority the duty names"
    )


def draft(
    clock: Clock,
    event: TriggerEvent,
    product: Mapping[str, str],
    facts: Mapping[str, str],
) -> Draft:
    """The report a clock asks for, filled in from `facts` (answers by item id)."""
    step = clock.step
    items: list[DraftItem] = [
        {"id": i.id, "asks": i.asks, "answer": facts.get(i.id) or None}
        for i in items_for(step.instrument, step.step, event)
    ]
    return {
        "report": step.title,
        "duty": step.requirement,
        "step": step.step,
        "to": recipient(step.instrument, step.step),
        "due": _utc(clock.due),
        "period": step.period,
        "product": dict(product),
        "items": items,
        "missing": [i["id"] for i in items if i["answer"] is None],
    }


def _utc(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def markdown(drafts: Sequence[Draft]) -> str:
    """The drafts as Markdown: one section per report, every item with its answer or a
    visible gap."""
    out: list[str] = []
    for d in drafts:
        out.append(f"## {d['report']} ({d['duty']})")
        out.append("")
        out.append(f"- To: {d['to']}")
        out.append(f"- Due: {d['due'] or 'no fixed time'} ({d['period']})")
        out.append("- Product: " + ", ".join(f"{k} {v}" for k, v in d["product"].items()))
        out.append("")
        for item in d["items"]:
            out.append(f"**{item['asks']}**")
            out.append("")
            out.append(item["answer"] or "_to be written_")
            out.append("")
    return "\n".join(out).rstrip() + "\n"
