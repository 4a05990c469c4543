"""The one per-catalog cache: built once per catalog object, dropped with the catalog."""

from __future__ import annotations

import gc
import weakref

from prodsec.assess.index import Index, index_of
from prodsec.catalog import Catalog, load_catalog
from prodsec.catalog.memo import per_catalog


def test_a_value_is_built_once_per_catalog_and_dropped_with_it(catalog: Catalog) -> None:
    built: list[int] = []

    @per_catalog
    def count(c: Catalog) -> int:
        built.append(id(c))
        return len(c.instruments)

    assert count(catalog) == count(catalog) == len(catalog.instruments)
    assert built == [id(catalog)]
    other = load_catalog()
    assert other is not catalog
    count(other)
    assert built == [id(catalog), id(other)]
    gone = weakref.ref(other)
    del other
    gc.collect()
    assert gone() is None
    count.clear()
    count(catalog)
    assert built == [id(catalog), built[1], id(catalog)]


def test_the_assessment_index_is_per_catalog(catalog: Catalog) -> None:
    index = index_of(catalog)
    assert isinstance(index, Index)
    assert index_of(catalog) is index
    assert index.catalog is catalog
    other = load_catalog()
    assert index_of(other) is not index
    assert index_of(other).catalog is other
    assert index_of(catalog) is index
    gone = weakref.ref(other)
    del other
    gc.collect()
    assert gone() is None
