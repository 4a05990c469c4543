"""The one caching idiom for what is derived from a catalog alone.

A catalog never changes once loaded, so anything computed from it (an index, the start
date of every requirement) can be built once per catalog object and kept as long as that
object lives. `per_catalog` wraps such a builder: weakly keyed, so a catalog that is
dropped takes its derived values with it, and a test or benchmark that loads another
catalog gets values built from that one. A value must not hold its catalog strongly (or
the catalog would never be dropped): hold a `weakref.ref` to it instead.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from prodsec.catalog.catalog import Catalog

T = TypeVar("T")


def _nothing() -> None:
    return None


class PerCatalog(Generic[T]):
    """`build(catalog)` once per catalog object; `clear()` forgets every value. The last
    catalog asked about is remembered (weakly) with its value: a process nearly always
    asks about one catalog, thousands of times a second."""

    __slots__ = ("_build", "_last_key", "_last_value", "_values")

    def __init__(self, build: Callable[[Catalog], T]) -> None:
        self._build = build
        self._values: weakref.WeakKeyDictionary[Catalog, T] = weakref.WeakKeyDictionary()
        self._last_key: Callable[[], Catalog | None] = _nothing
        self._last_value: T | None = None

    def __call__(self, catalog: Catalog) -> T:
        if self._last_key() is catalog:
            return self._last_value  # type: ignore[return-value]
        found = self._values.get(catalog)
        if found is None:
            found = self._values[catalog] = self._build(catalog)
        self._last_key, self._last_value = weakref.ref(catalog), found
        return found

    def clear(self) -> None:
        self._values.clear()
        self._last_key, self._last_value = _nothing, None


def per_catalog(build: Callable[[Catalog], T]) -> PerCatalog[T]:
    """Decorate a function of a catalog alone so that it runs once per catalog."""
    return PerCatalog(build)
