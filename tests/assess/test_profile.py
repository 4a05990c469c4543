"""Bad product profiles: every problem named by file, line and field; nothing assessed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from prodsec.assess.profile import ProfileError, load_profile
from prodsec.catalog import Catalog
from prodsec.errors import DataError


def problems(catalog: Catalog, path: Path) -> list[str]:
    with pytest.raises(ProfileError) as caught:
        load_profile(path, catalog)
    return [str(i).replace(str(path.parent) + "/", "") for i in caught.value.issues]


def test_schema_errors_name_line_and_field(catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "manufacturer: Acme\n"
        "category: smart-camera\n"
        "markets: [GB]\n"
        "lifecycle:\n"
        "  general_availability: '2026-13-01'\n"
        "claims:\n"
        "  - {block: sbom, met: maybe}\n"
        "colour: blue\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        load_profile(path, catalog)
    assert (caught.value.exit_code, caught.value.status) == (2, 422)
    assert str(caught.value).splitlines()[0] == "4 problems in the product profile"
    assert problems(catalog, path) == [
        "p.yaml:1: model: required field is missing",
        "p.yaml:5: lifecycle.general_availability: Input should be a valid date or datetime, "
        "month value is outside expected range of 1-12",
        "p.yaml:7: claims[0].met: Input should be a valid boolean, unable to interpret input",
        "p.yaml:8: colour: unknown field",
    ]


def test_unknown_ids_come_with_near_matches(catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "manufacturer: Acme\n"
        "model: Cam\n"
        "category: smart-camra\n"
        "markets: [GB, UK]\n"
        "features: [radoi]\n"
        "claims:\n"
        "  - {block: sbom-kept, met: true}\n"
        "  - {block: vulnerability-disclosure-policy, met: true, parameters: {acknowledge_days: 5}}\n"
        "requirement_claims:\n"
        "  - {requirement: 'etsi-en-303-645@2.1.1:5.1-9', status: met}\n"
        "labels:\n"
        "  - {scheme: sg-clss, valid_from: 2025-01-01}\n"
        "  - {scheme: sg-cls, level: '5', valid_from: 2025-01-01}\n",
        encoding="utf-8",
    )
    assert problems(catalog, path) == [
        "p.yaml:3: category: unknown category 'smart-camra'; did you mean smart-camera, "
        "smartcard, smart-meter?",
        "p.yaml:4: markets[1]: unknown market 'UK'; valid values: AT, AU, BE, BG, BR, CN, CY, "
        "CZ, DE, DK, EE, ES, EU, FI, FR, GB, GB-NIR, GR, HR, HU, IE, IN, IT, JP, KR, LT, LU, LV, "
        "MT, NL, PL, PT, RO, SE, SG, SI, SK, US, US-CA, US-OR, VN",
        "p.yaml:5: features[0]: unknown product feature 'radoi'; did you mean radio?",
        "p.yaml:7: claims[0].block: unknown building block 'sbom-kept'; did you mean sbom?",
        "p.yaml:8: claims[1].parameters.acknowledge_days: block 'vulnerability-disclosure-policy' "
        "has no parameter 'acknowledge_days'; its parameters: acknowledgement_days, "
        "status_update_days, language, response_timelines",
        "p.yaml:10: requirement_claims[0].requirement: unknown requirement "
        "'etsi-en-303-645@2.1.1:5.1-9'; did you mean etsi-en-303-645@2.1.1:5.6-9, "
        "etsi-en-303-645@2.1.1:5.3-9, etsi-en-303-645@2.1.1:5.1-5?",
        "p.yaml:12: labels[0].scheme: unknown labelling scheme 'sg-clss'; did you mean sg-cls, "
        "sg-cls-md?",
        "p.yaml:13: labels[1].level: unknown level '5' of sg-cls; valid values: 1, 2, 3, 4",
    ]


def test_contradictions_are_errors(catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(
        json.dumps(
            {
                "manufacturer": "Acme",
                "model": "Cam",
                "category": "smart-camera",
                "markets": ["GB"],
                "lifecycle": {
                    "general_availability": "2026-06-01",
                    "end_of_security_support": "2026-01-01",
                },
                "labels": [
                    {
                        "scheme": "jp-jc-star",
                        "level": "1",
                        "valid_from": "2026-01-01",
                        "valid_until": "2025-01-01",
                    }
                ],
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    assert problems(catalog, path) == [
        "p.json:10: lifecycle.end_of_security_support: 2026-01-01 is before general_availability "
        "2026-06-01",
        "p.json:17: labels[0].valid_until: 2025-01-01 is before valid_from 2026-01-01",
    ]


def test_an_impossible_date_is_named(catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "manufacturer: Acme\nmodel: Cam\ncategory: laptop\nmarkets: [GB]\n"
        "lifecycle: {general_availability: 2026-02-30}\n",
        encoding="utf-8",
    )
    assert problems(catalog, path) == [
        "p.yaml:5: lifecycle.general_availability: not a valid value: day is out of range for month"
    ]


def test_syntax_errors_and_missing_files(catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("manufacturer: Acme\nmodel: [Cam\n", encoding="utf-8")
    [found] = problems(catalog, path)
    assert found.startswith("p.yaml:3: (syntax): ")
    assert problems(catalog, tmp_path / "none.yaml")[0].startswith(
        "none.yaml:1: (file): cannot read"
    )


def test_registration_ids_are_checked_against_their_scheme(
    catalog: Catalog, tmp_path: Path
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "manufacturer: Acme\nmodel: Plug\ncategory: smart-appliance\nmarkets: [SG]\nlabels:\n"
        "  - {scheme: sg-cls, level: '2', valid_from: 2025-06-01, registration: CSA/2028/P1}\n"
        "  - {scheme: sg-cls, level: '2', valid_from: 2025-06-01, valid_until: 2028-06-30,\n"
        "     registration: CSA/310528/P1}\n"
        "  - {scheme: sg-cls, level: '1', valid_from: 2025-06-01, registration: CSA/310228/P1}\n"
        "  - {scheme: de-bsi-itsk, valid_from: 2025-06-01, registration: sik-123}\n",
        encoding="utf-8",
    )
    assert problems(catalog, path) == [
        "p.yaml:6: labels[0].registration: 'CSA/2028/P1' is not a sg-cls registration ID "
        "(CSA/<expiry DDMMYY>/<product ID>)",
        "p.yaml:7: labels[1].valid_until: 2028-06-30 is not the expiry the registration ID "
        "carries (2028-05-31)",
        "p.yaml:9: labels[2].registration: 'CSA/310228/P1': its expiry '310228' is not a date",
        "p.yaml:10: labels[3].registration: 'sik-123' is not a de-bsi-itsk registration ID "
        "(sik-<five digits>, as in BSI's product-page addresses)",
    ]


def test_a_label_without_valid_until_takes_its_registration_expiry(
    catalog: Catalog, tmp_path: Path
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "manufacturer: Acme\nmodel: Plug\ncategory: smart-appliance\nmarkets: [SG]\nlabels:\n"
        "  - {scheme: sg-cls, level: '2', valid_from: 2025-06-01, registration: CSA/310528/P1}\n"
        "  - {scheme: de-bsi-itsk, valid_from: 2025-06-01, registration: sik-05165}\n",
        encoding="utf-8",
    )
    cls, bsi = load_profile(path, catalog).labels
    assert (cls.valid_until, bsi.valid_until) == (dt.date(2028, 5, 31), None)
