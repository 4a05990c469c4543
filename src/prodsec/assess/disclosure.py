"""The vulnerability-disclosure block judged from the manufacturer's own texts instead of
a bare claim: a profile whose `disclosure` names a security.txt and/or a policy gets a
claim for `vulnerability-disclosure-policy` derived from them, with the evidence lines
(file:line and what shows there) and a note saying so. The adapters call
`with_disclosure` right after loading a profile; the engine is unchanged.

Met when every text given publishes a contact: the security.txt is valid (no error on
the day judged) and has a Contact, the policy names a contact. The parameters come from
the policy (acknowledgement and status-update days, `response_timelines` when both are
given with a time, its language) and else the security.txt's Preferred-Languages."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from prodsec.assess.profile import BlockClaim, Disclosure, Profile, ProfileError
from prodsec.catalog import limits
from prodsec.errors import Issue
from prodsec.supplychain.cvd import policy as policies
from prodsec.supplychain.cvd.securitytxt import check

BLOCK = "vulnerability-disclosure-policy"
LANGUAGES = {
    "en": "English", "de": "German", "fr": "French", "nl": "Dutch", "es": "Spanish",
    "it": "Italian", "ja": "Japanese", "ko": "Korean", "zh": "Chinese",
}  # fmt: skip
SHOWN = ("contact", "acknowledgement", "status-updates", "timelines", "language")


@dataclasses.dataclass(slots=True)
class _Judged:
    met: bool = True
    evidence: list[str] = dataclasses.field(default_factory=list)
    why: list[str] = dataclasses.field(default_factory=list)
    parameters: dict[str, bool | int | str] = dataclasses.field(default_factory=dict)


def with_disclosure(profile: Profile, source: Path, on: dt.date) -> Profile:
    """`profile` (read from `source`) with its disclosure block's claim derived from the
    texts its `disclosure` names, judged on `on`; the profile as it is when it names none.
    ProfileError when a named text cannot be read."""
    given = profile.disclosure
    if given is None or not (given.security_txt or given.policy):
        return profile
    judged = _Judged()
    if given.security_txt:
        _security_txt(judged, _read(source, given, "security_txt"), given.security_txt, on)
    if given.policy:
        name = given.policy
        reading = policies.read_policy(_read(source, given, "policy"), name)
        _policy(judged, reading, name)
    names = " and ".join(n for n in (given.security_txt, given.policy) if n)
    note = f"derived from {names}"
    if profile.claim(BLOCK) is not None:
        note += "; replaces the profile's own claim for this block"
    if judged.why:
        note += "; not met: " + "; ".join(judged.why)
    claim = BlockClaim(
        BLOCK,
        judged.met,
        dict(judged.parameters) or None,
        tuple(_cut(e, limits.TEXT_LENGTH) for e in judged.evidence[: limits.MAX_EVIDENCE]),
        _cut(note, limits.NOTE_LENGTH),
    )
    claims = (*(c for c in profile.claims if c.block != BLOCK), claim)
    return dataclasses.replace(profile, claims=claims)


def _read(source: Path, given: Disclosure, field: str) -> bytes:
    name = given.security_txt if field == "security_txt" else given.policy
    path = source.parent / name
    limit = limits.SECURITY_TXT_BYTES if field == "security_txt" else limits.POLICY_BYTES
    try:
        with path.open("rb") as fh:
            return fh.read(limit + 1)
    except OSError as exc:
        message = f"cannot read {name}: {exc.strerror}"
        raise ProfileError([Issue(str(source), 0, f"disclosure.{field}", message)]) from None


def _security_txt(judged: _Judged, data: bytes, name: str, on: dt.date) -> None:
    checked = check(data, dt.datetime.combine(on, dt.time(), dt.UTC))
    contacts = checked.values("contact")
    judged.evidence += [f"{name}:{c.line}: Contact: {c.value}" for c in contacts]
    for p in checked.errors():
        place = f"{name}:{p.line}" if p.line else name
        judged.evidence.append(f"{place}: {p.code.value}: {p.message}")
    if not checked.valid or not contacts:
        judged.met = False
        judged.why.append(f"{name} is not a valid security.txt with a Contact on {on}")
    for f in checked.values("preferred-languages"):
        first = f.value.split(",")[0].strip().lower().split("-")[0]
        if first in LANGUAGES:
            judged.parameters.setdefault("language", LANGUAGES[first])


def _policy(judged: _Judged, reading: policies.PolicyReading, name: str) -> None:
    for element in SHOWN:
        f = reading.finding(element)
        where = f"{name}:{f.line}" if f.line else name
        said = f.sentence if f.line else "not found"
        judged.evidence.append(f"{where}: {element} ({f.state.value}): {said}")
    contact = reading.finding("contact")
    if contact.state is not policies.State.PRESENT:
        judged.met = False
        judged.why.append(f"{name} names no reporting contact")
    ack, status = reading.finding("acknowledgement"), reading.finding("status-updates")
    if ack.days is not None:
        judged.parameters["acknowledgement_days"] = ack.days
    if status.days is not None:
        judged.parameters["status_update_days"] = status.days
    judged.parameters["response_timelines"] = ack.days is not None and status.days is not None
    language = policies.language(reading)
    if language is not None:
        judged.parameters["language"] = language


def _cut(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
