"""Funnel-plot control limits and the Spiegelhalter overdispersion check.

Limits are *prediction* limits around the target (not confidence intervals
around each unit). Exact Poisson/binomial quantiles are interpolated as in
Spiegelhalter (Stat Med 2005, appendix) so the nominal tail probability holds
when expected counts are small (Seaton & Manktelow 2012). Ratios (O/E) use the
square-root scale for z-scores and random-effects limits, proportions the
plain scale, both as in Spiegelhalter 2005.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
from scipy import stats

from analysis.common.disclosure import threshold

DEFAULT_LEVELS: tuple[float, ...] = (0.95, 0.998)


def _level_tag(level: float) -> str:
    """Column suffix for a coverage level: 0.95 -> '95', 0.998 -> '99.8'."""
    return f"{level * 100:g}"


def poisson_limit(expected: np.ndarray | float, p: float) -> np.ndarray:
    """Interpolated exact p-quantile of O/E when O ~ Poisson(expected) (target ratio 1).

    r is the smallest count with P(O <= r) >= p; the limit is (r - a) / E with
    a = (P(O <= r) - p) / (P(O <= r) - P(O <= r - 1)); clipped at 0.
    """
    mu = np.atleast_1d(np.asarray(expected, dtype=float))
    if np.any(mu <= 0):
        raise ValueError("poisson_limit: expected counts must be positive")
    r = stats.poisson.ppf(p, mu)
    f_r = stats.poisson.cdf(r, mu)
    f_below = stats.poisson.cdf(r - 1, mu)
    alpha = (f_r - p) / (f_r - f_below)
    return np.clip((r - alpha) / mu, 0.0, None)


def binomial_limit(n: np.ndarray | float, target: float, p: float) -> np.ndarray:
    """Interpolated exact p-quantile of a proportion when events ~ Binomial(n, target)."""
    size = np.atleast_1d(np.asarray(n, dtype=float))
    if not 0 < target < 1:
        raise ValueError("binomial_limit: target must be strictly between 0 and 1")
    if np.any(size <= 0):
        raise ValueError("binomial_limit: denominators must be positive")
    r = stats.binom.ppf(p, size, target)
    f_r = stats.binom.cdf(r, size, target)
    f_below = stats.binom.cdf(r - 1, size, target)
    alpha = (f_r - p) / (f_r - f_below)
    return np.clip((r - alpha) / size, 0.0, 1.0)


def ratio_limits(
    expected: Sequence[float] | np.ndarray,
    levels: Sequence[float] = DEFAULT_LEVELS,
    tau2: float = 0.0,
    method: str = "exact",
    kappa: float | np.ndarray | None = None,
) -> pd.DataFrame:
    """O/E limits around 1 for each expected count.

    ``method="exact"`` gives interpolated Poisson limits; ``"normal"`` (or any
    ``tau2 > 0``) gives square-root-scale normal limits 1 +/- z*sqrt(1/(4E) + tau2),
    squared back, which is how random-effects (overdispersion) limits are drawn.
    ``kappa`` (Poisson-binomial, common outcomes): Var(O) = kappa*E with kappa = Σp(1−p)/Σp;
    the limits are then plain-scale normal 1 +/- z*sqrt(kappa/E + tau2).
    """
    e = np.asarray(expected, dtype=float)
    out = pd.DataFrame({"expected": e})
    for level in levels:
        tag = _level_tag(level)
        lo_p, hi_p = (1 - level) / 2, 1 - (1 - level) / 2
        if kappa is not None:
            half = stats.norm.ppf(hi_p) * np.sqrt(np.asarray(kappa, dtype=float) / e + tau2)
            lower, upper = np.clip(1 - half, 0.0, None), 1 + half
        elif method == "exact" and tau2 == 0:
            lower, upper = poisson_limit(e, lo_p), poisson_limit(e, hi_p)
        elif method in ("exact", "normal"):
            z = stats.norm.ppf(hi_p)
            half = z * np.sqrt(1 / (4 * e) + tau2)
            lower = np.clip(1 - half, 0.0, None) ** 2
            upper = (1 + half) ** 2
        else:
            raise ValueError(f"ratio_limits: unknown method {method!r}")
        out[f"lower_{tag}"] = lower
        out[f"upper_{tag}"] = upper
    return out


def proportion_limits(
    n: Sequence[float] | np.ndarray,
    target: float,
    levels: Sequence[float] = DEFAULT_LEVELS,
    tau2: float = 0.0,
    method: str = "exact",
) -> pd.DataFrame:
    """Proportion limits around ``target`` for each denominator (exact binomial or normal + tau2)."""
    size = np.asarray(n, dtype=float)
    out = pd.DataFrame({"n": size})
    for level in levels:
        tag = _level_tag(level)
        lo_p, hi_p = (1 - level) / 2, 1 - (1 - level) / 2
        if method == "exact" and tau2 == 0:
            lower, upper = binomial_limit(size, target, lo_p), binomial_limit(size, target, hi_p)
        elif method in ("exact", "normal"):
            z = stats.norm.ppf(hi_p)
            half = z * np.sqrt(target * (1 - target) / size + tau2)
            lower, upper = np.clip(target - half, 0.0, 1.0), np.clip(target + half, 0.0, 1.0)
        else:
            raise ValueError(f"proportion_limits: unknown method {method!r}")
        out[f"lower_{tag}"] = lower
        out[f"upper_{tag}"] = upper
    return out


def ratio_z_scores(observed: np.ndarray, expected: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Square-root-scale z-scores 2(sqrt(O) - sqrt(E)) and their standard errors 1/(2 sqrt(E))."""
    o = np.asarray(observed, dtype=float)
    e = np.asarray(expected, dtype=float)
    s = 1 / (2 * np.sqrt(e))
    return (np.sqrt(o / e) - 1) / s, s


def proportion_z_scores(events: np.ndarray, n: np.ndarray, target: float) -> tuple[np.ndarray, np.ndarray]:
    """Plain-scale z-scores (y - target) / sqrt(target(1-target)/n) and their standard errors."""
    y = np.asarray(events, dtype=float) / np.asarray(n, dtype=float)
    s = np.sqrt(target * (1 - target) / np.asarray(n, dtype=float))
    return (y - target) / s, s


@dataclass(frozen=True)
class Overdispersion:
    """Spiegelhalter (2005) dispersion estimate from winsorised z-scores.

    ``statistic`` = I * phi is compared with chi-square on I - 1 df (the target
    is estimated from the same units); ``tau2`` is the additive between-unit
    variance on the z-score scale (0 when phi does not exceed (I - 1) / I).
    """

    n_units: int
    phi: float
    tau2: float
    statistic: float
    df: int
    p_value: float
    overdispersed: bool
    winsor: float

    def as_dict(self) -> dict[str, float | int | bool]:
        return {
            "n_units": self.n_units,
            "phi": self.phi,
            "tau2": self.tau2,
            "statistic": self.statistic,
            "df": self.df,
            "p_value": self.p_value,
            "overdispersed": self.overdispersed,
            "winsor": self.winsor,
        }


def overdispersion(z: np.ndarray, s: np.ndarray, winsor: float = 0.1, alpha: float = 0.05) -> Overdispersion:
    """phi = mean of squared winsorised z; tau2 = (I phi - (I-1)) / (sum w - sum w^2 / sum w), w = 1/s^2."""
    z = np.asarray(z, dtype=float)
    s = np.asarray(s, dtype=float)
    keep = np.isfinite(z) & np.isfinite(s) & (s > 0)
    z, s = z[keep], s[keep]
    units = len(z)
    if units < 3:
        raise ValueError("overdispersion: need at least three units")
    lo, hi = np.quantile(z, [winsor, 1 - winsor])
    zw = np.clip(z, lo, hi)
    phi = float(np.mean(zw**2))
    statistic = units * phi
    df = units - 1
    w = 1 / s**2
    tau2 = max(0.0, (statistic - df) / (w.sum() - (w**2).sum() / w.sum()))
    p_value = float(stats.chi2.sf(statistic, df))
    return Overdispersion(
        n_units=units,
        phi=phi,
        tau2=float(tau2),
        statistic=float(statistic),
        df=df,
        p_value=p_value,
        overdispersed=bool(p_value < alpha),
        winsor=winsor,
    )


def _position(value: np.ndarray, limits: pd.DataFrame, levels: Sequence[float]) -> list[str]:
    """Label each unit by the widest limit it crosses ('above 99.8%', 'below 95%', 'within')."""
    labels: list[str] = []
    ordered = sorted(levels, reverse=True)
    for i, v in enumerate(value):
        label = "within"
        for level in ordered:
            tag = _level_tag(level)
            if v > limits[f"upper_{tag}"].iloc[i]:
                label = f"above {tag}%"
                break
            if v < limits[f"lower_{tag}"].iloc[i]:
                label = f"below {tag}%"
                break
        labels.append(label)
    return labels


@dataclass(frozen=True)
class Funnel:
    """Everything a funnel chart needs: unit points, limit curves and the dispersion check."""

    kind: str
    target: float
    points: pd.DataFrame
    limits: pd.DataFrame
    limits_adjusted: pd.DataFrame | None
    dispersion: Overdispersion
    variance: str = "binomial"  # 'poisson' or 'poisson_binomial' for ratios, 'binomial' for proportions


def _grid(values: np.ndarray, size: int = 200) -> np.ndarray:
    lo = max(float(np.min(values)) * 0.5, 1.0)
    hi = float(np.max(values)) * 1.25
    return np.geomspace(lo, hi, size)


def _limits_and_positions(
    z: np.ndarray,
    s: np.ndarray,
    size: np.ndarray,
    value: np.ndarray,
    limit_fn: Callable[..., pd.DataFrame],
    levels: Sequence[float],
    winsor: float,
    unit_fn: Callable[..., pd.DataFrame] | None = None,
) -> tuple[Overdispersion, pd.DataFrame, pd.DataFrame | None, list[str]]:
    """Shared by both funnels: dispersion check, exact limits on a grid, random-effects limits
    when tau² > 0, and each unit's position (against adjusted limits only when overdispersed).
    ``unit_fn`` (default ``limit_fn``) gives the limits at the units themselves."""
    disp = overdispersion(z, s, winsor=winsor)
    grid = _grid(size)
    limits = limit_fn(grid, levels=levels)
    adjusted = limit_fn(grid, levels=levels, tau2=disp.tau2, method="normal") if disp.tau2 > 0 else None
    at_units = (unit_fn or limit_fn)(size, levels=levels, tau2=disp.tau2 if disp.overdispersed else 0.0)
    return disp, limits, adjusted, _position(value, at_units, levels)


def ratio_funnel(
    units: pd.DataFrame,
    id_column: str = "region",
    levels: Sequence[float] = DEFAULT_LEVELS,
    winsor: float = 0.1,
    highlight: str | None = None,
    min_cell: int | None = None,
    variance: str = "poisson",
) -> Funnel:
    """O/E funnel against expected count from a frame with ``observed`` and ``expected``.

    Points are classified against the exact limits, or against the
    random-effects limits when the dispersion check says overdispersed.
    ``variance="poisson_binomial"`` (common outcomes) uses the frame's ``variance`` column
    (Σp(1−p) per unit): plain-scale z-scores (O − E)/sqrt(V), unit limits with the unit's own
    V/E, the drawn curves with the national V/E.
    ``suppressed`` marks points resting on fewer than ``min_cell`` events:
    they still count in the dispersion check but must not be drawn.
    """
    o = units["observed"].to_numpy(dtype=float)
    e = units["expected"].to_numpy(dtype=float)
    if variance == "poisson_binomial":
        v = units["variance"].to_numpy(dtype=float)
        s = np.sqrt(v) / e
        z = (o / e - 1) / s
        curve = partial(ratio_limits, kappa=float(v.sum() / e.sum()))
        disp, limits, adjusted, position = _limits_and_positions(
            z, s, e, o / e, curve, levels, winsor, unit_fn=partial(ratio_limits, kappa=v / e)
        )
    elif variance == "poisson":
        z, s = ratio_z_scores(o, e)
        disp, limits, adjusted, position = _limits_and_positions(z, s, e, o / e, ratio_limits, levels, winsor)
    else:
        raise ValueError(f"ratio_funnel: unknown variance {variance!r}")
    points = pd.DataFrame(
        {
            id_column: units[id_column].to_numpy(),
            "observed": o,
            "expected": e,
            "oe": o / e,
            "z": z,
            "position": position,
            "suppressed": o < (threshold() if min_cell is None else min_cell),
        }
    )
    if highlight is not None:
        points["highlight"] = points[id_column] == highlight
    return Funnel("ratio", 1.0, points, limits, adjusted, disp, variance)


def proportion_funnel(
    units: pd.DataFrame,
    target: float | None = None,
    id_column: str = "region",
    levels: Sequence[float] = DEFAULT_LEVELS,
    winsor: float = 0.1,
    highlight: str | None = None,
    min_cell: int | None = None,
) -> Funnel:
    """Proportion funnel against denominator from a frame with ``events`` and ``n``.

    The target defaults to the pooled rate of all units (the national rate);
    ``suppressed`` marks units with fewer than ``min_cell`` events or non-events.
    """
    ev = units["events"].to_numpy(dtype=float)
    n = units["n"].to_numpy(dtype=float)
    centre = float(ev.sum() / n.sum()) if target is None else float(target)
    z, s = proportion_z_scores(ev, n, centre)
    disp, limits, adjusted, position = _limits_and_positions(
        z, s, n, ev / n, partial(proportion_limits, target=centre), levels, winsor
    )
    points = pd.DataFrame(
        {
            id_column: units[id_column].to_numpy(),
            "events": ev,
            "n": n,
            "rate": ev / n,
            "z": z,
            "position": position,
            "suppressed": np.minimum(ev, n - ev) < (threshold() if min_cell is None else min_cell),
        }
    )
    if highlight is not None:
        points["highlight"] = points[id_column] == highlight
    return Funnel("proportion", centre, points, limits, adjusted, disp)
