"""Hostile YAML stops while it is parsed: anchors and aliases where they stand, nesting,
the number of values and the size of a file over their limits, each with its line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from prodsec.catalog import CatalogError, compile_catalog
from prodsec.catalog.limits import PROFILE, ParseLimits, json_too_deep
from prodsec.catalog.yamlsrc import YamlError, parse_text, read_document

ASSETS = Path(__file__).resolve().parents[1] / "assets"


def laughs(levels: int) -> str:
    """A "billion laughs" document: each level holds nine aliases of the one above."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def refused(text: str, limits: ParseLimits = PROFILE) -> str:
    with pytest.raises(YamlError) as caught:
        parse_text(text, Path("body"), limits)
    return str(caught.value.issue)


def test_aliases_are_refused_where_they_stand() -> None:
    assert refused("a: [1, 2]\nb: *a\n") == "body:2: (syntax): aliases are not allowed"
    assert refused("a: &x [1, 2]\n") == "body:1: (syntax): anchors and aliases are not allowed"


def test_a_billion_laughs_file_fails_at_once(tmp_path: Path) -> None:
    bomb = tmp_path / "lol.yaml"
    bomb.write_text(laughs(9), encoding="utf-8")
    assert bomb.stat().st_size < 500
    with pytest.raises(YamlError) as caught:
        read_document(bomb)
    assert (caught.value.issue.line, caught.value.issue.message) == (
        1,
        "anchors and aliases are not allowed",
    )


def test_the_catalog_loader_refuses_aliases(tmp_path: Path) -> None:
    data = tmp_path / "catalog"
    shutil.copytree(ASSETS / "catalog", data)
    markets = data / "markets.yaml"
    markets.write_text(markets.read_text(encoding="utf-8") + "extra: *nothing\n", "utf-8")
    with pytest.raises(CatalogError) as caught:
        compile_catalog(data)
    line = len(markets.read_text(encoding="utf-8").splitlines())
    assert caught.value.lines() == [f"{markets}:{line}: (syntax): aliases are not allowed"]


def test_nesting_is_limited_while_parsing() -> None:
    deep = "[" * 64 + "]" * 64
    nested = parse_text(deep, Path("body"), PROFILE).data
    for _ in range(63):
        nested = nested[0]
    assert nested == []
    assert refused("[" * 65 + "]" * 65) == "body:1: (limit): nested deeper than 64 levels"
    # far deeper than any recursive parser goes: refused as soon as level 65 opens
    assert refused('{"a":' * 40_000 + "1" + "}" * 40_000) == (
        "body:1: (limit): nested deeper than 64 levels"
    )
    block = "".join("  " * i + f"k{i}:\n" for i in range(70))
    assert refused(block) == "body:65: (limit): nested deeper than 64 levels"


def test_values_and_bytes_are_counted() -> None:
    small = ParseLimits(max_bytes=100, max_depth=4, max_nodes=5)
    assert parse_text("[1, 2, 3, 4]", Path("body"), small).data == [1, 2, 3, 4]
    assert refused("[1, 2, 3, 4, 5]", small) == "body:1: (limit): more than 5 values"
    assert refused("x" * 101, small) == "body:1: (limit): more than 100 bytes"


def test_a_file_over_its_size_is_not_read(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 200 + "\n", encoding="utf-8")
    with pytest.raises(YamlError) as caught:
        read_document(big, ParseLimits(max_bytes=100, max_depth=4, max_nodes=5))
    assert str(caught.value.issue) == f"{big}:1: (file): a file is read up to 100 bytes"


def test_tags_that_build_objects_are_refused() -> None:
    assert refused("!!python/object/apply:os.system ['true']\n") == (
        "body:1: (syntax): could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system'"
    )
    assert refused("---\na: 1\n---\nb: 2\n") == "body:3: (syntax): only one document is allowed"


def test_json_depth_is_scanned_without_recursion() -> None:
    assert not json_too_deep('{"a": [[["]]]]]]"]]]}', 4)
    assert json_too_deep('{"a": [[[[1]]]]}', 4)
    assert json_too_deep("[" * 100_000, 64)
    assert not json_too_deep('"[[[[[[\\"[[["', 1)
