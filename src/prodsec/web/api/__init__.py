"""The REST API under /api/v1: one router per resource, public catalog routes first, then
the private ones (products, assessments, plans) and sign-in. One OpenAPI spec at
/api/v1/openapi.json."""

from __future__ import annotations

from fastapi import APIRouter

from prodsec.web.api import (
    applicability,
    assessments,
    audit,
    blocks,
    changes,
    crosswalk,
    harmonise,
    incidents,
    instruments,
    keys,
    log,
    mappings,
    plans,
    products,
    proposals,
    recognition,
    registry,
    registry_public,
    supply,
    tokens,
    watches,
)

ROUTERS: tuple[APIRouter, ...] = (
    instruments.router,
    blocks.router,
    mappings.router,
    crosswalk.router,
    harmonise.router,
    applicability.router,
    recognition.router,
    products.router,
    assessments.router,
    plans.router,
    tokens.router,
    audit.router,
    log.router,
    # --- regsign: signing keys ---
    keys.router,
    registry.router,
    # --- regpublic: the public registry ---
    registry_public.router,
    # --- findings: the supply chain ---
    supply.router,
    # --- lead: catalog changes ---
    changes.router,
    incidents.router,
    proposals.router,
    watches.router,
)
