"""Hub location: MILP (HiGHS) and enumeration against an independent brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from analysis.chapters.travel.model.costs import GraphCost, TravelMatrix
from analysis.chapters.travel.model.location import (
    enumerate_best,
    max_coverage_milp,
    optimise_hubs,
    p_median_milp,
    proposed_gap,
)
from analysis.chapters.travel.model.origins import default_origins
from analysis.chapters.travel.model.sites import town_sites
from analysis.common import geodata


def brute_force(cost: np.ndarray, w: np.ndarray, p: int, forced: list[int], radius: float) -> tuple[float, float]:
    """Best weighted mean minutes and best covered share, by looping over every set."""
    best_mean, best_cover = np.inf, -np.inf
    free = [j for j in range(cost.shape[1]) if j not in forced]
    for combo in itertools.combinations(free, p - len(forced)):
        nearest = cost[:, forced + list(combo)].min(axis=1)
        best_mean = min(best_mean, float(np.dot(nearest, w) / w.sum()))
        best_cover = max(best_cover, float(w[nearest <= radius].sum() / w.sum()))
    return best_mean, best_cover


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("p", [1, 2, 3, 4])
def test_p_median_and_coverage_equal_brute_force(seed: int, p: int) -> None:
    rng = np.random.default_rng(seed)
    cost = rng.uniform(2, 80, size=(25, 7)).round()
    w = rng.integers(0, 50, size=25).astype(float)
    forced = [0]
    mean, cover = brute_force(cost, w, p, forced, 30.0)
    pm = p_median_milp(cost, w, p, forced, radius=30)
    mc = max_coverage_milp(cost, w, p, forced, radius=30)
    assert pm.mean_minutes == pytest.approx(mean)
    assert mc.share_within == pytest.approx(cover)
    assert 0 in pm.open_sites and len(pm.open_sites) == p
    e_pm, e_mc = enumerate_best(cost, w, p, forced, radius=30)
    assert e_pm.mean_minutes == pytest.approx(mean)
    assert e_mc.share_within == pytest.approx(cover)
    assert e_mc.mean_minutes == pytest.approx(mc.mean_minutes)  # same tie-break: lowest mean among best cover


def test_toy_instance_by_hand() -> None:
    # three towns on a line; the middle one serves both ends best, but A is forced open
    cost = np.array([[0.0, 10.0, 40.0], [10.0, 0.0, 30.0], [40.0, 30.0, 0.0]])
    w = np.array([1.0, 1.0, 2.0])
    sol = p_median_milp(cost, w, 1)
    assert sol.open_sites == (2,) and sol.mean_minutes == pytest.approx((40 + 30) / 4)
    forced = p_median_milp(cost, w, 2, forced=[0])
    assert forced.open_sites == (0, 2) and forced.mean_minutes == pytest.approx(10 / 4)
    with pytest.raises(ValueError, match="forced open but p = 1"):
        p_median_milp(cost, w, 1, forced=[0, 1])


def test_proposed_gap_on_a_toy_matrix() -> None:
    minutes = np.array([[5.0, 30.0, 50.0], [40.0, 5.0, 60.0], [45.0, 50.0, 5.0]])
    tm = TravelMatrix(
        origin_ids=np.array(["a", "b", "c"], dtype=object),
        site_ids=np.array(["A", "B", "C"], dtype=object),
        minutes=minutes,
        km=minutes,
        source=np.full(minutes.shape, "graph", dtype=object),
        model="toy",
        modelled=True,
        note="",
    )
    origins = pd.DataFrame({"origin_id": ["a", "b", "c"], "weight": [1.0, 1.0, 3.0]})
    gap = proposed_gap(tm, origins, proposed=["A", "B"], candidates=["A", "B", "C"], forced=["A"], radius=30).set_index("model")
    pm = gap.loc["p_median"]
    assert pm["optimal_sites"] == "A, C"
    assert pm["proposed_mean_minutes"] == pytest.approx((5 + 5 + 3 * 45) / 5)
    assert pm["optimal_mean_minutes"] == pytest.approx((5 + 40 + 15) / 5)
    assert pm["rank"] == 2 and not pm["is_optimal"]
    assert gap.loc["max_coverage", "gap_weight_within"] == pytest.approx(4 - 2)  # {A,C} covers a and c


def test_default_data_milp_equals_enumeration_for_p_1_to_6() -> None:
    localities = geodata.localities()
    origins = default_origins(localities=localities)
    candidates = ["Västerås", "Köping", "Sala", "Fagersta", "Arboga", "Hallstahammar", "Surahammar", "Kungsör", "Norberg"]
    tm = GraphCost().matrix(origins, town_sites(candidates, localities))
    table = optimise_hubs(tm, origins, candidates, method="both")  # raises if MILP and enumeration disagree
    assert len(table) == 12
    assert table.loc[(table["p"] == 1), "sites"].tolist() == ["Västerås", "Västerås"]
    means = table[table["model"] == "p_median"]["mean_minutes"].to_numpy()
    assert (np.diff(means) <= 1e-9).all()
    assert table["modelled"].all()
