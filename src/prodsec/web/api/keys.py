"""The schemes' public signing keys as JSON Web Key Sets (public): every scheme's at
/.well-known/jwks.json, one scheme's under /api/v1/schemes. Retired keys are included with
their dates, so labels they signed still verify."""

from __future__ import annotations

from fastapi import APIRouter

from prodsec.registry.keys import JwksPublic, jwks_view, require_scheme
from prodsec.store.audit import SYSTEM
from prodsec.store.keys import SqlKeyStore
from prodsec.web.deps import CatalogDep, DbDep

router = APIRouter(tags=["keys"])


def _jwks(db: DbDep, scheme: str | None) -> JwksPublic:
    with db.session() as s:
        return jwks_view(SqlKeyStore(s, SYSTEM).published(scheme))


@router.get("/.well-known/jwks.json", summary="Every scheme's signing keys")
def all_keys(db: DbDep) -> JwksPublic:
    return _jwks(db, None)


@router.get("/api/v1/schemes/{scheme}/jwks.json", summary="One scheme's signing keys")
def scheme_keys(scheme: str, catalog: CatalogDep, db: DbDep) -> JwksPublic:
    return _jwks(db, require_scheme(catalog, scheme))
