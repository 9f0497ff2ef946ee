"""The home region's gap to the nation split into case mix and practice (bootstrap intervals), and the practice effect."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from analysis.chapters.nullipara.model import (
    CasemixFit,
    PreparedOutcome,
    aggregate,
    design_matrix,
    fit_glm,
    fit_national,
    model_terms,
)

# --------------------------------------------------------------------------- practice effect


@dataclass(frozen=True)
class PracticeEffect:
    """The region's log-odds shift not explained by case mix, with a Wald CI.

    ``indicator``: adjusted log-OR of the region versus the rest of the nation,
    from the national model refitted with one region indicator (estimand: the
    region's practice effect minus the case-mix-weighted mean of the others).
    ``offset``: one-parameter model on the region's women with the national
    model's linear predictor as offset (a logit O/E).
    """

    region: str
    method: str
    log_odds: float
    se: float
    low: float
    high: float

    @property
    def odds_ratio(self) -> float:
        return float(np.exp(self.log_odds))

    def as_dict(self) -> dict[str, float | str]:
        return {
            "method": self.method,
            "log_odds": self.log_odds,
            "se": self.se,
            "low": self.low,
            "high": self.high,
            "odds_ratio": self.odds_ratio,
            "or_low": float(np.exp(self.low)),
            "or_high": float(np.exp(self.high)),
        }


def practice_effect(
    prepared: PreparedOutcome,
    region: str,
    method: str = "indicator",
    fit: CasemixFit | None = None,
    alpha: float = 0.05,
    region_column: str = "region",
) -> PracticeEffect:
    """Estimate the region's practice effect on the logit scale (see ``PracticeEffect``)."""
    pat = prepared.patterns
    home = (pat[region_column] == region).to_numpy()
    if not home.any():
        raise ValueError(f"practice_effect: region {region!r} has no deliveries for {prepared.spec.key}")
    z = stats.norm.ppf(1 - alpha / 2)
    covs = list(prepared.covariates)
    if method == "indicator":
        data = pat.assign(_home=home.astype(np.int8))
        grouped = aggregate(data, [*covs, "_home"])
        n = grouped["n"].to_numpy(dtype=float)
        ev = grouped["events"].to_numpy(dtype=float)
        terms = model_terms(grouped, covs, n)
        exog = design_matrix(grouped, terms, extra=grouped["_home"].to_numpy())
        result, _ = fit_glm(np.column_stack([ev, n - ev]), exog)
        est = float(result.params[-1])
        se = float(np.sqrt(result.cov_params()[-1, -1]))
    elif method == "offset":
        base = fit if fit is not None else fit_national(prepared)
        sub = pat[home]
        n = sub["n"].to_numpy(dtype=float)
        ev = sub["events"].to_numpy(dtype=float)
        result, _ = fit_glm(np.column_stack([ev, n - ev]), np.ones((len(sub), 1)), offset=base.linear_predictor(sub))
        est = float(result.params[0])
        se = float(np.sqrt(result.cov_params()[0, 0]))
    else:
        raise ValueError(f"practice_effect: unknown method {method!r}")
    return PracticeEffect(region, method, est, se, est - z * se, est + z * se)


# --------------------------------------------------------------------------- decomposition


@dataclass(frozen=True)
class Decomposition:
    """Region's gap to the nation split into case mix and practice, in percentage points.

    gap = region crude - national crude; casemix_part = E/n - national crude;
    practice_part = (O - E)/n. Intervals: percentile bootstrap that resamples
    the region's women (multinomial over pattern x outcome cells) and draws the
    national coefficients from their sampling distribution; the national crude
    rate is treated as fixed.
    """

    region: str
    n: int
    observed: int
    expected: float
    region_rate: float
    national_rate: float
    gap: float
    gap_low: float
    gap_high: float
    casemix_part: float
    casemix_part_low: float
    casemix_part_high: float
    practice_part: float
    practice_part_low: float
    practice_part_high: float
    n_boot: int

    def as_dict(self) -> dict[str, float | int | str]:
        return {k: (float(v) if isinstance(v, (float, np.floating)) else v) for k, v in self.__dict__.items()}


def decompose(
    prepared: PreparedOutcome,
    fit: CasemixFit,
    region: str,
    n_boot: int = 400,
    seed: int = 20240601,
    alpha: float = 0.05,
    region_column: str = "region",
) -> Decomposition:
    """Gap = case-mix part + practice part for one region, with bootstrap intervals (see ``Decomposition``)."""
    rng = np.random.default_rng(seed)
    pat = prepared.patterns
    sub = pat[(pat[region_column] == region).to_numpy()]
    if sub.empty:
        raise ValueError(f"decompose: region {region!r} has no deliveries for {prepared.spec.key}")
    n_k = sub["n"].to_numpy(dtype=float)
    e_k = sub["events"].to_numpy(dtype=float)
    total = int(n_k.sum())
    exog = fit.design(sub)
    p_k = 1 / (1 + np.exp(-(exog @ fit.params)))
    national = prepared.national_rate
    observed = float(e_k.sum())
    expected = float((n_k * p_k).sum())

    cells = np.concatenate([e_k, n_k - e_k]) / total
    draws = rng.multinomial(total, cells, size=n_boot)
    k = len(n_k)
    ev_b = draws[:, :k]
    n_b = ev_b + draws[:, k:]
    beta_b = rng.multivariate_normal(fit.params, fit.cov, size=n_boot, method="eigh")
    p_b = special.expit(beta_b @ exog.T)
    obs_b = ev_b.sum(axis=1)
    exp_b = (n_b * p_b).sum(axis=1)
    gap_b = obs_b / total - national
    casemix_b = exp_b / total - national
    practice_b = (obs_b - exp_b) / total
    q = [100 * alpha / 2, 100 * (1 - alpha / 2)]

    def pp(x: float) -> float:
        return 100 * float(x)

    g_lo, g_hi = np.percentile(gap_b, q)
    c_lo, c_hi = np.percentile(casemix_b, q)
    p_lo, p_hi = np.percentile(practice_b, q)
    return Decomposition(
        region=region,
        n=total,
        observed=int(observed),
        expected=expected,
        region_rate=observed / total,
        national_rate=national,
        gap=pp(observed / total - national),
        gap_low=pp(g_lo),
        gap_high=pp(g_hi),
        casemix_part=pp(expected / total - national),
        casemix_part_low=pp(c_lo),
        casemix_part_high=pp(c_hi),
        practice_part=pp((observed - expected) / total),
        practice_part_low=pp(p_lo),
        practice_part_high=pp(p_hi),
        n_boot=n_boot,
    )
