"""The atlas: instruments, requirements, building blocks and mappings, loaded from data files."""

from prodsec.catalog.catalog import Catalog, MappedRequirement, SearchHit
from prodsec.catalog.errors import CatalogError, Issue, NotFoundError
from prodsec.catalog.load import compile_catalog, load_catalog

__all__ = [
    "Catalog",
    "CatalogError",
    "Issue",
    "MappedRequirement",
    "NotFoundError",
    "SearchHit",
    "compile_catalog",
    "load_catalog",
]
