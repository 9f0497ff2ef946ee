"""Nearest-site metrics, coverage change, distribution and travel burden on a hand-checkable case."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.chapters.travel.model.burden import annual_burden, burden_change
from analysis.chapters.travel.model.costs import TravelMatrix
from analysis.chapters.travel.model.metrics import (
    access_metrics,
    compare_site_sets,
    coverage_change,
    distribution,
    metrics_by_municipality,
    nearest_site,
    weighted_quantile,
)

MINUTES = np.array([[10.0, 40.0], [35.0, 20.0], [50.0, 70.0], [5.0, 100.0]])


@pytest.fixture()
def origins() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "origin_id": ["o1", "o2", "o3", "o4"],
            "name": ["o1", "o2", "o3", "o4"],
            "kind": "tatort",
            "municipality_code": ["1980", "1980", "1981", "1981"],
            "municipality": ["Västerås", "Västerås", "Sala", "Sala"],
            "x": 0.0,
            "y": 0.0,
            "lat": 0.0,
            "lon": 0.0,
            "weight": [1.0, 2.0, 1.0, 4.0],
            "births": [1.0, 2.0, 1.0, 4.0],
        }
    )


@pytest.fixture()
def tm() -> TravelMatrix:
    return TravelMatrix(
        origin_ids=np.array(["o1", "o2", "o3", "o4"], dtype=object),
        site_ids=np.array(["S1", "S2"], dtype=object),
        minutes=MINUTES,
        km=MINUTES.copy(),
        source=np.full(MINUTES.shape, "graph", dtype=object),
        model="hand",
        modelled=True,
        note="",
    )


def test_weighted_quantile_is_the_inverse_cdf() -> None:
    assert weighted_quantile(np.array([10.0, 20.0]), np.array([1.0, 1.0]), 0.5) == 10.0
    assert weighted_quantile(np.array([10.0, 20.0]), np.array([1.0, 3.0]), 0.5) == 20.0
    assert weighted_quantile(np.array([3.0, 1.0, 2.0]), np.array([1.0, 0.0, 1.0]), 0.9) == 3.0


def test_nearest_site_metrics_by_hand(tm, origins) -> None:
    m = access_metrics(tm, origins, ["S1", "S2"], label="both")
    # nearest minutes 10, 20, 50, 5 with weights 1, 2, 1, 4 (total 8)
    assert m.mean_minutes == pytest.approx((10 + 40 + 50 + 20) / 8)
    assert m.median_minutes == 5.0  # weight 4 of 8 at 5 minutes
    assert m.p90_minutes == 50.0
    assert m.max_minutes == 50.0
    assert m.share_within == {15.0: 5 / 8, 30.0: 7 / 8, 45.0: 7 / 8, 60.0: 1.0}
    assert m.modelled and m.total_weight == 8.0
    only_s1 = access_metrics(tm, origins, ["S1"])
    assert only_s1.mean_minutes == pytest.approx((10 + 70 + 50 + 20) / 8)
    table = compare_site_sets(tm, origins, {"S1": ["S1"], "both": ["S1", "S2"]})
    assert table["share_within_30"].tolist() == [5 / 8, 7 / 8]


def test_nearest_site_table_gives_catchments(tm, origins) -> None:
    table = nearest_site(tm, origins, ["S1", "S2"])
    assert table["site_id"].tolist() == ["S1", "S2", "S1", "S1"]
    assert table["minutes"].tolist() == [10.0, 20.0, 50.0, 5.0]
    assert table["modelled"].all()


def test_by_municipality(tm, origins) -> None:
    table = metrics_by_municipality(tm, origins, ["S1"]).set_index("municipality")
    assert table.loc["Västerås", "mean_minutes"] == pytest.approx((10 + 70) / 3)
    assert table.loc["Sala", "max_minutes"] == 50.0
    assert table.loc["Västmanlands län", "total_weight"] == 8.0


def test_coverage_gain_and_loss(tm, origins) -> None:
    change = coverage_change(tm, origins, baseline=["S1"], option=["S1", "S2"], threshold=30).set_index("municipality")
    assert change.loc["Västmanlands län", "gained"] == 2.0  # o2: 35 -> 20 minutes
    assert change.loc["Västmanlands län", "lost"] == 0.0
    assert change.loc["Västerås", "covered_after"] == 3.0
    reverse = coverage_change(tm, origins, baseline=["S1", "S2"], option=["S2"], threshold=30).set_index("municipality")
    assert reverse.loc["Västmanlands län", "lost"] == 5.0  # o1 and o4 lose their site within 30 minutes
    assert reverse.loc["Västmanlands län", "gained"] == 0.0


def test_distribution_bands(tm, origins) -> None:
    dist = distribution(tm, origins, ["S1", "S2"], bands=[0, 15, 30, 60])
    assert dist["weight"].tolist() == [5.0, 2.0, 1.0, 0.0]
    assert dist["share"].sum() == pytest.approx(1.0)
    assert dist["band"].tolist()[-1] == ">60 min"


def test_annual_burden_by_hand(tm, origins) -> None:
    b = annual_burden(tm, origins, ["S1"], visits_per_birth=2, co2_g_per_km=100, task="ultrasound").set_index("municipality")
    county = b.loc["Västmanlands län"]
    # visits = 2 × births; round trip ×2; minutes to S1 = 10, 35, 50, 5; km = minutes here
    assert county["visits"] == 16.0
    assert county["travel_hours"] == pytest.approx(2 * 2 * (10 + 70 + 50 + 20) / 60)
    assert county["car_km"] == pytest.approx(2 * 2 * 150)
    assert county["co2_tonnes"] == pytest.approx(600 * 100 / 1e6)
    change = burden_change(tm, origins, ["S1"], ["S1", "S2"], visits_per_birth=2, co2_g_per_km=100).set_index("municipality")
    assert change.loc["Västmanlands län", "travel_hours_saved"] == pytest.approx(2 * 2 * 2 * 15 / 60)
