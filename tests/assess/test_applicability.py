"""`applies`: which instruments bind a product in its markets on a date, and why not."""

from __future__ import annotations

import datetime as dt

import pytest

from prodsec.assess.applicability import Answer, Finding, applies
from prodsec.catalog import Catalog
from prodsec.errors import NotFoundError

# The machinery, AI, vehicle and medical rules and the EUCC, as a consumer camera in the
# EU sees them: out of scope, and the certification scheme on offer.
EU_BEYOND_CONSUMER = {
    "eu-ai-act@2024-1689": "out-of-scope",
    "eu-eucc@2024-482": "voluntary",
    "eu-machinery@2023-1230": "out-of-scope",
    "eu-mdr-cyber@2017-745": "out-of-scope",
    "unece-r155@00-series": "out-of-scope",
    "unece-r156@00-series": "out-of-scope",
}


def ask(catalog: Catalog, category: str, markets: str, on: str, *features: str) -> Answer:
    return applies(catalog, category, markets.split(","), dt.date.fromisoformat(on), features)


def states(answer: Answer, market: str) -> dict[str, str]:
    [m] = [m for m in answer.markets if m.market.id == market]
    return {f.instrument.key: f.state.value for f in m.findings}


def finding(answer: Answer, market: str, key: str) -> Finding:
    [m] = [m for m in answer.markets if m.market.id == market]
    [f] = [f for f in m.findings if f.instrument.key == key]
    return f


def starts(f: Finding) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for o in f.obligations:
        found.setdefault(o.applies_from.isoformat(), []).append(o.ref)
    return found


def test_smart_camera_in_gb_au_eu_mid_2026(catalog: Catalog) -> None:
    answer = ask(catalog, "smart-camera", "GB,AU,EU", "2026-06-01")
    # International standards are on offer everywhere; IEC 62443-4-2 is for industrial
    # components, so a consumer camera falls outside it.
    world = {
        "etsi-ts-103-701@1.1.1": "voluntary",
        "iec-62443-4-1@2018": "out-of-scope",
        "iec-62443-4-2@2019": "out-of-scope",
        "iso-iec-15408-2022@2022": "voluntary",
        "iso-iec-29147@2018": "voluntary",
        "iso-iec-30111@2019": "voluntary",
    }
    assert states(answer, "GB") == {
        "etsi-en-303-645@3.1.3": "voluntary",
        "uk-cop-iot@2018": "voluntary",
        "uk-psti@2025-12-04": "binds",
        **world,
    }
    assert states(answer, "AU") == {
        "au-smart-devices@2025": "binds",
        "etsi-en-303-645@3.1.3": "voluntary",
        **world,
    }
    assert states(answer, "EU") == {
        "en-18031@1-2024": "out-of-scope",
        "en-18031@2-2024": "out-of-scope",
        "en-18031@3-2024": "out-of-scope",
        "etsi-en-303-645@3.1.3": "voluntary",
        "eu-cra@2024-2847": "upcoming",
        "eu-red-da@2022-30": "out-of-scope",
        **world,
        **EU_BEYOND_CONSUMER,
    }
    psti = finding(answer, "GB", "uk-psti@2025-12-04")
    assert starts(psti) == {
        "2024-04-29": ["Sch1-1", "Sch1-2", "Sch1-3", "Sch4-1", "Duties-1", "Duties-2"]
    }
    assert [r.id for r in psti.routes] == [
        "statement-of-compliance",
        "schedule-2-standards",
        "jc-star-star-1-label",
        "sg-cls-label",
    ]
    au = finding(answer, "AU", "au-smart-devices@2025")
    assert (au.reason, starts(au)) == (
        "applies since 2026-03-04",
        {"2026-03-04": ["Sch1-2", "Sch1-3", "Sch1-4", "S9"]},
    )
    cra = finding(answer, "EU", "eu-cra@2024-2847")
    assert cra.reason == "applies from 2026-09-11"
    assert cra.product_class is not None
    assert cra.product_class.id == "important-class-i"
    assert [r.id for r in cra.routes] == [
        "module-a-harmonised",
        "module-b-c",
        "module-h",
        "eu-certification",
    ]
    schedule = starts(cra)
    assert schedule["2026-09-11"] == ["Art14-1", "Art14-3", "Art14-8"]
    assert len(schedule["2027-12-11"]) == 38
    assert not any(o.in_effect for o in cra.obligations)
    red = finding(answer, "EU", "eu-red-da@2022-30")
    assert red.reason == "the scope needs the product to have radio"


def test_smart_camera_in_gb_au_eu_2028(catalog: Catalog) -> None:
    answer = ask(catalog, "smart-camera", "GB,AU,EU", "2028-01-01", "radio")
    assert states(answer, "GB")["uk-psti@2025-12-04"] == "binds"
    assert states(answer, "AU")["au-smart-devices@2025"] == "binds"
    assert states(answer, "EU") == {
        "en-18031@1-2024": "voluntary",
        "en-18031@2-2024": "voluntary",
        "en-18031@3-2024": "voluntary",
        "etsi-en-303-645@3.1.3": "voluntary",
        "eu-cra@2024-2847": "binds",
        "eu-red-da@2022-30": "repealed",
        "etsi-ts-103-701@1.1.1": "voluntary",
        "iec-62443-4-1@2018": "out-of-scope",
        **EU_BEYOND_CONSUMER,
        "iec-62443-4-2@2019": "out-of-scope",
        "iso-iec-15408-2022@2022": "voluntary",
        "iso-iec-29147@2018": "voluntary",
        "iso-iec-30111@2019": "voluntary",
    }
    cra = finding(answer, "EU", "eu-cra@2024-2847")
    assert all(o.in_effect for o in cra.obligations)
    assert len(cra.obligations) == 41
    assert finding(answer, "EU", "eu-red-da@2022-30").reason == "stopped applying on 2027-12-11"
    # EN 18031 no longer gives a presumption once the RED delegated act is repealed.
    assert finding(answer, "EU", "en-18031@1-2024").grants == ()


def test_cra_reporting_binds_before_the_rest(catalog: Catalog) -> None:
    cra = finding(ask(catalog, "smart-camera", "EU", "2026-10-01"), "EU", "eu-cra@2024-2847")
    assert cra.state.value == "binds"
    assert [o.ref for o in cra.obligations if o.in_effect] == ["Art14-1", "Art14-3", "Art14-8"]


def test_laptop_without_cellular_is_excepted_in_gb(catalog: Catalog) -> None:
    answer = ask(catalog, "laptop", "GB", "2026-06-01")
    assert states(answer, "GB") == {
        "etsi-en-303-645@3.1.3": "out-of-scope",
        "uk-cop-iot@2018": "out-of-scope",
        "uk-psti@2025-12-04": "excluded",
        "etsi-ts-103-701@1.1.1": "out-of-scope",
        "iec-62443-4-1@2018": "out-of-scope",
        "iec-62443-4-2@2019": "out-of-scope",
        "iso-iec-15408-2022@2022": "voluntary",
        "iso-iec-29147@2018": "voluntary",
        "iso-iec-30111@2019": "voluntary",
    }
    psti = finding(answer, "GB", "uk-psti@2025-12-04")
    assert psti.exclusion is not None
    assert (psti.exclusion.category, psti.exclusion.source) == ("laptop", "Sch 3 para 5 [UK-1007]")
    # Made exclusively for children under 14, it is back in scope.
    kids = ask(catalog, "laptop", "GB", "2026-06-01", "designed-for-children")
    assert states(kids, "GB")["uk-psti@2025-12-04"] == "binds"


def test_tablet_exception_depends_on_cellular(catalog: Catalog) -> None:
    wifi = ask(catalog, "tablet", "GB", "2026-06-01")
    cellular = ask(catalog, "tablet", "GB", "2026-06-01", "cellular")
    assert states(wifi, "GB")["uk-psti@2025-12-04"] == "excluded"
    assert states(cellular, "GB")["uk-psti@2025-12-04"] == "binds"


def test_car_in_gb_before_and_after_the_vehicle_exception(catalog: Catalog) -> None:
    before = ask(catalog, "vehicle", "GB", "2025-02-24")
    after = ask(catalog, "vehicle", "GB,GB-NIR", "2025-02-25")
    assert states(before, "GB")["uk-psti@2024-04-29"] == "binds"
    assert states(after, "GB")["uk-psti@2025-02-25"] == "excluded"
    assert finding(after, "GB", "uk-psti@2025-02-25").exclusion.markets == ("GB",)  # type: ignore[union-attr]
    # The exception is for Great Britain only: in Northern Ireland PSTI still binds.
    assert states(after, "GB-NIR")["uk-psti@2025-02-25"] == "binds"


def test_radio_smart_speaker_in_the_eu_either_side_of_august_2025(catalog: Catalog) -> None:
    july = ask(catalog, "smart-speaker", "EU", "2025-07-01", "radio")
    september = ask(catalog, "smart-speaker", "EU", "2025-09-01", "radio")
    assert states(july, "EU")["eu-red-da@2022-30"] == "upcoming"
    assert finding(july, "EU", "eu-red-da@2022-30").reason == "applies from 2025-08-01"
    red = finding(september, "EU", "eu-red-da@2022-30")
    assert (red.state.value, red.reason) == ("binds", "applies since 2025-08-01, until 2027-12-11")
    assert [o.ref for o in red.obligations] == ["Art3-3d"]
    assert red.not_applicable == ("Art3-3e", "Art3-3f")
    assert [r.id for r in red.routes] == ["module-a-harmonised", "module-b-c", "module-h"]
    assert [(e.origin, e.grants) for e in red.recognitions] == [
        ("en-18031@1-2024", ("Art3-3d",)),
        ("en-18031@2-2024", ("Art3-3e",)),
        ("en-18031@3-2024", ("Art3-3f",)),
    ]
    assert states(september, "EU")["eu-cra@2024-2847"] == "upcoming"
    # A speaker that processes personal data also meets Article 3(3)(e)'s condition.
    private = ask(catalog, "smart-speaker", "EU", "2025-09-01", "radio", "personal-data-processing")
    red = finding(private, "EU", "eu-red-da@2022-30")
    assert [o.ref for o in red.obligations] == ["Art3-3d", "Art3-3e"]


def test_a_speaker_with_no_radio_is_outside_the_red(catalog: Catalog) -> None:
    answer = ask(catalog, "smart-speaker", "EU", "2025-09-01")
    assert states(answer, "EU")["eu-red-da@2022-30"] == "out-of-scope"


def test_cra_class_follows_category_and_features(catalog: Catalog) -> None:
    def cra_class(category: str, *features: str) -> str | None:
        f = finding(ask(catalog, category, "EU", "2028-01-01", *features), "EU", "eu-cra@2024-2847")
        return None if f.product_class is None else f.product_class.id

    assert cra_class("smart-speaker") == "default"
    assert cra_class("smart-speaker", "virtual-assistant") == "important-class-i-assistant"
    assert cra_class("connected-toy") == "default"
    assert cra_class("connected-toy", "location-tracking") == "important-class-i-toy"
    assert cra_class("router") == "important-class-i"
    assert cra_class("firewall") == "important-class-ii"
    assert cra_class("smartcard") == "critical"
    assert (
        states(ask(catalog, "medical-device", "EU", "2028-01-01"), "EU")["eu-cra@2024-2847"]
        == "excluded"
    )


def test_router_in_singapore_must_hold_cls_level_one_then_two(catalog: Catalog) -> None:
    now = finding(ask(catalog, "router", "SG", "2026-06-01"), "SG", "sg-imda-rg-sec@2")
    assert now.state.value == "binds"
    assert [(o.ref, o.in_effect, o.applies_from.isoformat()) for o in now.obligations] == [
        ("L1", True, "2021-04-13"),
        ("L2", False, "2027-12-31"),
    ]
    assert now.obligations[1].confidence is not None
    assert now.obligations[1].confidence.value == "unverified"
    camera = ask(catalog, "smart-camera", "SG", "2026-06-01")
    assert states(camera, "SG")["sg-imda-rg-sec@2"] == "out-of-scope"


def test_us_states_bind_from_2020(catalog: Catalog) -> None:
    answer = ask(catalog, "smart-tv", "US-CA,US-OR,US", "2019-12-31")
    assert states(answer, "US-CA")["us-ca-sb327@2018"] == "upcoming"
    later = ask(catalog, "smart-tv", "US-CA,US-OR,US", "2020-01-01")
    assert states(later, "US-CA")["us-ca-sb327@2018"] == "binds"
    assert states(later, "US-OR")["us-or-hb2395@2019"] == "binds"
    assert "us-ca-sb327@2018" not in states(later, "US-OR")
    # On 1 Jan 2020 no edition of EN 303 645 was out yet: V2.1.1 comes first, in June
    # 2020; the NIST baselines came later too. The FCC mark needs a radio.
    assert states(later, "US") == {
        "etsi-en-303-645@2.1.1": "upcoming",
        "etsi-ts-103-701@1.1.1": "upcoming",
        "iec-62443-4-1@2018": "out-of-scope",
        "iec-62443-4-2@2019": "out-of-scope",
        "iso-iec-15408-2022@2022": "upcoming",
        "iso-iec-29147@2018": "voluntary",
        "iso-iec-30111@2019": "voluntary",
        "mds2@hn-1-2019": "out-of-scope",
        "us-cisa-sbd-pledge@2024": "out-of-scope",
        "us-cisa-sbom-min@2025": "upcoming",
        "us-cisa-ssdf-attest-form@2024-03": "out-of-scope",
        "us-eo-14028@2021": "out-of-scope",
        "us-fcc-ctm@2024": "out-of-scope",
        "us-fda-524b@2022": "out-of-scope",
        "us-iot-cia-2020@2020": "out-of-scope",
        "us-nist-ir-8259a@2020": "upcoming",
        "us-nist-ir-8259b@2021": "upcoming",
        "us-nist-ir-8425@2022": "upcoming",
        "us-nist-sp-800-218@1.1": "upcoming",
        "us-ntia-sbom-min@2021": "upcoming",
        "us-omb-m-22-18@2022-09-14": "out-of-scope",
        "us-omb-m-23-16@2023-06-09": "out-of-scope",
        "us-omb-m-26-05@2026-01-23": "out-of-scope",
    }
    assert finding(later, "US", "etsi-en-303-645@2.1.1").reason == (
        "voluntary-with-legal-effect; on offer from 2020-06-19"
    )
    # Only the duty binds; the safe harbour is an option, not an obligation.
    ca = finding(later, "US-CA", "us-ca-sb327@2018")
    assert [o.ref for o in ca.obligations] == ["1798.91.04(a)"]


def test_member_states_take_eu_law(catalog: Catalog) -> None:
    answer = ask(catalog, "smart-lock", "DE", "2028-01-01")
    assert states(answer, "DE")["eu-cra@2024-2847"] == "binds"


@pytest.mark.parametrize(
    ("category", "markets", "feature", "message"),
    [
        ("smart-camra", "GB", "radio", "unknown category 'smart-camra'; did you mean smart-camera"),
        ("smart-camera", "GB,UK", "radio", "unknown market 'UK'; valid values: AT, AU, BE"),
        ("smart-camera", "GB", "radoi", "unknown product feature 'radoi'; did you mean radio?"),
    ],
)
def test_unknown_inputs_name_the_valid_values(
    catalog: Catalog, category: str, markets: str, feature: str, message: str
) -> None:
    with pytest.raises(NotFoundError) as caught:
        ask(catalog, category, markets, "2026-06-01", feature)
    assert str(caught.value).startswith(message)
