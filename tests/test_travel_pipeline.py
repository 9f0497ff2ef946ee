"""The chapter's pipeline on the embedded data: standard site sets, sensitivity, maps data, burden."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.chapters.travel.model import (
    GraphCost,
    annual_burden,
    default_origins,
    nearest_by_set,
    proposed_gap,
    sensitivity,
    standard_site_sets,
    standard_sites,
)
from analysis.common import geodata


@pytest.fixture(scope="module")
def origins() -> pd.DataFrame:
    return default_origins()


@pytest.fixture(scope="module")
def sites() -> pd.DataFrame:
    return standard_sites()


def test_standard_site_sets() -> None:
    sets = standard_site_sets()
    assert sets["Västerås only"] == ["H_VAS"]
    assert sets["Västerås + Köping, Fagersta, Sala"] == ["H_VAS", "H_KOP", "H_SAL", "H_FAG"]
    assert len(sets["BMM today (vårdcentraler)"]) == 34


def test_sensitivity_of_headlines(origins: pd.DataFrame, sites: pd.DataFrame) -> None:
    table = sensitivity(origins, sites, standard_site_sets())
    assert set(table["scenario"]) == {
        "graph",
        "graph, speeds ×0.9",
        "graph, speeds ×1.1",
        "line",
        "line, speeds ×0.9",
        "line, speeds ×1.1",
    }
    wide = table.pivot(index="scenario", columns="label", values="mean_minutes")
    assert (wide["Västerås + Köping, Fagersta, Sala"] < wide["Västerås only"]).all()
    assert (wide["BMM today (vårdcentraler)"] < wide["Västerås + Köping, Fagersta, Sala"]).all()
    only = wide["Västerås only"]
    assert only["graph, speeds ×0.9"] == pytest.approx(only["graph"] / 0.9)
    assert 15 < only["graph"] < 35  # national mean to a delivery unit is about 17 min (Örtqvist 2021)
    assert table["modelled"].all()
    shares = table.set_index(["scenario", "label"])["share_within_60"]
    assert shares[("graph", "Västerås + Köping, Fagersta, Sala")] == pytest.approx(1.0)


def test_maps_data_and_catchments(origins: pd.DataFrame, sites: pd.DataFrame) -> None:
    tm = GraphCost().matrix(origins, sites)
    sets = standard_site_sets()
    maps = nearest_by_set(tm, origins, sets)
    assert len(maps) == 3 * len(origins)
    hubs = maps[maps["site_set"] == "Västerås + Köping, Fagersta, Sala"].set_index("origin_id")
    assert hubs.loc["Norberg", "site_id"] == "H_FAG"
    assert hubs.loc["Arboga", "site_id"] == "H_KOP"
    assert hubs.loc["Ransta", "site_id"] == "H_SAL"
    assert {"lat", "lon", "minutes", "km", "weight"} <= set(maps.columns)


def test_burden_and_gap_on_embedded_data(origins: pd.DataFrame, sites: pd.DataFrame) -> None:
    tm = GraphCost().matrix(origins, sites)
    burden = annual_burden(tm, origins, ["H_VAS"], visits_per_birth=1.0).set_index("municipality")
    county = burden.loc["Västmanlands län"]
    assert county["births"] == pytest.approx(geodata.municipalities()["births_per_year"].sum())
    assert county["co2_tonnes"] == pytest.approx(county["car_km"] * 120 / 1e6)
    gap = proposed_gap(tm, origins).set_index("model")
    assert gap.loc["p_median", "n_sets"] == 455  # 15 free candidates choose 3 next to Västerås
    assert gap.loc["p_median", "gap_mean_minutes"] >= 0
    assert np.isfinite(gap["optimal_mean_minutes"]).all()
