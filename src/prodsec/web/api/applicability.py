"""What applies to a product, market by market (public)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from prodsec.assess.applicability import applies
from prodsec.assess.views import AnswerPublic, answer_view
from prodsec.web.deps import CatalogDep

router = APIRouter(prefix="/api/v1", tags=["applicability"])


@router.get("/applicability", summary="What applies to a product")
def applicability(
    catalog: CatalogDep,
    category: str,
    market: Annotated[list[str], Query()],
    on: dt.date | None = None,
    feature: Annotated[list[str] | None, Query()] = None,
) -> AnswerPublic:
    """Which instruments bind a product of CATEGORY in each MARKET on a day."""
    day = on or dt.date.today()
    return answer_view(applies(catalog, category, market, day, feature or []))
