"""Properties of the product profile loader: any text gives a Profile or a ProfileError
whose every issue is located inside the text, and a valid profile written back and read
again is the same profile."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter

from prodsec.assess.profile import ClaimStatus, Profile, ProfileError, load_profile
from prodsec.catalog import Catalog
from prodsec.catalog.vocab import InstrumentType

from .strategies import PROPERTIES, dumped, line_count, texts

FIELDS = [f.name for f in dataclasses.fields(Profile)]
KEYS = st.sampled_from([*FIELDS, "block", "met", "scheme", "valid_from"]) | st.text(max_size=8)
PROFILE = TypeAdapter(Profile)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("profiles")


def written(folder: Path, text: str) -> Path:
    path = folder / "profile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@PROPERTIES
@given(text=texts(KEYS))
def test_any_text_gives_a_profile_or_located_issues(
    text: str, folder: Path, small_catalog: Catalog
) -> None:
    path = written(folder, text)
    try:
        load_profile(path, small_catalog)
    except ProfileError as exc:
        issues = exc.issues
    else:
        return
    assert issues
    last = line_count(text)
    for issue in issues:
        assert issue.file == str(path)
        assert 1 <= issue.line <= last, (issue, text)
        assert issue.field, issue
        assert issue.message, issue


def _day(lo: int = 2020, hi: int = 2040) -> st.SearchStrategy[dt.date]:
    return st.dates(dt.date(lo, 1, 1), dt.date(hi, 12, 31))


# Characters of the BMP without control characters (a profile refuses them): the reader
# is YAML 1.1, which refuses the surrogate-pair escapes (`\\ud83d\\ude00`) that JSON
# writers use beyond the BMP. Without NEL, LS and PS either, which PyYAML's writer leaves
# bare in a plain scalar, where its reader folds them into a space.
chars = st.characters(
    max_codepoint=0xFFFF, exclude_categories=["Cs", "Cc"], exclude_characters="\u2028\u2029"
)
words = st.text(chars, min_size=1, max_size=30).filter(str.strip)


@st.composite
def valid_profiles(draw: st.DrawFn, catalog: Catalog) -> dict[str, Any]:
    """The data of a profile the small catalog accepts, with every optional part drawn."""
    data: dict[str, Any] = {
        "manufacturer": draw(words),
        "model": draw(words),
        "category": draw(st.sampled_from(sorted(catalog.categories))),
        "markets": draw(st.lists(st.sampled_from(sorted(catalog.markets)), min_size=1)),
        "version": draw(st.text(chars, max_size=10)),
        "features": draw(st.lists(st.sampled_from(sorted(catalog.features)), unique=True)),
        "note": draw(st.text(chars, max_size=40)),
    }
    ga = draw(_day())
    later = st.builds(lambda days: ga + dt.timedelta(days=days), st.integers(0, 4000))
    support, end = sorted([draw(later), draw(later)])
    data["lifecycle"] = {
        "general_availability": ga.isoformat(),
        "end_of_security_support": support.isoformat(),
        "end_of_life": end.isoformat(),
    }
    blocks = draw(st.lists(st.sampled_from(sorted(catalog.blocks)), unique=True))
    data["claims"] = [
        {
            "block": b,
            "met": draw(st.booleans()),
            "parameters": {
                p.name: draw(st.integers(0, 10**6)) for p in catalog.blocks[b].parameters
            },
            "evidence": draw(st.lists(words, max_size=2)),
        }
        for b in blocks
    ]
    data["requirement_claims"] = [
        {"requirement": r, "status": draw(st.sampled_from([s.value for s in ClaimStatus]))}
        for r in draw(st.lists(st.sampled_from(sorted(catalog.requirement_ids())), max_size=3))
    ]
    schemes = [
        i.id for i in catalog.instruments.values() if i.type is InstrumentType.LABELLING_SCHEME
    ]
    data["labels"] = []
    for scheme in draw(st.lists(st.sampled_from(schemes), max_size=2)):
        levels = sorted({lv.id for e in catalog.editions(scheme) for lv in e.levels})
        start = draw(_day())
        data["labels"].append(
            {
                "scheme": scheme,
                "level": draw(st.sampled_from(levels)),
                "valid_from": start.isoformat(),
                "valid_until": (start + dt.timedelta(days=draw(st.integers(0, 2000)))).isoformat(),
            }
        )
    return data


@pytest.mark.parametrize("form", ["yaml", "json"])
@PROPERTIES
@given(data=st.data())
def test_a_valid_profile_written_back_reads_the_same(
    form: str, data: st.DataObject, folder: Path, small_catalog: Catalog
) -> None:
    given = data.draw(valid_profiles(small_catalog))
    first = load_profile(written(folder, dumped(given, form)), small_catalog)
    assert first == PROFILE.validate_python(given)
    again = load_profile(
        written(folder, dumped(PROFILE.dump_python(first, mode="json"), form)), small_catalog
    )
    assert again == first
