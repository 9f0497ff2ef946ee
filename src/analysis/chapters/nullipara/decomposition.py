"""The home region's gap to the nation split into case mix and practice (bootstrap intervals), and the practice effect."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

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

MC_TARGET_PP = 0.05  # Monte Carlo standard error of every interval limit: under half the 0.1 pp shown
MIN_DRAWS = 1000
MAX_DRAWS = 16000
_PARTS = ("gap", "casemix_part", "practice_part")


@dataclass(frozen=True)
class Decomposition:
    """Region's gap to the nation split into case mix and practice, in percentage points.

    gap = region crude - national crude; casemix_part = E/n - national crude;
    practice_part = (O - E)/n. Intervals: percentile bootstrap that resamples the
    region's women (multinomial over pattern x outcome cells) and draws the national
    coefficients from their sampling distribution. Each draw's region expectation is
    contrasted with the SAME draw's national expectation (at the point estimate that
    equals the national crude rate), so coefficient variance common to both (the
    intercept above all) cancels. The number of draws doubles from ``MIN_DRAWS`` until
    the Monte Carlo standard error of every limit (``mc_error``, pp, from resampling the
    draws) is below ``MC_TARGET_PP`` or ``MAX_DRAWS`` is reached.
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
    mc_error: dict[str, float] = field(default_factory=dict)

    @property
    def mc_error_max(self) -> float:
        return max(self.mc_error.values()) if self.mc_error else float("nan")

    def as_dict(self) -> dict[str, Any]:
        return {k: (float(v) if isinstance(v, (float, np.floating)) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class BootstrapInputs:
    """The collapsed patterns the bootstrap needs: the region's cells and every pattern of the nation."""

    n_k: np.ndarray  # the region's women per pattern
    e_k: np.ndarray  # the region's events per pattern
    x_region: np.ndarray  # design rows of the region's patterns
    n_all: np.ndarray  # women per pattern (or per distinct design row), whole nation (region included)
    x_all: np.ndarray  # design rows of the nation's patterns (``distinct_rows`` pools identical ones)
    params: np.ndarray
    cov: np.ndarray


def bootstrap_parts(inp: BootstrapInputs, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """``n_boot`` x 3 draws of (gap, case-mix part, practice part) as proportions, relative to the point estimate.

    One matrix operation per block of draws: the region's cells by one multinomial, the
    coefficients by one multivariate normal, predictions by ``beta @ X.T``.
    """
    total = float(inp.n_k.sum())
    cells = np.concatenate([inp.e_k, inp.n_k - inp.e_k]) / total
    k = len(inp.n_k)
    draws = rng.multinomial(int(total), cells, size=n_boot)
    ev_b, n_b = draws[:, :k], draws[:, :k] + draws[:, k:]
    beta_b = rng.multivariate_normal(inp.params, inp.cov, size=n_boot, method="eigh")
    p_region = special.expit(beta_b @ inp.x_region.T)
    national_hat = float(inp.n_all @ special.expit(inp.x_all @ inp.params)) / float(inp.n_all.sum())
    national_b = np.empty(n_boot)
    for start in range(0, n_boot, 2000):  # blocks keep the draws x patterns matrix small
        block = special.expit(beta_b[start : start + 2000] @ inp.x_all.T)
        national_b[start : start + 2000] = block @ inp.n_all / inp.n_all.sum()
    obs_rate = ev_b.sum(axis=1) / total
    exp_rate = (n_b * p_region).sum(axis=1) / total
    casemix = exp_rate - national_b
    gap = obs_rate - national_hat
    return np.column_stack([gap, casemix, gap - casemix])


def distinct_rows(x: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Identical design rows pooled, their women summed: the national model has no region term, so the patterns
    of different regions share rows and every bootstrap draw needs each distinct row only once (about 5x fewer)."""
    if len(x) == 0:
        return x.reshape(0, x.shape[1] if x.ndim == 2 else 0), np.zeros(0)
    # ``np.unique(x, axis=0, return_inverse=True)`` by a lexicographic sort of the columns (first column first,
    # as ``np.unique`` orders the rows) instead of a sort of the rows as records, which is far slower.
    order = np.lexsort(x.T[::-1])
    ordered = x[order]
    starts = np.ones(len(x), dtype=bool)
    starts[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    inverse = np.empty(len(x), dtype=np.intp)
    inverse[order] = np.cumsum(starts) - 1
    rows = ordered[starts]
    return rows, np.bincount(inverse, weights=n, minlength=len(rows))


def percentile_mc_error(draws: np.ndarray, q: Sequence[float], rng: np.random.Generator, reps: int = 200) -> np.ndarray:
    """Monte Carlo standard error of percentile limits (columns x limits), by resampling the draws."""
    idx = rng.integers(0, len(draws), size=(reps, len(draws)))
    # column by column: the same percentiles as of ``draws[idx]`` along its draws axis, on contiguous rows
    resampled = np.stack([np.percentile(draws[:, j][idx], q, axis=1) for j in range(draws.shape[1])], axis=-1)
    return resampled.std(axis=1, ddof=1).T  # resampled: limits x reps x columns


def decompose(
    prepared: PreparedOutcome,
    fit: CasemixFit,
    region: str,
    n_boot: int | None = None,
    seed: int = 20240601,
    alpha: float = 0.05,
    region_column: str = "region",
    mc_target: float = MC_TARGET_PP,
) -> Decomposition:
    """Gap = case-mix part + practice part for one region, with bootstrap intervals (see ``Decomposition``).

    ``n_boot`` fixes the number of draws; None (default) chooses it by the Monte Carlo target.
    """
    rng = np.random.default_rng(seed)
    pat = prepared.patterns
    sub = pat[(pat[region_column] == region).to_numpy()]
    if sub.empty:
        raise ValueError(f"decompose: region {region!r} has no deliveries for {prepared.spec.key}")
    x_all, n_all = distinct_rows(fit.design(pat), pat["n"].to_numpy(dtype=float))
    inp = BootstrapInputs(
        n_k=sub["n"].to_numpy(dtype=float),
        e_k=sub["events"].to_numpy(dtype=float),
        x_region=fit.design(sub),
        n_all=n_all,
        x_all=x_all,
        params=fit.params,
        cov=fit.cov,
    )
    total = int(inp.n_k.sum())
    p_k = special.expit(inp.x_region @ fit.params)
    national = prepared.national_rate
    observed = float(inp.e_k.sum())
    expected = float((inp.n_k * p_k).sum())
    q = [100 * alpha / 2, 100 * (1 - alpha / 2)]
    size = n_boot if n_boot is not None else MIN_DRAWS
    draws = bootstrap_parts(inp, size, rng)
    mc = 100 * percentile_mc_error(draws, q, rng)
    while n_boot is None and mc.max() >= mc_target and len(draws) < MAX_DRAWS:
        draws = np.vstack([draws, bootstrap_parts(inp, len(draws), rng)])
        mc = 100 * percentile_mc_error(draws, q, rng)
    limits = 100 * np.percentile(draws, q, axis=0)  # 2 x 3, pp
    point = {"gap": observed / total - national, "casemix_part": expected / total - national}
    point["practice_part"] = point["gap"] - point["casemix_part"]
    values: dict[str, Any] = {}
    errors: dict[str, float] = {}
    for j, part in enumerate(_PARTS):
        values[part] = 100 * float(point[part])
        for i, suffix in enumerate(("_low", "_high")):
            values[part + suffix] = float(limits[i, j])
            errors[part + suffix] = float(mc[j, i])
    return Decomposition(
        region=region,
        n=total,
        observed=int(observed),
        expected=expected,
        region_rate=observed / total,
        national_rate=national,
        n_boot=len(draws),
        mc_error=errors,
        **values,
    )
