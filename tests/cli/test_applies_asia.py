"""`prodsec applies` as text for a router in Brazil, Japan and India and a camera in
Vietnam and Korea: each market's binding lines, exactly."""

from __future__ import annotations

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
    "  binds        br-anatel-rciber@2024: applies since 2021-01-04",
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
