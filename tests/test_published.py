"""Published statistics shipped as package data: tidy, sourced, and looked up safely."""

from __future__ import annotations

import pytest

from analysis.common import published
from analysis.common.regions import region_codes


def test_table_is_tidy_with_source_and_quality() -> None:
    table = published.indicators()
    assert list(table.columns) == list(published.COLUMNS)
    assert not table.duplicated(["region_code", "year", "indicator"]).any()
    assert table["source"].str.len().min() > 10
    assert set(table["quality"]) <= {"published", "derived", "secondary", "estimate"}
    assert set(table["region_code"]) == set(region_codes()) | {"00"}


def test_mfr_2023_covers_all_regions() -> None:
    for indicator in ("deliveries_n", "bmi_obese_ge30_pct", "cs_emergency_pct", "instrumental_vaginal_pct_of_vaginal"):
        series = published.regional(indicator)
        assert list(series.index) == region_codes(), indicator
    # regions sum to 97,146: MFR's regional rows leave out deliveries with unknown region
    assert published.regional("deliveries_n").sum() == pytest.approx(published.value("deliveries_n", "00"), rel=0.02)


def test_report_figures_for_vastmanland() -> None:
    assert published.value("cs_emergency_pct", "19") == pytest.approx(12.573)
    assert published.value("bmi_obese_ge30_pct", "00") == pytest.approx(17.838)
    assert published.value("no_risk_factors_at_pregnancy_start_pct", "19") == 18
    assert published.value("discharged_within_24h_pct", "19", "2023-2024 (not stated)") == 11
    assert published.value("pph_gt1000ml_mainly_emergency_cs_pct", "00", "2023-2024 (not stated)") == 20
    table = published.indicators()
    quoted = table[(table["indicator"] == "no_risk_factors_at_pregnancy_start_pct")]
    assert set(quoted["quality"]) == {"secondary"}


def test_missing_value_error_names_what_exists() -> None:
    with pytest.raises(KeyError, match="available region/year: .*19/2023-2024"):
        published.value("discharged_within_24h_pct", "19", "2023")
    with pytest.raises(KeyError, match="does not exist"):
        published.value("no_such_indicator", "19")
