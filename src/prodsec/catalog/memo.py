"""The one caching idiom for what is derived from a catalog alone.

A catalog never changes once loaded, so anything computed from it (an index, the start
date of every requirement) can be built once per catalog object and kept as long as that
object lives. `per_catalog` wraps such a builder: weakly keyed, so a catalog that is
dropped takes its derived values with it, and a test or benchmark that loads another
catalog gets values built from that one.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from prodsec.catalog.catalog import Catalog

T = TypeVar("T")


class PerCatalog(Generic[T]):
    """`build(catalog)` once per catalog object; `clear()` forgets every value."""

    __slots__ = ("_build", "_values")

    def __init__(self, build: Callable[[Catalog], T]) -> None:
        self._build = build
        self._values: weakref.WeakKeyDictionary[Catalog, T] = weakref.WeakKeyDictionary()

    def __call__(self, catalog: Catalog) -> T:
        found = self._values.get(catalog)
        if found is None:
            found = self._values[catalog] = self._build(catalog)
        return found

    def clear(self) -> None:
        self._values.clear()


def per_catalog(build: Callable[[Catalog], T]) -> PerCatalog[T]:
    """Decorate a function of a catalog alone so that it runs once per catalog."""
    return PerCatalog(build)
