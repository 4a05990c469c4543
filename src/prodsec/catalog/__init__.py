"""The atlas: instruments, requirements, building blocks and mappings, loaded from data files."""

from prodsec.catalog.catalog import Catalog, MappedRequirement, SearchHit
from prodsec.catalog.load import CatalogError, compile_catalog, load_catalog

__all__ = [
    "Catalog",
    "CatalogError",
    "MappedRequirement",
    "SearchHit",
    "compile_catalog",
    "load_catalog",
]
