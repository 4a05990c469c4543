"""What the engine keeps between products (findings per combination, judged lines per
claim state, instrument and label results per product state) never changes an answer: a
fleet of varied products judged one after another on a warm engine reads exactly as each
judged alone on an empty one, and products in the same claim state share their results."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from pathlib import Path

import pytest

from prodsec.assess.applicability import known_of, starts_of
from prodsec.assess.evaluate import assess
from prodsec.assess.index import index_of
from prodsec.assess.profile import (
    ClaimStatus,
    HeldLabel,
    Profile,
    RequirementClaim,
    load_profile,
)
from prodsec.assess.report import assessment_view
from prodsec.catalog import Catalog, load_catalog

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DAYS = (dt.date(2026, 6, 1), dt.date(2028, 1, 1))


def varied(catalog: Catalog, size: int) -> list[Profile]:
    """Products from the examples with claims flipped, support periods, features, markets
    and labels varied, a few with a requirement claim (seeded)."""
    base = [load_profile(p, catalog) for p in sorted(EXAMPLES.glob("*.yaml"))]
    rng = random.Random(20261130)
    markets, features = sorted(catalog.markets), sorted(catalog.features)
    cls = HeldLabel("sg-cls", dt.date(2025, 1, 1), level="2", valid_until=dt.date(2027, 1, 1))
    found = []
    for n in range(size):
        p = base[n % len(base)]
        claims = tuple(dataclasses.replace(c, met=rng.random() > 0.3) for c in p.claims)
        life = p.lifecycle
        if life.general_availability is not None:
            years = rng.choice((2, 3, 5, 7))
            end = life.general_availability + dt.timedelta(days=int(365.25 * years))
            life = dataclasses.replace(life, end_of_security_support=end, end_of_life=None)
        p = dataclasses.replace(p, claims=claims, lifecycle=life, model=f"{p.model} #{n}")
        if n % 3 == 1:
            chosen = tuple(sorted(rng.sample(markets, rng.randint(1, 3))))
            extra = tuple(sorted(rng.sample(features, rng.randint(0, 4))))
            p = dataclasses.replace(p, markets=chosen, features=extra)
        if n % 4 == 2:
            p = dataclasses.replace(p, labels=(*p.labels, cls) if rng.random() > 0.5 else ())
        if n % 7 == 3:
            said = RequirementClaim("uk-psti@2025-12-04:Sch1-2", ClaimStatus.NOT_MET)
            p = dataclasses.replace(p, requirement_claims=(said,))
        found.append(p)
    # twins: the same claims, one other thing changed, so that a state the engine keeps
    # without what tells them apart would answer the second with the first's verdicts
    twins = []
    for n, p in enumerate(found[:30]):
        match n % 3:
            case 0:
                labels = () if p.labels else (cls,)
                twins.append(dataclasses.replace(p, labels=labels))
            case 1:
                support = p.lifecycle.end_of_security_support
                later = None if support is None else support + dt.timedelta(days=3 * 365)
                life = dataclasses.replace(p.lifecycle, end_of_security_support=later)
                twins.append(dataclasses.replace(p, lifecycle=life))
            case _:
                more = tuple(sorted({*p.features, *rng.sample(features, 3)}))
                twins.append(dataclasses.replace(p, features=more))
    return found + twins


def alone(catalog: Catalog, profile: Profile, on: dt.date) -> str:
    """The product judged on an empty engine (every catalog's engine emptied first)."""
    for memo in (index_of, known_of, starts_of):
        memo.clear()
    return json.dumps(assessment_view(assess(catalog, profile, on)), sort_keys=True)


@pytest.fixture(scope="module")
def fleet() -> tuple[Catalog, list[Profile]]:
    catalog = load_catalog()
    return catalog, varied(catalog, 45)


def test_a_warm_engine_answers_as_an_empty_one(
    catalog: Catalog, fleet: tuple[Catalog, list[Profile]]
) -> None:
    warm, products = fleet
    expected = [alone(catalog, p, day) for day in DAYS for p in products]
    for day in DAYS:
        for p in products:
            assess(warm, p, day)  # fills what the engine keeps
    found = [
        json.dumps(assessment_view(assess(warm, p, day)), sort_keys=True)
        for day in DAYS
        for p in products
    ]
    differ = [n for n, (one, other) in enumerate(zip(found, expected, strict=True)) if one != other]
    assert differ == []


def test_products_in_the_same_claim_state_share_their_results(
    fleet: tuple[Catalog, list[Profile]],
) -> None:
    catalog, products = fleet
    camera = products[11]  # a smart camera with a default password: GB, EU, AU, SG
    twin = dataclasses.replace(camera, model="twin")
    first, second = (assess(catalog, p, DAYS[0]) for p in (camera, twin))
    assert [r.instrument.key for r in first.instruments] == [
        "uk-psti@2025-12-04",
        "eu-cra@2024-2847",
        "eu-red-da@2022-30",
        "au-smart-devices@2025",
    ]
    for mine, theirs in zip(first.instruments, second.instruments, strict=True):
        assert mine is theirs  # the same result, made once
    assert first.labels == second.labels
    flipped = dataclasses.replace(
        twin, claims=tuple(dataclasses.replace(c, met=not c.met) for c in twin.claims)
    )
    third = assess(catalog, flipped, DAYS[0])
    assert third.instruments[1].requirements is not first.instruments[1].requirements


def test_past_its_budget_the_engine_drops_what_it_kept_and_answers_the_same(
    fleet: tuple[Catalog, list[Profile]],
) -> None:
    catalog, products = fleet
    index = index_of(catalog)
    camera = products[11]
    before = json.dumps(assessment_view(assess(catalog, camera, DAYS[0])), sort_keys=True)
    assert index.programs
    index.kept = index.KEPT  # the next result kept crosses the budget
    ga = camera.lifecycle.general_availability
    assert ga is not None
    odd = dataclasses.replace(camera.lifecycle, end_of_security_support=ga + dt.timedelta(4001))
    assess(catalog, dataclasses.replace(camera, lifecycle=odd), DAYS[0])  # a state not seen
    assert index.kept < 100  # counting again from nought: the tables were dropped
    after = json.dumps(assessment_view(assess(catalog, camera, DAYS[0])), sort_keys=True)
    assert after == before
