"""Edition diffs: EN 303 645 V2.1.1 -> V3.1.3 is the first real case."""

from __future__ import annotations

import pytest

from prodsec.catalog import Catalog
from prodsec.catalog.diff import ChangeKind, diff_editions
from prodsec.errors import BadInputError


def _diff(catalog: Catalog, old: str, new: str):  # type: ignore[no-untyped-def]
    return diff_editions(catalog, catalog.instrument(old), catalog.instrument(new))


def test_v2_to_v3_splits_renumbering_and_additions(catalog: Catalog) -> None:
    diff = _diff(catalog, "etsi-en-303-645@2.1.1", "etsi-en-303-645@3.1.3")
    splits = {c.old[0]: c.new for c in diff.of_kind(ChangeKind.SPLIT)}
    assert splits == {
        "5.3-4": ("5.3-4A", "5.3-4B"),
        "5.3-6": ("5.3-6A", "5.3-6B"),
        "5.3-15": ("5.3-15A", "5.3-15B"),
        "5.6-4": ("5.6-4A", "5.6-4B"),
        "5.13-1": ("5.13-1A", "5.13-1B"),
        "6-3": ("6-3A", "6-3B"),
    }
    assert [c.detail for c in diff.of_kind(ChangeKind.RENUMBERED)] == ["4-1 -> 5.0-1"]
    assert [c.new[0] for c in diff.of_kind(ChangeKind.ADDED)] == ["5.1-2A", "6-6", "6-7", "6-8"]
    assert diff.of_kind(ChangeKind.REMOVED) == []
    assert diff.of_kind(ChangeKind.MERGED) == []
    assert diff.of_kind(ChangeKind.STRENGTH_CHANGED) == []


def test_v2_to_v3_status_and_gist_changes(catalog: Catalog) -> None:
    diff = _diff(catalog, "etsi-en-303-645@2.1.1", "etsi-en-303-645@3.1.3")
    status = {c.old[0]: c.detail for c in diff.of_kind(ChangeKind.STATUS_CHANGED)}
    assert status["5.1-1"] == "M C (1) -> M F (a)"
    assert status["5.1-5"] == "M C (5) -> M C F (14, e)"
    assert status["5.3-10"] == "M (11, 12) -> M F (j)"
    assert status["5.5-8"] == "M -> M C (16)"
    assert len(status) == 30
    gists = [c.old[0] for c in diff.of_kind(ChangeKind.GIST_CHANGED)]
    assert gists == [
        "5.1-3",
        "5.1-5",
        "5.3-2",
        "5.3-5",
        "5.3-14",
        "5.3-16",
        "5.5-8",
        "5.8-2",
        "5.11-1",
        "6-1",
    ]
    # 68 provisions: 6 split, 62 compared one to one, of which 34 changed in some way
    assert diff.unchanged == 28


def test_reverse_diff_reports_the_mirror_image(catalog: Catalog) -> None:
    diff = _diff(catalog, "etsi-en-303-645@3.1.3", "etsi-en-303-645@2.1.1")
    assert [c.old[0] for c in diff.of_kind(ChangeKind.REMOVED)] == ["5.1-2A", "6-6", "6-7", "6-8"]
    merged = {c.new[0]: c.old for c in diff.of_kind(ChangeKind.MERGED)}
    assert merged["5.3-4"] == ("5.3-4A", "5.3-4B")
    assert [c.detail for c in diff.of_kind(ChangeKind.RENUMBERED)] == ["5.0-1 -> 4-1"]


def test_same_edition_has_no_changes(catalog: Catalog) -> None:
    diff = _diff(catalog, "etsi-en-303-645@2.1.1", "etsi-en-303-645@2.1.1")
    assert diff.changes == ()
    assert diff.unchanged == 68


def test_different_instruments_cannot_be_diffed(catalog: Catalog) -> None:
    with pytest.raises(BadInputError) as caught:
        _diff(catalog, "etsi-en-303-645@2.1.1", "uk-cop-iot@2018")
    assert str(caught.value) == (
        "cannot diff editions of different instruments: etsi-en-303-645@2.1.1 and uk-cop-iot@2018"
    )
    assert (caught.value.exit_code, caught.value.status) == (2, 400)


def test_scheme_levels_redefined_show_as_level_changes(catalog: Catalog) -> None:
    diff = diff_editions(
        catalog, catalog.instrument("sg-cls@2020"), catalog.instrument("sg-cls@2025")
    )
    assert [(c.old, c.detail) for c in diff.of_kind(ChangeKind.LEVEL_CHANGED)] == [
        (("security-by-design",), "2 -> 3")
    ]
    assert [c.new[0] for c in diff.of_kind(ChangeKind.ADDED)] == [
        "vulnerability-management",
        "standard-mandatory",
        "communications",
        "storage",
        "authentication",
    ]
