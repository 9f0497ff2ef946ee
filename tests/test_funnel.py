"""Funnel limits against hand-computed exact quantiles, and the Spiegelhalter dispersion check."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.chapters.nullipara import funnel


def _poisson_cdf(r: int, mu: float) -> float:
    return sum(math.exp(-mu) * mu**k / math.factorial(k) for k in range(r + 1)) if r >= 0 else 0.0


def _binom_cdf(r: int, n: int, p: float) -> float:
    return sum(math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(r + 1)) if r >= 0 else 0.0


def _hand_limit(cdf, q: float, scale: float) -> float:
    """Smallest r with F(r) >= q, then linear interpolation back to F = q (Spiegelhalter 2005)."""
    r = 0
    while cdf(r) < q:
        r += 1
    alpha = (cdf(r) - q) / (cdf(r) - cdf(r - 1))
    return max((r - alpha) / scale, 0.0)


@pytest.mark.parametrize("mu", [2.5, 10.0, 37.0])
@pytest.mark.parametrize("q", [0.001, 0.025, 0.975, 0.999])
def test_poisson_limits_match_hand_computation(mu: float, q: float) -> None:
    expected = _hand_limit(lambda r: _poisson_cdf(r, mu), q, mu)
    assert funnel.poisson_limit(mu, q)[0] == pytest.approx(expected, abs=1e-10)


def test_poisson_limit_written_out_for_ten_expected() -> None:
    # F(16) = 0.972958, F(17) = 0.985722 for Poisson(10): r = 17,
    # alpha = (0.985722 - 0.975) / (0.985722 - 0.972958) = 0.84003, limit = 16.15997 / 10.
    assert funnel.poisson_limit(10.0, 0.975)[0] == pytest.approx(1.615995, abs=1e-6)
    assert funnel.poisson_limit(1.0, 0.025)[0] == 0.0  # lower limit cannot go below zero


@pytest.mark.parametrize("n,target", [(50, 0.2), (100, 0.1), (400, 0.05)])
@pytest.mark.parametrize("q", [0.001, 0.025, 0.975, 0.999])
def test_binomial_limits_match_hand_computation(n: int, target: float, q: float) -> None:
    expected = _hand_limit(lambda r: _binom_cdf(r, n, target), q, n)
    assert funnel.binomial_limit(n, target, q)[0] == pytest.approx(expected, abs=1e-10)


def test_exact_limits_approach_normal_for_large_counts() -> None:
    exact = funnel.ratio_limits([20_000.0])
    normal = funnel.ratio_limits([20_000.0], method="normal")
    for col in ["lower_95", "upper_95", "lower_99.8", "upper_99.8"]:
        assert exact[col].iloc[0] == pytest.approx(normal[col].iloc[0], abs=2e-3)
    assert normal["upper_95"].iloc[0] == pytest.approx((1 + 1.959964 / (2 * math.sqrt(20_000))) ** 2, rel=1e-6)
    prop = funnel.proportion_limits([100.0], 0.1, method="normal")
    assert prop["upper_99.8"].iloc[0] == pytest.approx(0.1 + 3.090232 * math.sqrt(0.09 / 100), rel=1e-6)


def test_overdispersion_by_hand() -> None:
    z = np.array([-4, -2, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 5], dtype=float)
    s = np.full(11, 0.1)
    res = funnel.overdispersion(z, s)
    # 10 %/90 % quantiles (linear) are -2 and 2.5; winsorised squares sum to 29.25.
    assert res.phi == pytest.approx(29.25 / 11)
    assert res.statistic == pytest.approx(29.25)
    assert res.df == 10
    # tau2 = (29.25 - 10) / (1100 - 110000/1100)
    assert res.tau2 == pytest.approx(19.25 / 1000)
    assert res.overdispersed
    calm = funnel.overdispersion(np.array([-1.0, -0.5, 0.0, 0.3, 0.6, 1.0, -0.2]), np.full(7, 0.1))
    assert calm.tau2 == 0.0 and not calm.overdispersed


def test_ratio_z_scores_use_square_root_scale() -> None:
    z, s = funnel.ratio_z_scores(np.array([16.0]), np.array([9.0]))
    assert z[0] == pytest.approx(2 * (4 - 3))
    assert s[0] == pytest.approx(1 / 6)


def test_ratio_funnel_classifies_units_and_highlights_home() -> None:
    units = pd.DataFrame(
        {
            "region": ["01", "03", "04", "19", "20", "21"],
            "observed": [100, 210, 48, 180, 95, 61],
            "expected": [100.0, 200.0, 50.0, 120.0, 100.0, 60.0],
        }
    )
    res = funnel.ratio_funnel(units, highlight="19")
    points = res.points.set_index("region")
    assert points.loc["19", "position"] == "above 99.8%"
    assert points.loc["01", "position"] == "within"
    assert points["highlight"].sum() == 1 and points.loc["19", "highlight"]
    assert res.limits["expected"].min() < 50 and res.limits["expected"].max() > 200
    assert (res.limits["upper_99.8"] >= res.limits["upper_95"]).all()


def test_proportion_funnel_targets_pooled_rate() -> None:
    units = pd.DataFrame({"region": list("abcde"), "events": [10, 22, 30, 9, 29], "n": [100, 200, 300, 100, 300]})
    res = funnel.proportion_funnel(units)
    assert res.target == pytest.approx(100 / 1000)
    assert res.points["position"].eq("within").all()
    assert res.limits_adjusted is None or res.dispersion.tau2 > 0


def test_funnel_points_flag_small_counts_for_display() -> None:
    units = pd.DataFrame({"region": ["a", "b", "c", "d"], "observed": [3, 40, 52, 61], "expected": [4.0, 45.0, 50.0, 58.0]})
    points = funnel.ratio_funnel(units).points
    assert points["suppressed"].tolist() == [True, False, False, False]
    props = pd.DataFrame({"region": list("abcd"), "events": [2, 20, 30, 98], "n": [50, 200, 300, 100]})
    assert funnel.proportion_funnel(props).points["suppressed"].tolist() == [True, False, False, True]
