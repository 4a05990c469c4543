"""The audit log: who created, changed, deleted, assessed or signed in, when and from where.

Entries are only added: this module has no update or delete path, and the database
refuses both (triggers of migration 0005). An entry is written in the session of the
change it records, so it commits or rolls back with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from typing_extensions import TypedDict

from prodsec.errors import BadInputError
from prodsec.store.models import AuditEntry, User


class Action(StrEnum):
    CREATED = "created"
    CHANGED = "changed"
    DELETED = "deleted"
    ASSESSED = "assessed"
    SIGNED_IN = "signed-in"
    SIGN_IN_FAILED = "sign-in-failed"
    TOKEN_CREATED = "token-created"
    TOKEN_REVOKED = "token-revoked"
    USER_ADDED = "user-added"
    USER_REMOVED = "user-removed"
    PASSWORD_CHANGED = "password-changed"
    # --- regsign: signing keys ---
    KEY_CREATED = "key-created"
    KEY_ROTATED = "key-rotated"
    # --- regflow: the registry's workflow ---
    ROLE_GRANTED = "role-granted"
    APPLIED = "applied"
    EVIDENCE_ADDED = "evidence-added"
    REVIEWED = "reviewed"
    ISSUED = "issued"
    REFUSED = "refused"
    LABEL_CHANGED = "label-changed"
    # --- lead: reporting clocks ---
    INCIDENT_RECORDED = "incident-recorded"
    INCIDENT_CHANGED = "incident-changed"
    REPORT_SENT = "report-sent"
    # --- lead: proposals and review ---
    EDITOR_GRANTED = "editor-granted"
    PROPOSED = "proposed"
    PROPOSAL_REVISED = "proposal-revised"
    PROPOSAL_DECIDED = "proposal-decided"
    COMMENTED = "commented"
    WATCHED = "watched"
    UNWATCHED = "unwatched"
    REASSESSED = "reassessed"


class Target(NamedTuple):
    """What an entry is about: a kind (`product`, `user`, ...) and its id (or email)."""

    kind: str
    ident: str


@dataclass(frozen=True, slots=True)
class Actor:
    """Who changes something and from where: a user's id and email at the time, or a name
    (`cli`, `system`) without an id; `client` is the address a request came from, or
    `cli`."""

    name: str
    client: str
    user_id: str | None = None

    @classmethod
    def of(cls, user: User, client: str) -> Actor:
        return cls(user.email, client, user.id)


CLI = Actor("cli", "cli")
"""The command line of the server's machine."""
SYSTEM = Actor("system", "system")
"""The server itself (loading the demo products)."""


def record(
    session: Session,
    actor: Actor | User | str,
    action: Action,
    target: Target,
    client: str,
    detail: Mapping[str, object] | None = None,
    *,
    organisation: str | None = None,
) -> AuditEntry:
    """Add one entry: `actor` is an `Actor`, a `User`, or a name (`cli`, or the email a
    failed sign-in gave); `organisation` the id of the organisation whose data it touched."""
    match actor:
        case Actor():
            name, user_id = actor.name, actor.user_id
        case User():
            name, user_id = actor.email, actor.id
        case str():
            name, user_id = actor, None
    entry = AuditEntry(
        at=dt.datetime.now(dt.UTC),
        actor_id=user_id,
        actor=name[:320],
        action=action.value,
        target_kind=target.kind,
        target_id=target.ident[:320],
        organisation_id=organisation,
        client=client[:100],
        detail=dict(detail or {}),
    )
    session.add(entry)
    return entry


class AuditEntryPublic(TypedDict):
    """One entry of the audit log, as the API and `prodsec db audit` give it."""

    id: int
    at: str
    actor: str
    actor_id: str | None
    action: str
    target: str
    organisation_id: str | None
    client: str
    detail: dict[str, object]


def utc(moment: dt.datetime) -> dt.datetime:
    """A stored moment in UTC (SQLite gives it back without a zone: it is UTC)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def entry_view(entry: AuditEntry) -> AuditEntryPublic:
    return {
        "id": entry.id,
        "at": utc(entry.at).isoformat(),
        "actor": entry.actor,
        "actor_id": entry.actor_id,
        "action": entry.action,
        "target": f"{entry.target_kind}:{entry.target_id}",
        "organisation_id": entry.organisation_id,
        "client": entry.client,
        "detail": entry.detail,
    }


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which entries to read: by actor (email or name), action, target (`kind` or
    `kind:id`), and at or after `since`."""

    actor: str | None = None
    action: str | None = None
    target: str | None = None
    since: dt.datetime | None = None

    def narrow(self, query: Select[Any]) -> Select[Any]:
        if self.actor is not None:
            query = query.where(AuditEntry.actor == self.actor)
        if self.action is not None:
            if self.action not in set(Action):
                known = ", ".join(a.value for a in Action)
                raise BadInputError(f"'{self.action}' is not one of {known}", field="action")
            query = query.where(AuditEntry.action == self.action)
        if self.target is not None:
            kind, _, ident = self.target.partition(":")
            query = query.where(AuditEntry.target_kind == kind)
            if ident:
                query = query.where(AuditEntry.target_id == ident)
        if self.since is not None:
            since = self.since if self.since.tzinfo else self.since.replace(tzinfo=dt.UTC)
            query = query.where(AuditEntry.at >= since)
        return query


def entries(
    session: Session, chosen: AuditFilter, offset: int = 0, limit: int = 50
) -> tuple[list[AuditEntry], int]:
    """One page of the entries chosen, newest first, and how many there are."""
    total = session.scalar(chosen.narrow(select(func.count(AuditEntry.id)))) or 0
    rows = session.scalars(
        chosen.narrow(select(AuditEntry)).order_by(AuditEntry.id.desc()).offset(offset).limit(limit)
    )
    return list(rows), total


def every_entry(session: Session, chosen: AuditFilter) -> Iterator[AuditEntry]:
    """The entries chosen, oldest first (for an export)."""
    yield from session.scalars(
        chosen.narrow(select(AuditEntry)).order_by(AuditEntry.id).execution_options(yield_per=500)
    )
