"""Hand-checkable unit tests of the travel chapter's extracted helpers (no travel matrix needed)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.chapters.travel import page, scenarios
from analysis.chapters.travel.scenarios import RoadCheck
from analysis.common.home import HOME_REGION


def _points() -> pd.DataFrame:
    """Four origins of one set: two nearest Köping (in Arboga and Köping), two nearest Västerås."""
    return pd.DataFrame(
        {
            "set_key": ["four_hubs"] * 4,
            "set": ["Fyra noder"] * 4,
            "place": ["a", "b", "c", "d"],
            "kind": ["tätort"] * 4,
            "municipality_code": ["1984", "1983", "1980", "1980"],
            "municipality": ["Arboga", "Köping", "Västerås", "Västerås"],
            "x": [1000.0, 2000.0, 11000.0, 12000.0],
            "y": [1000.0, 1000.0, 1000.0, 1000.0],
            "weight": [10.0, 30.0, 40.0, 20.0],
            "hub": ["Köping", "Köping", "Västerås", "Västerås"],
            "minutes": [20.0, 10.0, 5.0, 8.0],
            "km": [25.0, 5.0, 3.0, 6.0],
            "band": ["15–30 min", "0–15 min", "0–15 min", "0–15 min"],
        }
    )


def test_catchment_summary_by_hand() -> None:
    summary = scenarios.catchment_summary(_points()).set_index("hub")
    assert list(summary.index) == ["Västerås", "Köping"]  # the report's order of hub towns
    assert summary.loc["Köping", "weight"] == 40.0
    assert summary.loc["Köping", "share"] == pytest.approx(0.4)
    assert summary.loc["Köping", "mean_minutes"] == pytest.approx((10 * 20 + 30 * 10) / 40)  # 12.5
    assert summary.loc["Västerås", "max_minutes"] == 8.0
    assert summary.loc["Köping", "municipalities"] == "Arboga, Köping"


def test_fine_points_are_drawn_as_five_km_cells() -> None:
    cells = scenarios._aggregate_points(_points()).set_index("hub")
    # x 1000 and 2000 fall in the cell 0–5 km, 11000 and 12000 in 10–15 km
    assert cells.loc["Köping", "x"] == 2500.0 and cells.loc["Västerås", "x"] == 12500.0
    assert cells.loc["Köping", "weight"] == 40.0
    assert cells.loc["Köping", "minutes"] == 12.5  # weight-averaged
    assert cells.loc["Köping", "km"] == pytest.approx((10 * 25 + 30 * 5) / 40)  # 10.0
    assert cells.loc["Köping", "municipality"] == "Köping"  # the heavier municipality of the cell
    assert cells.loc["Köping", "place"] == "ruta 2/2 km" and cells.loc["Köping", "band"] == "0–15 min"


def test_county_and_municipal_rows() -> None:
    table = pd.DataFrame({"municipality_code": ["1980", HOME_REGION, "1983"], "v": [1, 2, 3]})
    assert scenarios.county_row(table)["v"] == 2
    assert scenarios.municipal_rows(table)["v"].tolist() == [1, 3]


def test_scenario_keys() -> None:
    assert scenarios.scenario_key("graph, speeds ×0.9") == "graph_speeds_x0.9"
    assert scenarios.scenario_keys() == [
        "graph",
        "graph_speeds_x0.9",
        "graph_speeds_x1.1",
        "line",
        "line_speeds_x0.9",
        "line_speeds_x1.1",
    ]


def test_road_check_glue_by_hand() -> None:
    road = RoadCheck(
        n_links=1234, n_nodes=56, n_sourced_km=7, n_sourced_checks=3, max_deviation_pct=2.6, all_within_tolerance=True
    )
    g = page._road(road)
    assert g == {
        "road_links": "1\u00a0234",
        "road_nodes": "56",
        "road_sourced": "7",
        "road_checks": "3",
        "road_dev": "3\u00a0%",
    }
