"""A broken data file: every error as file:line: field: message, and nothing loads."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from prodsec.catalog import CatalogError, compile_catalog, load_catalog
from prodsec.catalog.load import cache_dir, data_hash
from prodsec.errors import DataError

V2 = "instruments/etsi-en-303-645/2.1.1.yaml"

Editor = Callable[[Path, str, str], None]


def _issues(root: Path) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        compile_catalog(root)
    return [str(i).replace(str(root) + os.sep, "") for i in caught.value.issues]


def test_every_error_in_one_file_is_reported_with_line_and_field(
    data_copy: Path, edit: Editor
) -> None:
    path = data_copy / V2
    edit(
        path,
        "    strength: shall\n    status: M C\n    conditions: ['1']",
        "    strength: must\n    status: M C\n    conditions: ['1']",
    )
    edit(path, "  - ref: 5.4-3\n    parent: '5.4'\n", "  - ref: 5.4-3\n    parent: '5.99'\n")
    edit(
        path,
        "  - ref: 5.13-1\n    parent: '5.13'\n",
        "  - ref: 5.13-1\n    parent: '5.13'\n    colour: red\n",
    )
    # Schema errors stop that file before the cross-file checks, so the bad parent of
    # 5.4-3 is reported only once the schema errors are fixed (see the next test).
    assert _issues(data_copy) == [
        f"{V2}:78: requirements[5.1-1].strength: Input should be 'shall', 'should' or 'may'",
        f"{V2}:709: requirements[5.13-1].colour: unknown field",
    ]


def test_cross_file_errors_are_all_reported_at_once(data_copy: Path, edit: Editor) -> None:
    path = data_copy / V2
    edit(path, "  - ref: 5.4-3\n    parent: '5.4'\n", "  - ref: 5.4-3\n    parent: '5.99'\n")
    edit(path, "    conditions: ['13']", "    conditions: ['99']")
    mapping = data_copy / "mappings/uk-cop-iot@2018.yaml"
    edit(mapping, '{ref: "13", block: input-validation', '{ref: "14", block: input-checking')
    edit(
        data_copy / "mappings/etsi-en-303-645@2.1.1.yaml",
        "{ref: 5.3-13, block: published-support-period, relationship: equal}",
        "{ref: 5.3-13, block: minimum-support-period, relationship: equal, "
        "bindings: {min_support_years: five}}",
    )
    assert _issues(data_copy) == [
        f"{V2}:356: requirements[5.4-3].parent: unknown parent '5.99'",
        f"{V2}:490: requirements[5.6-4].conditions[0]: '99' is not declared in the header's conditions",
        "mappings/etsi-en-303-645@2.1.1.yaml:31: mappings[5.3-13].bindings.min_support_years: "
        "value 'five' is not of type integer",
        "mappings/uk-cop-iot@2018.yaml:34: mappings[14].block: unknown building block 'input-checking'",
        "mappings/uk-cop-iot@2018.yaml:34: mappings[14].ref: no requirement '14' in uk-cop-iot@2018",
    ]


def test_file_name_must_match_id_and_edition(data_copy: Path) -> None:
    (data_copy / V2).rename(data_copy / "instruments/etsi-en-303-645/2.1.2.yaml")
    issues = _issues(data_copy)
    assert issues[0] == (
        "instruments/etsi-en-303-645/2.1.2.yaml:3: id: "
        "file is named for etsi-en-303-645@2.1.2 but holds etsi-en-303-645@2.1.1"
    )


def test_duplicate_keys_and_ids_are_errors(data_copy: Path, edit: Editor) -> None:
    edit(data_copy / V2, "revision: 2\n", "revision: 2\nrevision: 3\n")
    blocks = data_copy / "building-blocks.yaml"
    edit(blocks, "  - id: least-privilege\n", "  - id: secure-boot\n")
    assert _issues(data_copy) == [
        "building-blocks.yaml:236: blocks[secure-boot]: duplicate block id 'secure-boot'",
        f"{V2}:6: revision: duplicate key",
        # the renamed block is gone, so the mappings onto it are reported too
        "mappings/etsi-en-303-645@3.1.3.yaml:60: mappings[5.6-7].block: "
        "unknown building block 'least-privilege'",
        "mappings/etsi-en-303-645@3.1.3.yaml:61: mappings[5.6-8].block: "
        "unknown building block 'least-privilege'",
        "mappings/fi-traficom-label@2019.yaml:36: mappings[5.6-7].block: "
        "unknown building block 'least-privilege'",
        "mappings/iec-62443-4-2@2019.yaml:55: mappings[CR 5.4].block: "
        "unknown building block 'least-privilege'",
        "mappings/uk-cop-iot@2018.yaml:22: mappings[6].block: unknown building block 'least-privilege'",
        "mappings/us-eo-14028@2021.yaml:18: mappings[4(i)].block: "
        "unknown building block 'least-privilege'",
        "mappings/us-eo-14028@2021.yaml:19: mappings[4(j)].block: "
        "unknown building block 'least-privilege'",
    ]


def test_yaml_syntax_error_names_the_line(data_copy: Path, edit: Editor) -> None:
    edit(data_copy / "features.yaml", "  - {id: radio,", "  - {id: radio,,")
    assert _issues(data_copy) == ["features.yaml:40: (syntax): did not find expected node content"]


def test_a_registration_expiry_needs_its_group(data_copy: Path, edit: Editor) -> None:
    edit(data_copy / "instruments/sg-cls/2025.yaml", "(?P<expiry>", "(")
    [issue] = _issues(data_copy)
    assert issue.startswith("instruments/sg-cls/2025.yaml:")
    assert issue.endswith(
        ": label: registration_expiry needs an (?P<expiry>...) group in the pattern"
    )


def test_broken_catalog_loads_nothing_and_caches_nothing(data_copy: Path, edit: Editor) -> None:
    edit(
        data_copy / "categories.yaml",
        "id: router, title: Router or modem, parents: [consumer-iot-device, smart-device]",
        "id: router, title: Router or modem, parents: [consumer-iot-device, smart-devices]",
    )
    before = sorted(cache_dir().glob("*")) if cache_dir().exists() else []
    with pytest.raises(CatalogError) as caught:
        load_catalog(data_copy)
    assert [str(i).replace(str(data_copy) + os.sep, "") for i in caught.value.issues] == [
        "categories.yaml:11: categories[router].parents[1]: unknown category 'smart-devices'"
    ]
    assert str(caught.value).replace(str(data_copy) + os.sep, "") == (
        "1 problem in the catalog data\n"
        "categories.yaml:11: categories[router].parents[1]: unknown category 'smart-devices'"
    )
    assert isinstance(caught.value, DataError)
    assert (caught.value.exit_code, caught.value.status) == (1, 422)
    after = sorted(cache_dir().glob("*")) if cache_dir().exists() else []
    assert after == before
    assert not any(data_hash(data_copy)[:32] in p.name for p in after)


def test_an_edit_invalidates_the_compiled_cache(data_copy: Path, edit: Editor) -> None:
    first = load_catalog(data_copy)
    assert first.requirement("uk-cop-iot@2018:13").gist.startswith("Validate data")
    edit(
        data_copy / "instruments/uk-cop-iot/2018.yaml",
        'gist: "Validate data arriving',
        'gist: "Check data arriving',
    )
    second = load_catalog(data_copy)
    assert second.requirement("uk-cop-iot@2018:13").gist.startswith("Check data")
    assert second.data_hash != first.data_hash


def test_scope_class_market_and_recognition_references_are_checked(
    data_copy: Path, edit: Editor
) -> None:
    cra = data_copy / "instruments/eu-cra/2024-2847.yaml"
    edit(
        cra,
        'when: ["social-interaction | location-tracking"]',
        'when: ["social-interaction | gps"]',
    )
    edit(cra, "rank: 2, categories: [hypervisor,", "rank: 2, categories: [hypervisr,")
    edit(cra, "routes: [eu-certification-required, module-b-c", "routes: [eu-cert, module-b-c")
    psti = data_copy / "instruments/uk-psti/2024-04-29.yaml"
    edit(psti, '{category: tablet, when: ["!cellular",', '{category: tablet, when: ["!cellphone",')
    markets = data_copy / "markets.yaml"
    edit(markets, "  - {id: KR, title: South Korea", "  - {id: JP, title: South Korea")
    rec = data_copy / "recognition.yaml"
    edit(rec, "    grants: [Art3-3f]", "    grants: [Art3-3g]")
    edit(rec, "refs: [SUM-2]", "refs: [SUM-9]")
    edit(rec, "    origin_level: basic\n", "    origin_level: premium\n")
    edit(
        rec,
        '    target_level: "2"\n    excluded_categories: [smart-lock,',
        '    target_level: "2"\n    excluded_categories: [smart-locks,',
    )
    edit(
        rec,
        '    arrangement: sg-kr-mra-2024\n    source: "CSA press release 16 Oct 2024 [CSA-KR-DE-2024]"\n    confidence: verified\n    note: CIC',
        '    arrangement: sg-kr-mra\n    source: "CSA press release 16 Oct 2024 [CSA-KR-DE-2024]"\n    confidence: verified\n    note: CIC',
    )
    jc_star = data_copy / "instruments/jp-jc-star/1.1.yaml"
    edit(
        jc_star,
        "routes: [evaluation-body], confidence: unverified, offered: false, note: Not in",
        "routes: [lab], confidence: unverified, offered: false, note: Not in",
    )
    edit(
        rec,
        "    valid_from: 2025-01-30\n    valid_until: 2027-12-11\n    source: Implementing "
        "Decision (EU) 2025/138 (OJ 30 Jan 2025), citing EN 18031-1",
        "    valid_from: 2028-01-30\n    valid_until: 2027-12-11\n    source: Implementing "
        "Decision (EU) 2025/138 (OJ 30 Jan 2025), citing EN 18031-1",
    )
    assert _issues(data_copy) == [
        "instruments/eu-cra/2024-2847.yaml:56: classes[important-class-i-toy].when: "
        "unknown product feature 'gps'",
        "instruments/eu-cra/2024-2847.yaml:58: classes[important-class-ii].categories[0]: "
        "unknown category 'hypervisr'",
        "instruments/eu-cra/2024-2847.yaml:59: classes[critical].routes[0]: "
        "'eu-cert' is not a conformity route",
        "instruments/jp-jc-star/1.1.yaml:35: levels[4].routes[0]: 'lab' is not a conformity route",
        "instruments/uk-psti/2024-04-29.yaml:29: scope.exclusions[7].when: "
        "unknown product feature 'cellphone'",
        "markets.yaml:42: markets[JP]: duplicate market id 'JP'",
        "recognition.yaml:142: edges[bsi-label-cls-level-2].excluded_categories[0]: "
        "unknown category 'smart-locks'",
        "recognition.yaml:164: edges[cic-basic-cls-level-3].origin_level: "
        "no level 'premium' in kr-kisa-cic",
        "recognition.yaml:169: edges[cic-basic-cls-level-3].arrangement: "
        "unknown arrangement 'sg-kr-mra'",
        "recognition.yaml:213: edges[en-18031-1-red-d].valid_until: must be later than valid_from",
        "recognition.yaml:240: edges[en-18031-3-red-f].grants[0]: "
        "no requirement 'Art3-3g' in eu-red-da@2022-30",
        "recognition.yaml:249: edges[en-18031-3-red-f].restrictions[2].refs[0]: "
        "no requirement 'SUM-9' in en-18031@3-2024",
    ]


def test_an_instruments_actors_are_the_union_of_its_requirements(
    data_copy: Path, edit: Editor
) -> None:
    psti = "instruments/uk-psti/2024-04-29.yaml"
    edit(
        data_copy / psti,
        "\nactors: [manufacturer, importer, distributor]\n",
        "\nactors: [manufacturer, lab]\n",
    )
    edit(
        data_copy / psti,
        "    actors: [importer, distributor]\n",
        "    actors: [importer, distributor, government]\n",
    )
    assert _issues(data_copy) == [
        f"{psti}:34: actors[1]: 'lab' bears no requirement of this instrument",
        f"{psti}:100: requirements[Sch4-1].actors[1]: 'importer' bears requirement Sch4-1 "
        "but is missing from the header's actors",
        f"{psti}:112: requirements[Duties-1].actors[2]: 'distributor' bears requirement Duties-1 "
        "but is missing from the header's actors",
        f"{psti}:124: requirements[Duties-2].actors[2]: 'government' bears requirement Duties-2 "
        "but is missing from the header's actors",
    ]


def test_every_requirement_names_its_actors(data_copy: Path, edit: Editor) -> None:
    psti = "instruments/uk-psti/2024-04-29.yaml"
    edit(data_copy / psti, "    actors: [importer, distributor]\n", "    actors: []\n")
    assert _issues(data_copy) == [
        f"{psti}:124: requirements[Duties-2].actors: "
        "Tuple should have at least 1 item after validation, not 0",
    ]
