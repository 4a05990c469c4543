"""The audit log as a page, for administrators (the filters of GET /api/v1/audit)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from prodsec.web.api.audit import AuditFilterDep, administrator, audit_page
from prodsec.web.deps import DbDep, Limit, Offset
from prodsec.web.templating import page

router = APIRouter(include_in_schema=False, dependencies=[Depends(administrator)])


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_log(
    request: Request, db: DbDep, chosen: AuditFilterDep, offset: Offset = 0, limit: Limit = 100
) -> HTMLResponse:
    found = audit_page(db, chosen, offset, limit)
    return page(request, "audit.html", found=found, chosen=chosen)
