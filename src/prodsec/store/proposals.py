"""Proposals to change the catalog, their review by editors, and comments.

A contributor (any signed-in user) proposes a change of one fact with its source; an
editor whose remit covers the fact (an instrument, a jurisdiction, or everything; granted
by an administrator) accepts it, rejects it or asks for changes, with reasons. Accepting
writes the patch (catalog/patches.py), checked by the catalog's loader first: a patch that
would break the catalog is refused and nothing changes. Every step is audited.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typing_extensions import TypedDict

from prodsec.catalog import Catalog, limits
from prodsec.catalog.history import RevisionView
from prodsec.catalog.load import PACKAGED
from prodsec.catalog.patches import EDITABLE, Edit, locate, make_patch, scalar, typed
from prodsec.crosswalk.published import Agreement, Row, agreement, mapping_fact
from prodsec.errors import (
    BadInputError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    TooManyRequestsError,
)
from prodsec.store.audit import Action, Actor, Target, record
from prodsec.store.models import Comment, EditorRole, ProposalRow, User

CITATION_LENGTH = 300
QUOTE_LENGTH = 500
"""A quoted passage is short: enough to show the words, never a copy of the text."""
RATIONALE_LENGTH = 5_000
COMMENT_LENGTH = 5_000
COMMENTS_PER_WINDOW = 5
COMMENT_WINDOW = dt.timedelta(minutes=10)
SCOPES = ("instrument", "jurisdiction", "all")
STATUSES = ("open", "changes-requested", "accepted", "rejected", "withdrawn")
DECISIONS = {"accept": "accepted", "reject": "rejected", "request-changes": "changes-requested"}
SUBJECT = re.compile(r"^(proposal:\d+|requirement:[^\s]+|mapping:[^\s]+|block:[^\s]+)$")


def _text(value: str, field: str, length: int, required: bool = True, lines: bool = True) -> str:
    problem = limits.plain_text_problem(value, length, lines=lines)
    if problem is None and required and not value.strip():
        problem = "must not be empty"
    if problem:
        raise BadInputError(problem, field=field)
    return value.strip()


def _url(value: str) -> str:
    text = _text(value, "source.url", limits.QUERY_VALUE_LENGTH, required=False, lines=False)
    if text and not re.match(r"^https://[^\s/]+(/\S*)?$", text):
        raise BadInputError("an https:// address", field="source.url")
    return text


# --- editors ----------------------------------------------------------------------------


def grant_editor(
    session: Session, catalog: Catalog, by: User, actor: Actor, email: str, kind: str, scope: str
) -> EditorRole:
    """An administrator makes a user an editor for an instrument, a jurisdiction or all."""
    if not by.is_admin:
        raise ForbiddenError("only an administrator grants editor roles")
    if kind not in SCOPES:
        raise BadInputError(f"one of {', '.join(SCOPES)}", field="scope_kind")
    if kind == "instrument":
        scope = catalog.instrument(scope).id
    elif kind == "jurisdiction":
        known = {j for i in catalog.instruments.values() for j in i.jurisdictions}
        if scope not in known:
            raise NotFoundError("jurisdiction", scope)
    else:
        scope = "*"
    user = session.scalars(select(User).where(User.email == email.strip().lower())).one_or_none()
    if user is None:
        raise NotFoundError("user", email)
    found = session.scalars(
        select(EditorRole).where(
            EditorRole.user_id == user.id, EditorRole.scope_kind == kind, EditorRole.scope == scope
        )
    ).one_or_none()
    if found is not None:
        raise ConflictError(f"{user.email} is already an editor for {kind} {scope}")
    row = EditorRole(user_id=user.id, scope_kind=kind, scope=scope, granted_by=actor.name)
    session.add(row)
    session.flush()
    record(
        session, actor, Action.EDITOR_GRANTED, Target("user", user.email), actor.client,
        {"scope_kind": kind, "scope": scope},
    )  # fmt: skip
    return row


def remit(session: Session, user: User) -> list[tuple[str, str]]:
    """What a user may review: (kind, scope) pairs; an administrator everything."""
    if user.is_admin:
        return [("all", "*")]
    rows = session.scalars(select(EditorRole).where(EditorRole.user_id == user.id))
    return [(r.scope_kind, r.scope) for r in rows]


def covers(pairs: Sequence[tuple[str, str]], proposal: ProposalRow) -> bool:
    for kind, scope in pairs:
        if kind == "all":
            return True
        if kind == "instrument" and any(i.partition("@")[0] == scope for i in proposal.instruments):
            return True
        if kind == "jurisdiction" and scope in proposal.jurisdictions:
            return True
    return False


# --- proposals --------------------------------------------------------------------------


def _concerns(catalog: Catalog, key: str) -> tuple[list[str], list[str]]:
    """The editions a fact concerns, and their jurisdictions."""
    kind, _, rest = key.partition(":")
    if kind in ("requirement", "date", "edition", "mapping"):
        editions = [rest.partition(":")[0]]
    elif kind == "edge":
        edge = next((e for e in catalog.recognitions if e.id == rest), None)
        editions = [edge.origin, edge.target] if edge else []
    else:
        editions = []
    keys, where = [], []
    for spec in editions:
        inst = catalog.instrument(spec)
        keys.append(inst.key)
        where += [j for j in inst.jurisdictions if j not in where]
    return keys, where


def _current(edit: Edit, root: Path) -> str:
    if edit.action == "add":
        return ""
    _, item = locate(root, edit.key)
    if edit.action == "remove":
        return scalar(item)
    value = item.get(edit.field)
    return "" if value is None else (value if isinstance(value, str) else scalar(value))


def current_value(key: str, field: str, root: Path = PACKAGED) -> str:
    """The current text of a fact's field ("" when the fact or field is not there)."""
    try:
        return _current(Edit("change", key, field, ""), root)
    except BadInputError:
        return ""


def check_edit(edit: Edit, root: Path = PACKAGED) -> str:
    """Check that the fact exists (or, for a new mapping, that it does not) and the field
    may change; return the current value as text."""
    if edit.action not in ("change", "add", "remove"):
        raise BadInputError("one of change, add, remove", field="action")
    kind = edit.key.partition(":")[0]
    if edit.action == "change" and edit.field not in EDITABLE.get(kind, frozenset()):
        allowed = ", ".join(sorted(EDITABLE.get(kind, ()))) or "nothing"
        raise BadInputError(f"{kind or 'this'} facts can change {allowed}", field="field")
    if edit.action != "change" and kind != "mapping":
        raise BadInputError("only mappings are added or removed", field="action")
    current = _current(edit, root)
    if edit.action == "change":
        typed(edit.field, edit.value)
    if edit.action == "change" and current == edit.value:
        raise BadInputError("the proposed value is the current one", field="value")
    return current


class ProposalIn(TypedDict):
    fact: str
    action: str
    field: str
    value: str
    citation: str
    quote: str
    url: str
    rationale: str


def propose(
    session: Session,
    catalog: Catalog,
    author: User | None,
    actor: Actor,
    given: ProposalIn,
    *,
    origin: str = "contributor",
    batch: str | None = None,
    root: Path = PACKAGED,
) -> ProposalRow:
    """A new open proposal; every check runs before anything is written."""
    key = _text(given["fact"], "fact", limits.REFERENCE_LENGTH, lines=False)
    edit = Edit(given["action"], key, given["field"], given["value"])  # type: ignore[arg-type]
    value = _text(edit.value, "value", limits.NOTE_LENGTH, required=edit.action != "remove")
    current = check_edit(Edit(edit.action, key, edit.field, value), root)
    citation = _text(given["citation"], "source.citation", CITATION_LENGTH, lines=False)
    quote = _text(given["quote"], "source.quote", QUOTE_LENGTH, required=False)
    rationale = _text(given["rationale"], "rationale", RATIONALE_LENGTH)
    instruments, where = _concerns(catalog, key)
    row = ProposalRow(
        author_id=author.id if author else None,
        author=actor.name,
        origin=origin,
        batch=batch,
        fact=key,
        action=edit.action,
        field=edit.field,
        current=current,
        proposed=value,
        instruments=instruments,
        jurisdictions=where,
        citation=citation,
        quote=quote,
        url=_url(given["url"]),
        rationale=rationale,
        status="open",
        decision="",
    )
    session.add(row)
    session.flush()
    record(
        session, actor, Action.PROPOSED, Target("proposal", str(row.id)), actor.client,
        {"fact": key, "field": edit.field, "action": edit.action},
    )  # fmt: skip
    return row


def get_proposal(session: Session, ident: int) -> ProposalRow:
    found = session.get(ProposalRow, ident)
    if found is None:
        raise NotFoundError("proposal", str(ident))
    return found


def proposals(
    session: Session,
    *,
    status: str | None = None,
    instrument: str | None = None,
    batch: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> tuple[list[ProposalRow], int]:
    query = select(ProposalRow)
    if status is not None:
        if status not in STATUSES:
            raise BadInputError(f"one of {', '.join(STATUSES)}", field="status")
        query = query.where(ProposalRow.status == status)
    if batch is not None:
        query = query.where(ProposalRow.batch == batch)
    rows = list(session.scalars(query.order_by(ProposalRow.id.desc())))
    if instrument is not None:
        rows = [
            r
            for r in rows
            if any(i.partition("@")[0] == instrument or i == instrument for i in r.instruments)
        ]
    return rows[offset : offset + limit], len(rows)


def decide(
    session: Session,
    user: User,
    actor: Actor,
    ident: int,
    decision: str,
    reason: str,
    *,
    root: Path = PACKAGED,
) -> ProposalRow:
    """An editor within remit accepts (the patch is written and checked first), rejects
    or asks for changes; rejecting and asking need a reason."""
    row = get_proposal(session, ident)
    if decision not in DECISIONS:
        raise BadInputError(f"one of {', '.join(DECISIONS)}", field="decision")
    if not covers(remit(session, user), row):
        raise ForbiddenError(
            f"proposal {ident} concerns {', '.join(row.instruments) or 'the hub'}: outside "
            "your remit as an editor"
        )
    if row.author_id == user.id:
        raise ForbiddenError("an editor does not review their own proposal")
    if row.status != "open":
        raise ConflictError(f"proposal {ident} is {row.status}, not open")
    why = _text(reason, "reason", RATIONALE_LENGTH, required=decision != "accept")
    if decision == "accept":
        header = f"proposal {row.id}: {row.action} {row.fact} {row.field}".rstrip()
        edit = Edit(row.action, row.fact, row.field, row.proposed)  # type: ignore[arg-type]
        row.patch = make_patch(root, [edit], f"{header}\nsource: {row.citation}")
    row.status = DECISIONS[decision]
    row.decided_by = actor.name
    row.decision = why
    row.updated = dt.datetime.now(dt.UTC)
    record(
        session, actor, Action.PROPOSAL_DECIDED, Target("proposal", str(row.id)), actor.client,
        {"decision": row.status, "reason": why},
    )  # fmt: skip
    return row


def revise(
    session: Session,
    user: User,
    actor: Actor,
    ident: int,
    *,
    value: str | None = None,
    rationale: str | None = None,
    withdraw: bool = False,
) -> ProposalRow:
    """The author answers a request for changes (the proposal opens again) or withdraws."""
    row = get_proposal(session, ident)
    if row.author_id != user.id:
        raise ForbiddenError("only the author changes or withdraws a proposal")
    if row.status not in ("open", "changes-requested"):
        raise ConflictError(f"proposal {ident} is {row.status}")
    if withdraw:
        row.status = "withdrawn"
    else:
        if value is not None:
            edit = Edit(row.action, row.fact, row.field, value)  # type: ignore[arg-type]
            check_edit(edit)
            row.proposed = _text(value, "value", limits.NOTE_LENGTH)
        if rationale is not None:
            row.rationale = _text(rationale, "rationale", RATIONALE_LENGTH)
        row.status = "open"
    row.updated = dt.datetime.now(dt.UTC)
    record(
        session, actor, Action.PROPOSAL_REVISED, Target("proposal", str(row.id)), actor.client,
        {"status": row.status},
    )  # fmt: skip
    return row


class ProposalView(TypedDict):
    id: int
    fact: str
    action: str
    field: str
    current: str
    proposed: str
    instruments: list[str]
    jurisdictions: list[str]
    source: dict[str, str]
    rationale: str
    author: str
    origin: str
    batch: str | None
    status: str
    decided_by: str | None
    decision: str
    has_patch: bool
    revision: int | None
    created: str


def taken_in(ident: int, ledger: Sequence[RevisionView]) -> int | None:
    """The revision whose message names the proposal (`proposal 12: ...`), if any."""
    mark = re.compile(rf"\bproposal {ident}\b")
    return next((r["id"] for r in ledger if mark.search(r.get("message", ""))), None)


def proposal_view(row: ProposalRow, ledger: Sequence[RevisionView] = ()) -> ProposalView:
    return {
        "id": row.id,
        "fact": row.fact,
        "action": row.action,
        "field": row.field,
        "current": row.current,
        "proposed": row.proposed,
        "instruments": list(row.instruments),
        "jurisdictions": list(row.jurisdictions),
        "source": {"citation": row.citation, "quote": row.quote, "url": row.url},
        "rationale": row.rationale,
        "author": row.author,
        "origin": row.origin,
        "batch": row.batch,
        "status": row.status,
        "decided_by": row.decided_by,
        "decision": row.decision,
        "has_patch": row.patch is not None,
        "revision": taken_in(row.id, ledger),
        "created": _stamp(row.created),
    }


def _stamp(moment: dt.datetime) -> str:
    at = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- comments ---------------------------------------------------------------------------


class CommentView(TypedDict):
    id: str
    subject: str
    author: str
    body: str
    created: str


def comment(
    session: Session, catalog: Catalog, user: User, actor: Actor, subject: str, body: str,
    now: dt.datetime | None = None,
) -> Comment:  # fmt: skip
    """A comment under a proposal, a requirement, a mapping or a block; at most
    COMMENTS_PER_WINDOW per user in COMMENT_WINDOW (429 past it)."""
    if not SUBJECT.match(subject) or len(subject) > limits.REFERENCE_LENGTH:
        raise BadInputError(
            "proposal:N, requirement:ID@EDITION:REF, mapping:... or block:ID", field="subject"
        )
    _subject_exists(session, catalog, subject)
    text = _text(body, "body", COMMENT_LENGTH)
    at = now or dt.datetime.now(dt.UTC)
    recent = session.scalar(
        select(func.count())
        .select_from(Comment)
        .where(Comment.user_id == user.id, Comment.created >= at - COMMENT_WINDOW)
    )
    if (recent or 0) >= COMMENTS_PER_WINDOW:
        raise TooManyRequestsError(
            f"at most {COMMENTS_PER_WINDOW} comments in {COMMENT_WINDOW.seconds // 60} minutes",
            retry_after=COMMENT_WINDOW.seconds,
        )
    row = Comment(subject=subject, user_id=user.id, body=text, created=at)
    session.add(row)
    session.flush()
    record(
        session, actor, Action.COMMENTED, Target("comment", row.id), actor.client,
        {"subject": subject},
    )  # fmt: skip
    return row


def _subject_exists(session: Session, catalog: Catalog, subject: str) -> None:
    kind, _, rest = subject.partition(":")
    if kind == "proposal":
        get_proposal(session, int(rest))
    elif kind == "requirement":
        spec, _, ref = rest.partition(":")
        if ref not in {r.ref for r in catalog.instrument(spec).requirements}:
            raise NotFoundError("requirement", rest)
    elif kind == "block":
        catalog.block(rest)
    else:
        locate(PACKAGED, subject)


def comments(session: Session, subject: str) -> list[CommentView]:
    rows = session.execute(
        select(Comment, User.email)
        .join(User, User.id == Comment.user_id, isouter=True)
        .where(Comment.subject == subject)
        .order_by(Comment.created, Comment.id)
    )
    return [
        {
            "id": c.id,
            "subject": c.subject,
            "author": email or "a former user",
            "body": c.body,
            "created": _stamp(c.created),
        }
        for c, email in rows
    ]


# --- published crosswalks ---------------------------------------------------------------


class ImportResult(TypedDict):
    batch: str
    proposals: list[int]
    unchanged: int
    agreement: Agreement


def import_crosswalk(
    session: Session,
    catalog: Catalog,
    user: User,
    actor: Actor,
    rows: Sequence[Row],
    citation: str,
    url: str = "",
) -> ImportResult:
    """Every row of a published crosswalk as a proposal (provenance "published
    crosswalk"): a new mapping, or a change of an existing mapping's relationship; a row
    the catalog already holds as it is proposes nothing. With the agreement report."""
    import uuid

    batch = str(uuid.uuid4())
    report = agreement(catalog, rows)
    made: list[int] = []
    unchanged = 0
    for row, seen in zip(rows, report["rows"], strict=True):
        fact = mapping_fact(row)
        try:
            _, item = locate(PACKAGED, fact)
        except BadInputError:
            item = None
        if item is not None and item.get("relationship") == row.relationship.value:
            unchanged += 1
            continue
        given: ProposalIn = {
            "fact": fact,
            "action": "add" if item is None else "change",
            "field": "" if item is None else "relationship",
            "value": row.relationship.value,
            "citation": citation,
            "quote": "",
            "url": url,
            "rationale": row.rationale
            or f"From the published crosswalk; the hub says {seen['derived'] or 'nothing'} "
            f"({seen['verdict']}).",
        }
        made.append(
            propose(
                session, catalog, user, actor, given, origin="published crosswalk", batch=batch
            ).id
        )
    return {"batch": batch, "proposals": made, "unchanged": unchanged, "agreement": report}
