"""Safe harbours in the data: the shape the loader accepts, and every mistake it names."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from prodsec.catalog import Catalog, CatalogError, compile_catalog
from prodsec.catalog.recognition import RecognitionKind

Editor = Callable[[Path, str, str], None]


def _issues(root: Path) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        compile_catalog(root)
    return [str(i).replace(str(root) + os.sep, "") for i in caught.value.issues]


def test_the_packaged_harbours(catalog: Catalog) -> None:
    """SB-327 and HB 2395 are the instruments whose text deems one of their provisions met
    through others; every harbour joins one edition to itself, one edge per alternative."""
    found = [
        (e.id, e.origin, e.origin_refs, e.grants)
        for e in catalog.recognitions
        if e.kind is RecognitionKind.SAFE_HARBOUR
    ]
    assert found == [
        ("sb327-unique-password", "us-ca-sb327@2018", ("1798.91.04(b)(1)",), ("1798.91.04(a)",)),
        ("sb327-new-credentials", "us-ca-sb327@2018", ("1798.91.04(b)(2)",), ("1798.91.04(a)",)),
        (
            "hb2395-unique-password",
            "us-or-hb2395@2019",
            ("646A.813(3)(a)(A)",),
            ("646A.813(2)",),
        ),
        (
            "hb2395-new-credentials",
            "us-or-hb2395@2019",
            ("646A.813(3)(a)(B)",),
            ("646A.813(2)",),
        ),
        ("hb2395-federal-rules", "us-or-hb2395@2019", ("646A.813(3)(b)",), ("646A.813(2)",)),
    ]
    assert all(e.inside for e in catalog.recognitions if e.kind is RecognitionKind.SAFE_HARBOUR)
    assert not any(
        e.inside for e in catalog.recognitions if e.kind is not RecognitionKind.SAFE_HARBOUR
    )


def test_every_harbour_mistake_is_named(data_copy: Path, edit: Editor) -> None:
    rec = data_copy / "recognition.yaml"
    edit(
        rec,
        "    origin_refs: [1798.91.04(b)(1)]\n    target: us-ca-sb327@2018\n",
        "    origin_refs: [1798.91.04(b)(1)]\n    target: us-ca-sb327\n",
    )
    edit(
        rec,
        "  - id: hb2395-unique-password\n    kind: safe-harbour\n",
        "  - id: hb2395-unique-password\n    kind: deemed-compliance\n",
    )
    edit(
        rec,
        "    origin_refs: [646A.813(3)(a)(B)]\n    target: us-or-hb2395@2019\n"
        "    grants: [646A.813(2)]\n",
        "    origin_refs: [646A.813(3)(a)(B)]\n    target: us-or-hb2395@2019\n"
        "    grants: [646A.813(3)(a)(B)]\n",
    )
    edit(
        rec,
        "    origin_refs: [1798.91.04(b)(2)]\n",
        "    origin_refs: [1798.91.04(b)(2)]\n    target_level: label\n",
    )
    edit(rec, "    origin_refs: [646A.813(3)(b)]\n", "")
    assert _issues(data_copy) == [
        "recognition.yaml:260: edges[sb327-unique-password].target: "
        "a safe harbour names one edition as origin and target",
        "recognition.yaml:270: edges[sb327-new-credentials].target_level: "
        "a safe harbour grants provisions, not label levels",
        "recognition.yaml:270: edges[sb327-new-credentials].target_level: "
        "no level 'label' in us-ca-sb327@2018",
        "recognition.yaml:278: edges[hb2395-unique-password].kind: "
        "an edge inside one instrument must be safe-harbour",
        "recognition.yaml:292: edges[hb2395-new-credentials].grants[0]: "
        "'646A.813(3)(a)(B)' cannot grant itself",
        "recognition.yaml:301: edges[hb2395-federal-rules].grants: "
        "a safe harbour needs origin_refs and grants",
    ]
