"""`prodsec catalog list` by layer and region, `catalog world`, and facts in `catalog show`,
run for real against the packaged catalog."""

from __future__ import annotations

import json
from collections.abc import Callable

Run = Callable[..., tuple[int, str, str]]  # the `run` fixture of conftest.py

SOFT_LAW = [
    "charter-of-trust@2018",
    "oecd-0481@2022",
    "oecd-0482@2022",
    "paris-call@2018",
    "tech-accord@2018",
    "un-gge-2021@A-76-135",
    "un-oewg-2021@A-75-816",
]


def test_list_filters_by_region_layer_and_binding(run: Run) -> None:
    code, out, _ = run(
        "catalog", "list", "--region", "international", "--layer", "principle", "-f", "json"
    )
    assert code == 0
    assert [i["key"] for i in json.loads(out)] == SOFT_LAW
    code, out, _ = run(
        "catalog", "list", "--region", "asia-pacific", "--binding", "mandatory", "-f", "csv"
    )
    assert (code, [line.split(",")[0] for line in out.splitlines()]) == (
        0,
        [
            "key",
            "au-smart-devices@2025",
            "cn-gb-40050@2021",
            "cn-vuln-2021@2021",
            "in-itsar@2024",
            "in-meity-cctv-er@2024",
            "jp-mic-terminal-2020@2020",
            "kr-rra-video-pw-2019@2019",
            "sg-imda-rg-sec@2",
            "unece-r155@00-series",
            "unece-r156@00-series",
            "vn-qcvn-135-2024@2024",
        ],
    )


def test_list_grouped_by_region_puts_a_shared_statement_under_each(run: Run) -> None:
    code, out, _ = run(
        "catalog", "list", "--group-by", "region", "--layer", "principle", "-f", "json"
    )
    assert code == 0
    groups = json.loads(out)
    assert [(g["group"], g["title"], [i["key"] for i in g["instruments"]]) for g in groups] == [
        ("europe", "Europe", ["fvey-iot-soi-2019@2019"]),
        ("americas", "The Americas", ["fvey-iot-soi-2019@2019"]),
        ("asia-pacific", "Asia and the Pacific", ["fvey-iot-soi-2019@2019"]),
        ("international", "International", SOFT_LAW),
    ]
    code, out, _ = run("catalog", "list", "--group-by", "layer", "-j", "GB", "-f", "csv")
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "group,key,title,type,bindingness,jurisdictions,requirement_count"
    assert [",".join(line.split(",")[:2]) for line in lines[1:]] == [
        "principle,fvey-iot-soi-2019@2019",
        "outcome,uk-cop-iot@2018",
        "baseline,uk-psti@2024-04-29",
        "baseline,uk-psti@2025-02-25",
        "baseline,uk-psti@2025-12-04",
    ]


def test_list_counts_each_editions_facts_as_show_does(run: Run) -> None:
    code, out, _ = run("catalog", "list", "-j", "GB", "-f", "json")
    assert code == 0
    listed = {i["key"]: i["confidence"]["facts"] for i in json.loads(out)}
    assert listed["uk-psti@2025-12-04"] == {
        "verified": 3,
        "secondary": 7,
        "unverified": 0,
        "total": 10,
    }
    for key in listed:
        code, out, _ = run("catalog", "show", key, "-f", "json")
        assert json.loads(out)["confidence"]["facts"] == listed[key], key


def test_an_unknown_region_exits_2_with_the_valid_ones(run: Run) -> None:
    code, out, err = run("catalog", "list", "--region", "oceania")
    assert (code, out) == (2, "")
    assert err == (
        "error: unknown region 'oceania'; valid values: americas, asia-pacific, europe, "
        "international, middle-east-africa\n"
    )


def test_world_names_what_binds_where_and_since_when(run: Run) -> None:
    code, out, _ = run("catalog", "world", "--on", "2026-01-01", "-f", "json")
    assert code == 0
    view = json.loads(out)
    assert view["on"] == "2026-01-01"
    rows = {
        row["jurisdiction"]: {
            layer: [f"{e['instrument']} {e['status']} {e['since']}" for e in entries]
            for layer, entries in row["cells"].items()
            if entries
        }
        for region in view["regions"]
        for row in region["rows"]
    }
    assert rows["EU"]["baseline"] == ["eu-cra@2024-2847 upcoming 2026-09-11"]
    assert rows["EU"]["outcome"] == [
        "eu-ai-act@2024-1689 upcoming 2026-08-02",
        "eu-machinery@2023-1230 upcoming 2027-01-20",
        "eu-mdr-cyber@2017-745 binds 2021-05-26",
        "eu-red-da@2022-30 binds 2025-08-01",
        "unece-r155@00-series binds 2022-07-06",
        "unece-r156@00-series binds 2022-07-06",
    ]
    assert rows["AU"] == {
        "principle": ["fvey-iot-soi-2019@2019 voluntary 2019-07-31"],
        "baseline": ["au-smart-devices@2025 upcoming 2026-03-04"],
    }
    assert rows["US-CA"] == {"outcome": ["us-ca-sb327@2018 binds 2020-01-01"]}
    assert [r["region"] for r in view["regions"]] == [
        "europe",
        "americas",
        "asia-pacific",
        "middle-east-africa",
        "international",
    ]
    assert [row["jurisdiction"] for row in view["regions"][0]["rows"]] == ["DE", "EU", "FI", "GB"]
    assert view["regions"][3]["rows"] == []


def test_show_counts_the_facts_by_confidence(run: Run) -> None:
    code, out, _ = run("catalog", "show", "paris-call", "-f", "json")
    assert code == 0
    assert json.loads(out)["confidence"] == {
        "requirements": {"verified": 8, "secondary": 1, "unverified": 0, "total": 9},
        "dates": {"verified": 1, "secondary": 0, "unverified": 0, "total": 1},
        "facts": {"verified": 9, "secondary": 1, "unverified": 0, "total": 10},
    }
    code, out, _ = run("catalog", "show", "tech-accord", "-f", "md")
    assert code == 0
    assert "(facts: 0 verified, 5 secondary, 0 unverified)" in out
