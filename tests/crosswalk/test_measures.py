"""Harmonisation measures, pinned on the catalog's own data."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from prodsec.catalog import Catalog
from prodsec.catalog.vocab import Bindingness
from prodsec.crosswalk.measures import (
    Counted,
    Grain,
    Selection,
    Themes,
    common_core,
    coverage,
    jaccard,
    jaccard_matrix,
    overlap,
    select,
    spread,
    timeline,
    uncovered,
)
from prodsec.errors import NotFoundError

MANDATORY = (Bindingness.MANDATORY,)
GB_AU = Selection(
    bindingness=MANDATORY,
    category="consumer-iot-device",
    on=dt.date(2026, 6, 1),
    jurisdictions=("GB", "AU"),
    requirements=Counted.MANDATORY,
)


def keys(insts: list) -> list[str]:  # type: ignore[type-arg]
    return [i.key for i in insts]


def test_common_core_of_gb_and_au_is_the_three_converging_blocks(catalog: Catalog) -> None:
    insts, core = common_core(catalog, GB_AU)
    assert keys(insts) == ["au-smart-devices@2025", "uk-psti@2025-12-04"]
    assert core == [
        "no-universal-default-passwords",
        "vulnerability-disclosure-policy",
        "published-support-period",
    ]
    assert GB_AU.describe() == (
        "mandatory; category consumer-iot-device; on 2026-06-01; jurisdictions GB, AU; "
        "mandatory requirements; outcome grain; security themes"
    )


def test_detail_grain_and_all_themes_show_what_the_outcome_grain_folds(catalog: Catalog) -> None:
    _, detail = common_core(catalog, dataclasses.replace(GB_AU, grain=Grain.DETAIL))
    assert detail == [
        "no-universal-default-passwords",
        "strong-preinstalled-passwords",
        "vulnerability-disclosure-policy",
        "published-support-period",
    ]
    _, every = common_core(catalog, dataclasses.replace(GB_AU, themes=Themes.ALL))
    assert every[-1] == "declaration-of-conformity"


def test_before_australia_applies_only_gb_binds(catalog: Catalog) -> None:
    before = dataclasses.replace(GB_AU, on=dt.date(2026, 3, 3))
    assert keys(select(catalog, before)) == ["uk-psti@2025-12-04"]
    after = dataclasses.replace(GB_AU, on=dt.date(2026, 3, 4))
    assert keys(select(catalog, after)) == ["au-smart-devices@2025", "uk-psti@2025-12-04"]


def test_psti_and_australia_overlap(catalog: Catalog) -> None:
    pair = Selection(instruments=("uk-psti@2025-12-04", "au-smart-devices@2025"))
    found = overlap(catalog, pair)
    assert found.all == ((1.0, 1.0), (1.0, 1.0))
    # counting market obligations: PSTI adds duties of importers and notifications
    everything = overlap(catalog, dataclasses.replace(pair, themes=Themes.ALL))
    assert everything.all[0][1] == pytest.approx(4 / 6)
    red_ctm = overlap(catalog, Selection(instruments=("eu-red-da@2022-30", "us-fcc-ctm@2024")))
    assert red_ctm.all[0][1] == pytest.approx(3 / 28)


def test_jaccard_of_nothing_is_undefined() -> None:
    assert jaccard(set(), set()) is None
    assert jaccard({"a"}, set()) == 0.0


def test_coverage_counts_full_and_partial(catalog: Catalog) -> None:
    rows = coverage(catalog, Selection(bindingness=MANDATORY, on=dt.date(2028, 1, 1)))
    found = {r.instrument.key: (r.full, r.partial, r.total) for r in rows}
    assert found == {
        "au-smart-devices@2025": (3, 0, 72),
        "br-anatel-77@2021": (10, 29, 72),
        "br-anatel-rciber@2024": (0, 2, 72),
        "cn-gb-40050@2021": (0, 15, 72),
        "cn-vuln-2021@2021": (0, 6, 72),
        "eu-ai-act@2024-1689": (0, 11, 72),
        "eu-cra@2024-2847": (33, 12, 72),
        "eu-machinery@2023-1230": (0, 12, 72),
        "eu-mdr-cyber@2017-745": (0, 8, 72),
        "in-itsar@2024": (0, 4, 72),
        "in-meity-cctv-er@2024": (0, 3, 72),
        "jp-mic-terminal-2020@2020": (1, 4, 72),
        "kr-rra-video-pw-2019@2019": (1, 0, 72),
        "sg-imda-rg-sec@2": (0, 9, 72),
        "uk-psti@2025-12-04": (3, 0, 72),
        "unece-r155@00-series": (2, 10, 72),
        "unece-r156@00-series": (0, 7, 72),
        "us-ca-sb327@2018": (1, 4, 72),
        "us-fda-524b@2022": (1, 7, 72),
        "us-or-hb2395@2019": (1, 4, 72),
        "vn-qcvn-135-2024@2024": (1, 11, 72),
    }


def test_uncovered_by_the_binding_regimes_of_gb_au_and_the_eu(catalog: Catalog) -> None:
    selection = Selection(
        bindingness=MANDATORY,
        category="consumer-iot-device",
        on=dt.date(2028, 1, 1),
        jurisdictions=("GB", "AU", "EU"),
        requirements=Counted.MANDATORY,
    )
    insts, blocks = uncovered(catalog, selection)
    assert keys(insts) == ["au-smart-devices@2025", "eu-cra@2024-2847", "uk-psti@2025-12-04"]
    assert blocks[:4] == [
        "changeable-credentials",
        "brute-force-protection",
        "non-updatable-device-handling",
        "secure-parameter-storage",
    ]
    # the vehicle, machinery and AI blocks are outside every consumer regime
    assert blocks[-4:] == [
        "periodic-security-reporting",
        "certified-update-management-system",
        "software-version-record",
        "adversarial-robustness",
    ]
    # the CRA's support-period duty holds vulnerability monitoring, and its confidentiality
    # of data in transit holds personal data (issue 14 review)
    assert "vulnerability-monitoring" not in blocks
    assert "personal-data-in-transit" not in blocks
    # Annex I Part II (2) handles each vulnerability through to its fix, in part the
    # documented vulnerability handling process
    assert "vulnerability-handling-process" not in blocks
    assert len(blocks) == 27


def test_spread_of_support_years_and_reporting_deadlines(catalog: Catalog) -> None:
    years = spread(catalog, Selection(bindingness=MANDATORY), "min_support_years")
    assert [(s.instrument.key, s.value, s.ref) for s in years.settings] == [
        ("br-anatel-77@2021", 2, "6.1.4"),
        ("eu-cra@2024-2847", 5, "Art13-8"),
    ]
    assert (years.strictest, years.blocks) == (5, ("minimum-support-period",))
    assert keys(list(years.silent)) == [
        "au-smart-devices@2025",
        "br-anatel-rciber@2024",
        "cn-gb-40050@2021",
        "cn-vuln-2021@2021",
        "eu-ai-act@2024-1689",
        "eu-machinery@2023-1230",
        "eu-mdr-cyber@2017-745",
        "eu-red-da@2022-30",
        "in-itsar@2024",
        "in-meity-cctv-er@2024",
        "jp-mic-terminal-2020@2020",
        "kr-rra-video-pw-2019@2019",
        "sg-imda-rg-sec@2",
        "uk-psti@2025-12-04",
        "unece-r155@00-series",
        "unece-r156@00-series",
        "us-ca-sb327@2018",
        "us-fda-524b@2022",
        "us-or-hb2395@2019",
        "vn-qcvn-135-2024@2024",
    ]
    labels = spread(catalog, Selection(), "validity_years")
    assert sorted((s.instrument.id, s.value) for s in labels.settings) == [
        ("de-bsi-itsk", 2),
        ("eu-eucc", 5),
        ("jp-jc-star", 2),
        ("kr-kisa-cic", 3),
        ("sg-cls", 3),
        ("sg-cls-md", 3),
    ]
    # a shorter label term asks the scheme to re-check more often: lower is stricter
    assert labels.strictest == 2


def test_an_unknown_parameter_lists_the_known_ones(catalog: Catalog) -> None:
    with pytest.raises(NotFoundError) as caught:
        spread(catalog, Selection(), "support_years")
    assert str(caught.value).startswith(
        "unknown parameter 'support_years'; valid values: acknowledgement_days, "
        "all_software_days, all_software_months, annex5_mitigations"
    )


def test_timeline_of_gb_and_au(catalog: Catalog) -> None:
    events = timeline(
        catalog,
        Selection(bindingness=MANDATORY, jurisdictions=("GB", "AU"), on=dt.date(2026, 12, 31)),
    )
    applies = [
        (m.day.isoformat(), m.jurisdiction, m.instrument.key) for m in events if m.kind == "applies"
    ]
    assert applies == [
        ("2026-03-04", "AU", "au-smart-devices@2025"),
        ("2024-04-29", "GB", "uk-psti@2024-04-29"),
        ("2025-02-25", "GB", "uk-psti@2025-02-25"),
        ("2025-12-04", "GB", "uk-psti@2025-12-04"),
    ]


def test_q1_nothing_is_common_to_every_binding_consumer_iot_regime(catalog: Catalog) -> None:
    selection = Selection(
        bindingness=MANDATORY,
        category="consumer-iot-device",
        on=dt.date(2026, 1, 1),
        requirements=Counted.MANDATORY,
    )
    insts, core = common_core(catalog, selection)
    assert (keys(insts), core) == (
        [
            "cn-gb-40050@2021",
            "cn-vuln-2021@2021",
            "eu-red-da@2022-30",
            "jp-mic-terminal-2020@2020",
            "uk-psti@2025-12-04",
            "us-ca-sb327@2018",
            "us-or-hb2395@2019",
        ],
        [],
    )


def test_the_bitset_matrix_equals_jaccard_over_sets() -> None:
    sets = [set(), {"a"}, {"a", "b"}, {"b", "c", "d"}, {"a", "b", "c", "d"}]
    bit = {"a": 1, "b": 2, "c": 4, "d": 8}
    masks = [sum(bit[x] for x in s) for s in sets]
    expected = tuple(tuple(jaccard(x, y) for y in sets) for x in sets)
    assert jaccard_matrix(masks) == expected
    assert jaccard_matrix(masks)[2] == (0.0, 0.5, 1.0, 0.25, 0.5)
    assert jaccard_matrix([0, 0]) == ((None, None), (None, None))
