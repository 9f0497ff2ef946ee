"""Cost models: metric properties of the matrices, supplied matrices, the affine fit, the CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.chapters.travel.model import param
from analysis.chapters.travel.model.cli import travel_matrix_cli
from analysis.chapters.travel.model.costs import (
    AffineCost,
    GraphCost,
    LineCost,
    SuppliedMatrixCost,
    fit_affine,
)
from analysis.chapters.travel.model.origins import add_weights, tatort_origins
from analysis.chapters.travel.model.sites import resolve_sites, town_sites
from analysis.common import geodata


@pytest.fixture(scope="module")
def localities() -> pd.DataFrame:
    return geodata.localities()


@pytest.fixture(scope="module")
def tatorter(localities: pd.DataFrame) -> pd.DataFrame:
    return add_weights(tatort_origins(localities), geodata.municipalities())


@pytest.fixture(scope="module")
def all_towns(localities: pd.DataFrame) -> pd.DataFrame:
    return town_sites(list(localities["locality"]), localities)


@pytest.mark.parametrize("model", [GraphCost(), LineCost()], ids=["graph", "line"])
def test_matrix_is_symmetric_and_obeys_the_triangle_inequality(model, tatorter, all_towns) -> None:
    tm = model.matrix(tatorter, all_towns)
    m = tm.minutes
    assert m.shape == (44, 44)
    assert np.allclose(m, m.T)
    assert np.allclose(tm.km, tm.km.T)
    # m[i, k] <= m[i, j] + m[j, k] for every i, j, k
    assert (m[:, None, :] <= m[:, :, None] + m[None, :, :] + 1e-9).all()
    assert (np.diag(m) == 2 * param("trip_ends.urban_access_minutes")).all()


def test_graph_minutes_add_urban_access_at_both_ends(tatorter) -> None:
    sites = resolve_sites("Köping,H_VAS")
    tm = GraphCost().matrix(tatorter, sites)
    row = list(tm.origin_ids).index("Västerås")
    # Västerås–Köping is a 25 min / 37.1 km E18 link; plus 4 min and 2 km at each end.
    assert tm.minutes[row, 0] == pytest.approx(33.0)
    assert tm.km[row, 0] == pytest.approx(41.1)
    assert tm.minutes[row, 1] == pytest.approx(8.0)  # the hospital sits in the origin's own town


def test_speed_factor_scales_minutes_only(tatorter) -> None:
    sites = resolve_sites("Västerås,Sala")
    base = GraphCost().matrix(tatorter, sites)
    fast = GraphCost().with_speed(1.1).matrix(tatorter, sites)
    assert np.allclose(fast.minutes, base.minutes / 1.1)
    assert np.allclose(fast.km, base.km)


def _points(n: int, seed: int, prefix: str) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            f"{prefix}_id": [f"{prefix}{i}" for i in range(n)],
            "x": 550_000 + rng.uniform(0, 60_000, n),
            "y": 6_590_000 + rng.uniform(0, 70_000, n),
        }
    )


def test_affine_fit_recovers_known_a_b_and_circuity() -> None:
    origins = _points(30, 1, "origin")
    sites = _points(4, 2, "site")
    straight = (
        np.hypot(
            origins["x"].to_numpy()[:, None] - sites["x"].to_numpy(), origins["y"].to_numpy()[:, None] - sites["y"].to_numpy()
        )
        / 1000
    )
    km = 1.25 * straight
    minutes = 6.0 + 0.8 * km
    covered = sites["site_id"].iloc[:3]  # the fourth site is not in the supplied matrix
    table = pd.DataFrame(
        [
            {"origin": o, "site": s, "minutes": minutes[i, j], "km": km[i, j]}
            for i, o in enumerate(origins["origin_id"])
            for j, s in enumerate(sites["site_id"])
            if s in set(covered)
        ]
    )
    tm = SuppliedMatrixCost(table).matrix(origins, sites)
    assert tm.fit is not None
    assert tm.fit.a == pytest.approx(6.0) and tm.fit.b == pytest.approx(0.8) and tm.fit.circuity == pytest.approx(1.25)
    assert tm.fit.rmse == pytest.approx(0.0, abs=1e-9) and tm.fit.n == 90
    assert np.allclose(tm.minutes[:, 3], minutes[:, 3])  # the fit reproduces the unseen site exactly
    assert (tm.source[:, :3] == "supplied").all() and (tm.source[:, 3] == "fitted").all()
    assert tm.modelled


def test_supplied_matrix_is_used_verbatim_and_fit_error_is_reported() -> None:
    origins = _points(12, 3, "origin")
    sites = _points(3, 4, "site")
    rng = np.random.default_rng(5)
    table = pd.DataFrame(
        [
            {"origin": o, "site": s, "minutes": float(rng.integers(5, 90))}
            for o in origins["origin_id"]
            for s in sites["site_id"][:2]
        ]
    )
    tm = SuppliedMatrixCost(table).matrix(origins, sites)
    got = tm.long().merge(table, on=["origin", "site"], suffixes=("", "_supplied"))
    assert len(got) == 24
    assert (got["minutes"] == got["minutes_supplied"]).all()
    assert tm.fit is not None and tm.fit.rmse > 0
    assert "RMSE" in tm.note and "12 of 36 pairs modelled" in tm.note


def test_fully_supplied_matrix_is_not_flagged_modelled() -> None:
    origins = _points(3, 6, "origin")
    sites = _points(2, 7, "site")
    table = pd.DataFrame(
        {"origin": np.repeat(origins["origin_id"], 2), "site": np.tile(sites["site_id"], 3), "minutes": [10, 20, 30, 40, 50, 60]}
    )
    tm = SuppliedMatrixCost(table).matrix(origins, sites)
    assert tm.minutes.tolist() == [[10, 20], [30, 40], [50, 60]]
    assert not tm.modelled and tm.fit is None


def test_fit_needs_enough_pairs() -> None:
    with pytest.raises(ValueError, match="at least 3 supplied pairs"):
        fit_affine(np.array([1.0, 2.0]), np.array([5.0, 6.0]))


def test_affine_default_uses_assumptions(tatorter) -> None:
    tm = AffineCost().matrix(tatorter, resolve_sites("Västerås"))
    row = list(tm.origin_ids).index("Köping")
    expected_km = 1.2 * 33.7  # straight line Köping–Västerås ≈ 33.7 km
    assert tm.km[row, 0] == pytest.approx(expected_km, rel=0.01)
    assert tm.minutes[row, 0] == pytest.approx(8.0 + 0.75 * tm.km[row, 0])


def test_cli_tatort_mode_reads_the_cell_of_each_tatort(tmp_path: Path) -> None:
    out = tmp_path / "matrix.csv"
    assert travel_matrix_cli(["--sites", "Västerås,Köping,Sala,Fagersta", "--out", str(out)]) == 0
    table = pd.read_csv(out, dtype={"cell": str})
    assert list(table.columns) == ["origin", "cell", "site", "km", "minutes", "source"]
    assert len(table) == 44 * 4 and set(table["site"]) == {"Västerås", "Köping", "Sala", "Fagersta"}
    cells = geodata.grid_cells().set_index("rut_id")
    row = table[(table["origin"] == "Köping") & (table["site"] == "Västerås")].iloc[0]
    assert row["source"] == "region"  # Köping's cell has the region's published minutes
    assert row["minutes"] == pytest.approx(cells.loc[row["cell"], "minutes_vasteras"], abs=0.01)
    assert (table.loc[table["origin"] == "Kungsör", "source"] == "model").all()  # not published for Kungsör


def test_cli_grid_mode_and_a_supplied_matrix(tmp_path: Path) -> None:
    out = tmp_path / "grid.csv"
    assert travel_matrix_cli(["--sites", "Västerås,H_SAL", "--origins", "grid", "--cost", "line", "--out", str(out)]) == 0
    table = pd.read_csv(out, dtype={"origin": str})
    assert list(table.columns) == ["origin", "population", "site", "km", "minutes", "source"]
    assert len(table) == 2 * len(geodata.grid_cells())
    assert table.drop_duplicates("origin")["population"].sum() == geodata.grid_cells()["population_2024"].sum()
    # a supplied matrix for one site: verbatim there, fitted for the other
    supplied = table[table["site"] == "Västerås"].assign(minutes=lambda d: d["minutes"] + 1.0)
    supplied[["origin", "site", "minutes", "km"]].to_csv(tmp_path / "supplied.csv", index=False)
    out2 = tmp_path / "grid2.csv"
    cmd = ["--sites", "Västerås,H_SAL", "--origins", "grid", "--cost", str(tmp_path / "supplied.csv"), "--out", str(out2)]
    assert travel_matrix_cli(cmd) == 0
    again = pd.read_csv(out2, dtype={"origin": str}).merge(supplied, on=["origin", "site"], suffixes=("", "_in"))
    assert len(again) == len(supplied) and np.allclose(again["minutes"], again["minutes_in"])
    assert travel_matrix_cli(["--sites", "Atlantis", "--out", str(out2)]) == 2
