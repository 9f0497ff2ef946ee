"""The calibrated road model: recovery of known speeds, leave-one-municipality-out without leakage, grid origins."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.chapters.travel.model import calibration as cal
from analysis.chapters.travel.model import region_origins, tatort_cells
from analysis.common import geodata

TRUE = np.array([0.85, 1.05, 0.95, 0.8, 30.0, 65.0, 2.0])


def _network() -> cal.RoadNetwork:
    towns = {"A": (500_000, 6_600_000, 3000.0), "B": (540_000, 6_600_000, 800.0), "C": (540_000, 6_630_000, 500.0),
             "D": (510_000, 6_625_000, 300.0)}  # fmt: skip
    links = pd.DataFrame(
        [("A", "B", "motorway", 44.0), ("B", "C", "national", 33.0), ("C", "D", "county", 36.0), ("A", "D", "local", 33.0)],
        columns=["from_locality", "to_locality", "road_class", "km"],
    )
    links["minutes"] = links["km"]  # not used by the calibrated model
    loc = pd.DataFrame(
        [(n, x, y, a) for n, (x, y, a) in towns.items()], columns=["locality", "sweref99tm_x", "sweref99tm_y", "land_area_ha"]
    )
    return cal.RoadNetwork.from_files(links, loc)


def _observations(net: cal.RoadNetwork, n: int = 400, seed: int = 3) -> cal.Observations:
    rng = np.random.default_rng(seed)
    x = rng.uniform(495_000, 545_000, n)
    y = rng.uniform(6_595_000, 6_635_000, n)
    hx, hy = np.array([500_000.0, 540_000.0]), np.array([6_600_000.0, 6_630_000.0])
    muni = np.where(x < 520_000, "0001", "0002").astype(object)
    muni[y > 6_620_000] = "0003"
    minutes = cal.predict(net, TRUE, x, y, hx, hy)
    return cal.Observations(
        x=np.repeat(x, 2), y=np.repeat(y, 2), municipality_code=np.repeat(muni, 2), hub=np.tile([0, 1], n),
        minutes=minutes.ravel(), hub_x=hx, hub_y=hy, hub_names=("A", "C"),
    )  # fmt: skip


def test_fit_recovers_known_speeds_on_a_synthetic_grid() -> None:
    net = _network()
    obs = _observations(net)
    got = np.array(cal.fit(obs, net).values)
    pred = cal.predict_observations(net, got, obs)
    assert np.abs(pred - obs.minutes).mean() < 0.1
    assert got[:4] == pytest.approx(TRUE[:4], rel=0.05)  # speed factor per road class
    assert got[5] == pytest.approx(TRUE[5], rel=0.05)  # rural trip-end speed
    assert got[6] == pytest.approx(TRUE[6], abs=0.5)  # access minutes


def test_leave_one_municipality_out_never_sees_the_held_out_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    net = _network()
    obs = _observations(net, n=120)
    seen: list[set[str]] = []
    real_fit = cal.fit

    def spy(o: cal.Observations, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(set(o.municipality_code))
        return real_fit(o, *args, **kwargs)

    monkeypatch.setattr(cal, "fit", spy)
    errors = cal.leave_one_municipality_out(obs, net)
    assert sorted(errors) == ["0001", "0002", "0003"]
    for code, fitted_on in zip(sorted(errors), seen, strict=True):
        assert code not in fitted_on and fitted_on == {"0001", "0002", "0003"} - {code}
        assert len(errors[code]) == int((obs.municipality_code == code).sum())
        assert np.isfinite(errors[code]).all()


def test_every_tatort_maps_to_the_populated_cell_containing_its_point() -> None:
    cells = geodata.grid_cells().set_index("rut_id")
    loc = geodata.localities().set_index("locality")
    lookup = tatort_cells()
    assert len(lookup) == len(loc) and lookup.index.is_unique
    for town, rut in lookup.items():
        dx = abs(loc.loc[town, "sweref99tm_x"] - cells.loc[rut, "x"])
        dy = abs(loc.loc[town, "sweref99tm_y"] - cells.loc[rut, "y"])
        assert max(dx, dy) <= geodata.GRID_CELL_M / 2 or cells.loc[rut, "population_2024"] > 0
    assert lookup["Västerås"] == "5870006611000"  # point 587013.9, 6611233.2 lies in the cell with corner 587000/6611000


def test_grid_origins_carry_population_and_municipal_shares() -> None:
    origins = region_origins(weight_by="births")
    cells = geodata.grid_cells()
    assert len(origins) == len(cells) and origins["population"].sum() == cells["population_2024"].sum()
    m = geodata.municipalities().set_index(geodata.municipalities()["scb_code"].astype(str))
    row = origins.iloc[0]
    share = m.loc[row["municipality_code"], "births_per_year"] / m.loc[row["municipality_code"], "population"]
    assert row["births"] == pytest.approx(row["population"] * share) and row["weight"] == row["births"]


def test_the_realistic_speed_scenario_is_in_the_sensitivity() -> None:
    from analysis.chapters.travel.model import param

    share = param("sensitivity.free_flow_share")
    assert share["low"] <= share["base"] <= share["high"] <= 1.0
    assert share["base"] in [float(f) for f in param("sensitivity.speed_factors")]
