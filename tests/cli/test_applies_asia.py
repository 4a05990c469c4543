"""`prodsec applies` as text for a router in Brazil, Japan and India and a camera in
Vietnam and Korea: each market's binding lines, exactly."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

Run = Callable[..., tuple[int, str, str]]  # the `run` fixture of conftest.py

STATES = ("  binds", "  upcoming", "  voluntary", "  excluded", "  out-of-scope", "  repealed")


def binding_lines(out: str) -> list[str]:
    """Each market's header and its `binds` and `upcoming` entries with their detail lines."""
    kept: list[str] = []
    keep = False
    for line in out.splitlines():
        if line and not line.startswith(" "):
            keep = ":" in line and not line.startswith(("router ", "smart-camera "))
            if keep:
                kept.append(line)
        elif line.startswith(STATES):
            keep = line.startswith(("  binds", "  upcoming"))
            if keep:
                kept.append(line)
        elif keep and line:
            kept.append(line)
    return kept


ROUTER = [
    "BR: Brazil",
    "  binds        br-anatel-77@2021: applies since 2021-07-05",
    "               from 2021-07-05: 46 requirements",
    "               routes: homologation-declaration",
    "  binds the operator br-anatel-rciber@2024: applies since 2021-01-04",
    "               from 2021-01-04: Art8, Art7",
    "JP: Japan",
    "  binds        jp-mic-terminal-2020@2020: applies since 2020-04-01",
    "               from 2020-04-01: 34-10(1), 34-10(2), 34-10(3), 34-10(4)",
    "               routes: conformity-certification, design-certification, self-confirmation",
    "IN: India",
    "  binds        in-itsar@2024: applies since 2024-10-01",
    "               from 2024-10-01 (unverified): Cert, ITSAR",
    "               routes: tstl-nccs-certification",
]
CAMERA_2025 = [
    "VN: Vietnam",
    "  upcoming     vn-qcvn-135-2024@2024: applies from 2026-01-01",
    "               from 2026-01-01: 10 requirements",
    "               routes: certification-and-declaration",
    "KR: South Korea",
    "  binds        kr-rra-video-pw-2019@2019: applies since 2019-02-01",
    "               from 2019-02-01: 15-3",
    "               routes: conformity-assessment",
]


@pytest.mark.parametrize(
    ("category", "markets", "on", "expected"),
    [
        ("router", "BR,JP,IN", "2026-06-01", ROUTER),
        ("smart-camera", "VN,KR", "2025-06-01", CAMERA_2025),
    ],
)
def test_binding_lines_per_market(
    run: Run, category: str, markets: str, on: str, expected: list[str]
) -> None:
    code, out, _ = run("applies", "-c", category, "-m", markets, "--on", on)
    assert code == 0
    assert binding_lines(out) == expected


def test_an_instrument_the_role_bears_nothing_of_names_who_it_binds(run: Run) -> None:
    """R-Ciber binds the telecom operator that lends the router, Ato 77 its maker."""
    code, out, _ = run(
        "applies", "-c", "router", "-m", "BR", "--on", "2026-06-01", "--role", "operator"
    )
    assert code == 0
    assert binding_lines(out) == [
        "BR: Brazil",
        "  binds the manufacturer br-anatel-77@2021: applies since 2021-07-05",
        "               from 2021-07-05: 46 requirements",
        "               routes: homologation-declaration",
        "  binds        br-anatel-rciber@2024: applies since 2021-01-04",
        "               from 2021-01-04: Art8, Art7",
    ]
    code, out, _ = run("applies", "-c", "router", "-m", "BR", "--on", "2026-06-01", "-f", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["role"] == "manufacturer"
    assert [
        (f["instrument"], f["state"], f["actors"], f["role_bears"])
        for f in doc["markets"][0]["binds"]
    ] == [
        ("br-anatel-77@2021", "binds", ["manufacturer"], True),
        ("br-anatel-rciber@2024", "binds", ["operator"], False),
    ]
    code, _, err = run("applies", "-c", "router", "-m", "BR", "--role", "landlord")
    assert code == 2
    assert "landlord" in err
