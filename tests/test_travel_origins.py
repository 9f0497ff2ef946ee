"""Origins and weights: totals match the municipalities, rural lattice, population grid, site resolution."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.chapters.travel.model.assumptions import assumptions_table
from analysis.chapters.travel.model.origins import (
    default_origins,
    grid_origins,
    read_population_grid,
)
from analysis.chapters.travel.model.sites import resolve_sites, site_set
from analysis.common import geodata


@pytest.fixture(scope="module")
def municipalities() -> pd.DataFrame:
    return geodata.municipalities()


@pytest.fixture(scope="module")
def origins() -> pd.DataFrame:
    return default_origins()


def test_weights_add_up_to_each_municipality(origins: pd.DataFrame, municipalities: pd.DataFrame) -> None:
    m = municipalities.set_index("scb_code")
    got = origins.groupby("municipality_code")[["population", "women_15_44", "births"]].sum()
    assert np.allclose(got["population"], m.loc[got.index, "population"])
    assert np.allclose(got["women_15_44"], m.loc[got.index, "women_15_44"])
    assert np.allclose(got["births"], m.loc[got.index, "births_per_year"])
    assert origins["weight"].equals(origins["women_15_44"])
    assert origins["origin_id"].is_unique


def test_rural_remainder_on_lattice_points(origins: pd.DataFrame) -> None:
    rural = origins[origins["kind"] == "rural"]
    assert set(rural["municipality_code"]) == set(geodata.HOME_MUNICIPALITIES)
    # Skinnskatteberg: 4,256 inhabitants (2024) minus 2,554 in its two tätorter (2020)
    assert rural.loc[rural["municipality_code"] == "1904", "population"].sum() == pytest.approx(4256 - 2554)
    assert ((rural["x"] % 5000) == 2500).all() and ((rural["y"] % 5000) == 2500).all()
    assert rural["node"].isna().all()
    assert rural["quality"].str.startswith("modelled").all()


def test_births_weighting_is_configurable(municipalities: pd.DataFrame) -> None:
    births = default_origins(weight_by="births", rural=False)
    assert births["weight"].equals(births["births"])
    with pytest.raises(ValueError, match="weight_by must be one of"):
        default_origins(weight_by="men", rural=False)


def test_population_grid_from_rut_id(tmp_path: Path, municipalities: pd.DataFrame) -> None:
    path = tmp_path / "rutor.csv"
    pd.DataFrame({"Rut_id": ["5870006611000", "5440006651000", "3700006170000"], "Beftotalt": [100, 40, 900]}).to_csv(
        path, index=False
    )
    cells = read_population_grid(path)
    assert cells.loc[0, ["x", "y"]].tolist() == [587500.0, 6611500.0]
    grid = grid_origins(path, municipalities)
    assert grid["origin_id"].tolist() == ["5870006611000", "5440006651000"]  # the Skåne cell is outside the county
    assert grid.attrs["dropped_cells_outside_county"] == 1
    assert grid["municipality_code"].tolist() == ["1980", "1982"]
    assert grid.loc[0, "women_15_44"] == pytest.approx(100 * 29740 / 160634)


def test_population_grid_rejects_bad_ids(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    pd.DataFrame({"rut_id": ["58700066110"], "pop": [5]}).to_csv(path, index=False)
    with pytest.raises(ValueError, match="expected 13-digit rut_id"):
        read_population_grid(path)


def test_sites_resolve_to_site_ids_or_town_points() -> None:
    sites = resolve_sites("H_VAS, Köping")
    assert sites["site_id"].tolist() == ["H_VAS", "Köping"]
    assert sites["site_type"].tolist() == ["hospital_delivery", "town"]
    assert sites.loc[1, "x"] == pytest.approx(556107.4)
    with pytest.raises(ValueError, match="neither a site_id"):
        resolve_sites("Gotham")
    assert len(site_set("bmm")) == 34
    assert site_set("delivery")["site_id"].tolist() == ["H_VAS"]


def test_assumptions_have_value_unit_source_reason() -> None:
    table = assumptions_table()
    assert {"section", "name", "value", "unit", "source", "reason"} <= set(table.columns)
    assert table["reason"].str.len().gt(10).all()
    assert "urban_access_minutes" in set(table["name"])
