"""A label's stored row beside what the transparency log says of it: the server's own
check on the consumer page reads the label's status from the log (its latest event about
the registration, and the entry of the label served, each proven included in the latest
signed tree head from the stored subtree hashes), and names every way the row differs
(a row changed behind the registry's back).

The entries about a registration are found through the log's index of subjects (a
look-up, `SqlLogStore.about`), and every one of them is read as stored, must name the
registration and is proven included in the signed head from its record's text hashed
anew: a record edited behind the registry's back (its status, its subject, anything)
fails its proof, and the page says the log's entries do not check out. The index cannot
show that it lists every entry: a row of it removed (past its triggers) hides an entry
from the page; the whole log's check, `prodsec log verify`, names that.
"""

from __future__ import annotations

from sqlalchemy.orm import Session
from typing_extensions import TypedDict

from prodsec.errors import ConflictError, VerificationError
from prodsec.registry.signing import LabelRecord, StatusHook, Verdict
from prodsec.registry.status import LogStatus, Standing, judged, proven_from
from prodsec.registry.verify import signed_by
from prodsec.store.audit import SYSTEM
from prodsec.store.keys import SqlKeyStore
from prodsec.store.log import SqlLogStore
from prodsec.store.models import RegistryLabel


class LogCheck(TypedDict):
    """The label in the registry's transparency log, beside its stored row."""

    tree_size: int | None
    """The latest signed tree head's size (None: the log has none)."""
    entry: int | None
    """The entry of the label this server gives (None: not in the log)."""
    last_entry: int | None
    """The latest entry about the registration."""
    status: str | None
    """The status that entry gives: active, suspended, withdrawn or revoked."""
    valid_until: str | None
    agrees: bool
    """Whether the stored row says what the log says."""
    disagreements: list[str]


def _no(size: int | None, why: str) -> tuple[StatusHook, LogCheck]:
    def hook(record: LabelRecord, on: object) -> tuple[Verdict, str]:
        return Verdict.NOT_LOGGED, why

    check: LogCheck = {
        "tree_size": size,
        "entry": None,
        "last_entry": None,
        "status": None,
        "valid_until": None,
        "agrees": False,
        "disagreements": [why],
    }
    return hook, check


def log_check(session: Session, label: RegistryLabel) -> tuple[StatusHook, LogCheck]:
    """The status hook that reads the label's standing from the stored log, and how the
    row compares with it."""
    store = SqlLogStore.within(session)
    head = store.head(None)
    if head is None:
        return _no(None, "the registry's log has no signed tree head")
    problem = signed_by(SqlKeyStore(session, SYSTEM).published())(head)
    if problem is not None:
        return _no(head.size, f"the log's tree head of size {head.size}: {problem}")
    about = store.about(label.registration, head.size)
    status = LogStatus(label.signed, about, head, proven_from(store, head))
    try:
        found = status.standing(label.registration)
    except (VerificationError, ConflictError) as exc:
        return _no(head.size, f"the log's entries about it do not check out: {exc}")
    if found is None:
        return _no(head.size, f"the log's tree head of size {head.size} holds no event about it")
    verdict = judged(found, head.size)

    def hook(record: LabelRecord, on: object) -> tuple[Verdict, str]:
        return verdict

    differences = _differences(label, found)
    return hook, {
        "tree_size": head.size,
        "entry": found.own,
        "last_entry": found.last,
        "status": str(found.payload.get("status")),
        "valid_until": str(found.payload.get("valid_until")),
        "agrees": not differences,
        "disagreements": differences,
    }


def _differences(label: RegistryLabel, found: Standing) -> list[str]:
    """Each way the row says something else than the log's latest entry about it."""
    payload, last = found.payload, found.last
    said: list[str] = []
    if found.own is None:
        said.append("the signed label this server gives is in no entry of the log")
    elif found.own != last:
        said.append(f"the signed label this server gives is of entry {found.own}, not the latest")
    if label.status != payload.get("status"):
        said.append(
            f"the records say {label.status}, the log says {payload.get('status')} (entry {last})"
        )
    if label.valid_until.isoformat() != payload.get("valid_until"):
        said.append(
            f"the records say valid until {label.valid_until.isoformat()}, the log says "
            f"{payload.get('valid_until')} (entry {last})"
        )
    if label.reason != (payload.get("reason") or ""):
        said.append(
            f"the records give the reason '{label.reason}', the log '{payload.get('reason')}' "
            f"(entry {last})"
        )
    return said
