"""The audit log, for administrators: who created, changed, deleted, assessed or signed
in, when and from where, newest first."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends

from prodsec.errors import ForbiddenError
from prodsec.store import audit
from prodsec.store.audit import AuditEntryPublic, AuditFilter
from prodsec.store.models import User
from prodsec.web.auth import SignedIn
from prodsec.web.deps import DbDep, Limit, Offset, Page, page


def administrator(user: SignedIn) -> User:
    """The signed-in user, when an administrator: the one check of the audit routes."""
    if not user.is_admin:
        raise ForbiddenError("the audit log is for administrators")
    return user


router = APIRouter(prefix="/api/v1", tags=["audit"], dependencies=[Depends(administrator)])


def audit_filter(
    actor: str | None = None,
    action: str | None = None,
    target: str | None = None,
    since: dt.datetime | None = None,
) -> AuditFilter:
    """The filters: an actor's email (or `cli`, `system`), an action, a target (`product`
    or `product:ID`), entries at or after `since` (ISO 8601; without a zone, UTC)."""
    return AuditFilter(actor or None, action or None, target or None, since)


AuditFilterDep = Annotated[AuditFilter, Depends(audit_filter)]


def audit_page(db: DbDep, chosen: AuditFilter, offset: int, limit: int) -> Page[AuditEntryPublic]:
    with db.session() as s:
        found, total = audit.entries(s, chosen, offset, limit)
        return page([audit.entry_view(e) for e in found], total, offset, limit)


@router.get("/audit", summary="The audit log (administrators)")
def audit_log(
    db: DbDep, chosen: AuditFilterDep, offset: Offset = 0, limit: Limit = 50
) -> Page[AuditEntryPublic]:
    return audit_page(db, chosen, offset, limit)
