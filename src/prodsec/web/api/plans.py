"""The cheapest plan of fixes for a product (private)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from prodsec.assess.evaluate import role_of
from prodsec.assess.plan import PlanPublic, asked_labels, plan, plan_view
from prodsec.errors import BadInputError
from prodsec.store import repo
from prodsec.web.auth import VisibilityDep, signed_in
from prodsec.web.deps import CatalogDep, DbDep, markets_of

router = APIRouter(prefix="/api/v1", tags=["plans"], dependencies=[Depends(signed_in)])


@router.post("/products/{ident}/plans", summary="The cheapest plan of fixes")
def plan_for(
    ident: str,
    catalog: CatalogDep,
    db: DbDep,
    visibility: VisibilityDep,
    on: dt.date | None = None,
    market: Annotated[list[str] | None, Query()] = None,
    label: Annotated[list[str] | None, Query(description="SCHEME:LEVEL")] = None,
    role: Annotated[str, Query(description="Whose duties to plan for")] = "manufacturer",
) -> PlanPublic:
    """The cheapest fixes for the duties ROLE bears (the manufacturer's by default) in the
    product's markets (or MARKET) and the asked labels."""
    bearer = role_of(role)
    with db.session() as s:
        _, profile = repo.current_profile(s, visibility, catalog, ident)
    try:
        asked = asked_labels(label or ())
    except BadInputError as exc:
        raise BadInputError(exc.message, field="label") from exc
    markets = markets_of(catalog, market or ()) or tuple(profile.markets)
    return plan_view(plan(catalog, profile, on or dt.date.today(), markets, asked, None, bearer))
