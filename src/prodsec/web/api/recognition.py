"""Where a label counts, and the recognition graph (public)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from prodsec.assess.reach import ReachPublic, reach, reach_view
from prodsec.insight.graph import GraphPublic, graph_view, recognition_graph
from prodsec.web.deps import CatalogDep

router = APIRouter(prefix="/api/v1", tags=["recognition"])


@router.get("/recognition/reach", summary="Where a label counts")
def recognition_reach(
    catalog: CatalogDep,
    scheme: str,
    category: str,
    level: str | None = None,
    on: dt.date | None = None,
    market: Annotated[list[str] | None, Query()] = None,
    valid_until: dt.date | None = None,
    registration: Annotated[
        str | None,
        Query(description="The label's registration ID; a CLS ID supplies the expiry."),
    ] = None,
) -> ReachPublic:
    """Every edge out of the label, counting or not with why, for a category on a day."""
    found = reach(
        catalog,
        scheme,
        category,
        on or dt.date.today(),
        level=level,
        markets=tuple(market or ()),
        valid_until=valid_until,
        registration=registration,
    )
    return reach_view(catalog, found)


@router.get("/recognition/graph", summary="The recognition graph")
def recognition_graph_of(catalog: CatalogDep, on: dt.date | None = None) -> GraphPublic:
    return graph_view(recognition_graph(catalog, on))
