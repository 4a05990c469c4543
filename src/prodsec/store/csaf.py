"""Published CSAF advisories per organisation: publish (checked whole first; a later
version of the same tracking id replaces the earlier), list for the provider directory,
fetch one file. Organisations appear in URLs by a slug of their name."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from prodsec.errors import BadInputError, ConflictError, Issue, NotFoundError
from prodsec.store.audit import Action, Actor, Target, record, utc
from prodsec.store.models import CsafAdvisoryRow, Organisation
from prodsec.supplychain.csaf.document import parse_json
from prodsec.supplychain.csaf.provider import Published, published_of
from prodsec.supplychain.csaf.validate import validate

MAX_TRACKING_ID = 1000


def slug(name: str) -> str:
    """`Example Cameras Ltd` -> `example-cameras-ltd`: an organisation in a URL."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "organisation"


def organisation_by_slug(session: Session, wanted: str) -> Organisation:
    orgs = list(session.scalars(select(Organisation)))
    found = next((o for o in orgs if slug(o.name) == wanted), None)
    if found is None:
        near = difflib.get_close_matches(wanted, [slug(o.name) for o in orgs], n=3)
        raise NotFoundError("organisation", wanted, near)
    return found


def organisation_by_name(session: Session, name: str) -> Organisation:
    found = session.scalar(select(Organisation).where(Organisation.name == name))
    if found is None:
        names = list(session.scalars(select(Organisation.name)))
        raise NotFoundError("organisation", name, difflib.get_close_matches(name, names, n=3))
    return found


def publish(
    session: Session, organisation: Organisation, content: bytes, source: str, actor: Actor | str
) -> CsafAdvisoryRow:
    """Store an advisory for `organisation` as served (`content`, UTF-8 JSON). It must pass
    the schema and every mandatory test and carry a TLP label; a tracking id published
    before takes only a later current release date. Recorded in the audit log."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInputError("an advisory is UTF-8 JSON", field=source) from None
    document = parse_json(text, source)
    failures = validate(document, source).failures
    if failures:
        issues = [Issue(source, 0, f.path, f"{f.test}: {f.message}") for f in failures]
        raise BadInputError(issues=issues)
    entry = published_of(document, content)
    if len(entry.tracking_id) > MAX_TRACKING_ID:
        raise BadInputError(f"longer than {MAX_TRACKING_ID} characters", field="tracking id")
    row = session.scalar(
        select(CsafAdvisoryRow).where(
            CsafAdvisoryRow.organisation_id == organisation.id,
            CsafAdvisoryRow.tracking_id == entry.tracking_id,
        )
    )
    action = Action.CREATED
    if row is not None:
        if utc(row.current_release) >= entry.current:
            raise ConflictError(
                f"{entry.tracking_id} is published with current release "
                f"{utc(row.current_release).isoformat()}; publish a later one"
            )
        action = Action.CHANGED
    else:
        row = CsafAdvisoryRow(organisation_id=organisation.id, tracking_id=entry.tracking_id)
        session.add(row)
    row.title = entry.title
    row.tlp = entry.tlp
    row.version = entry.version
    row.initial_release = entry.initial
    row.current_release = entry.current
    row.content = content
    row.sha256, row.sha512 = entry.sha256, entry.sha512
    row.published = dt.datetime.now(dt.UTC)
    session.flush()
    detail: dict[str, Any] = {"tlp": entry.tlp, "version": entry.version, "sha256": entry.sha256}
    record(
        session, actor, action, Target("csaf-advisory", entry.tracking_id),
        actor.client if isinstance(actor, Actor) else "cli", detail,
        organisation=organisation.id,
    )  # fmt: skip
    return row


def entry_of(row: CsafAdvisoryRow) -> Published:
    return Published(
        tracking_id=row.tracking_id,
        title=row.title,
        tlp=row.tlp,
        initial=utc(row.initial_release),
        current=utc(row.current_release),
        version=row.version,
        sha256=row.sha256,
        sha512=row.sha512,
    )


def advisories(session: Session, organisation: Organisation) -> list[CsafAdvisoryRow]:
    """Every advisory of the organisation, by tracking id."""
    return list(
        session.scalars(
            select(CsafAdvisoryRow)
            .where(CsafAdvisoryRow.organisation_id == organisation.id)
            .order_by(CsafAdvisoryRow.tracking_id)
        )
    )


def publisher_of(rows: list[CsafAdvisoryRow]) -> dict[str, Any]:
    """The publisher the latest advisory names."""
    latest = max(rows, key=lambda r: (utc(r.current_release), r.tracking_id))
    publisher: dict[str, Any] = json.loads(latest.content)["document"]["publisher"]
    return publisher
