"""Variance that fits the outcome's frequency (audit item 3): Poisson-binomial for common outcomes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from analysis.chapters.nullipara.funnel import ratio_funnel, ratio_limits
from analysis.chapters.nullipara.oe import poisson_binomial_ratio_ci, variance_kind


@pytest.mark.parametrize(("p", "n"), [(0.27, 400), (0.33, 2000), (0.15, 6000), (0.27, 150)])
def test_common_outcome_limits_match_the_binomial(p: float, n: int) -> None:
    """With one risk p for all women, Σp(1−p) limits are the binomial quantiles of O/(np)."""
    e = n * p
    limits = ratio_limits([e], levels=(0.95, 0.998), kappa=1 - p)
    for level in (0.95, 0.998):
        tag = f"{level * 100:g}"
        lo_q, hi_q = stats.binom.ppf([(1 - level) / 2, 1 - (1 - level) / 2], n, p) / e
        tol = 1.5 / e  # one count, the quantiles' discreteness
        assert limits[f"lower_{tag}"].iloc[0] == pytest.approx(lo_q, abs=tol)
        assert limits[f"upper_{tag}"].iloc[0] == pytest.approx(hi_q, abs=tol)
    poisson = ratio_limits([e], levels=(0.95,))
    assert limits["upper_95"].iloc[0] - 1 < poisson["upper_95"].iloc[0] - 1  # Poisson is too wide for common outcomes


@pytest.mark.parametrize(("x", "n", "p"), [(120, 400, 0.27), (700, 2000, 0.33), (30, 150, 0.27)])
def test_oe_interval_with_one_risk_is_wilson(x: int, n: int, p: float) -> None:
    low, high = poisson_binomial_ratio_ci(np.array([x]), np.array([n * p]), np.array([n * p * p]))
    w_low, w_high = proportion_confint(x, n, method="wilson")
    assert low[0] == pytest.approx(w_low / p, rel=1e-6) and high[0] == pytest.approx(w_high / p, rel=1e-6)


def test_variance_kind_and_funnel_positions() -> None:
    assert variance_kind(0.27) == "poisson_binomial" and variance_kind(0.05) == "poisson"
    rng = np.random.default_rng(5)
    n = rng.integers(500, 8000, 21)
    p = 0.3
    observed = rng.binomial(n, p)
    units = pd.DataFrame({"region": [f"{i:02d}" for i in range(21)], "observed": observed, "expected": n * p,
                          "variance": n * p * (1 - p)})  # fmt: skip
    f = ratio_funnel(units, variance="poisson_binomial")
    assert f.variance == "poisson_binomial" and not f.dispersion.overdispersed
    assert f.dispersion.phi < 2
    with pytest.raises(ValueError, match="unknown variance"):
        ratio_funnel(units, variance="gamma")
