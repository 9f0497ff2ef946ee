"""Observed/expected per region with exact intervals, crude rates, and disclosure control of the tables."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from analysis.chapters.nullipara.model import (
    CasemixFit,
    PreparedOutcome,
    is_value,
)
from analysis.chapters.nullipara.outcomes import (
    OUTCOME_KEYS,
    OutcomeConfig,
    OutcomeUnavailable,
    outcome_rows,
    resolve_config,
)
from analysis.common.disclosure import complementary_flags, suppress, threshold
from analysis.common.home import HOME_REGION

# --------------------------------------------------------------------------- O/E


def poisson_ratio_ci(observed: np.ndarray, expected: np.ndarray, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) Poisson limits for O, divided by a fixed E."""
    o = np.asarray(observed, dtype=float)
    e = np.asarray(expected, dtype=float)
    low = np.where(o > 0, stats.chi2.ppf(alpha / 2, 2 * o) / 2, 0.0) / e
    high = stats.chi2.ppf(1 - alpha / 2, 2 * o + 2) / 2 / e
    return low, high


COMMON_RATE = 0.10  # national rate from which an outcome is "common": Poisson-binomial variance instead of Poisson


def variance_kind(national_rate: float) -> str:
    """'poisson_binomial' (variance Σp(1−p)) for common outcomes, 'poisson' (variance Σp) for rare ones."""
    return "poisson_binomial" if national_rate >= COMMON_RATE else "poisson"


def poisson_binomial_ratio_ci(
    observed: np.ndarray, expected: np.ndarray, sum_p2: np.ndarray, alpha: float = 0.05
) -> tuple[np.ndarray, np.ndarray]:
    """Score interval for O/E when O is a sum of Bernoulli(θ p_i): solves (O − θE)² = z² (θE − θ² Σp_i²).

    ``sum_p2`` = Σ p_i² over the unit's women, so the variance at θ = 1 is Σ p_i(1 − p_i) = E − Σ p_i².
    With one common p this is the Wilson interval for a proportion, divided by p.
    """
    o = np.asarray(observed, dtype=float)
    e = np.asarray(expected, dtype=float)
    s2 = np.asarray(sum_p2, dtype=float)
    z2 = stats.norm.ppf(1 - alpha / 2) ** 2
    a = e**2 + z2 * s2
    b = 2 * o * e + z2 * e
    root = np.sqrt(np.maximum(b**2 - 4 * a * o**2, 0.0))
    return (b - root) / (2 * a), (b + root) / (2 * a)


def clopper_pearson(events: np.ndarray, n: np.ndarray, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Exact binomial interval for a proportion."""
    x = np.asarray(events, dtype=float)
    m = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(x > 0, stats.beta.ppf(alpha / 2, x, m - x + 1), 0.0)
        high = np.where(x < m, stats.beta.ppf(1 - alpha / 2, x + 1, m - x), 1.0)
    return low, high


def observed_expected(
    prepared: PreparedOutcome, fit: CasemixFit, alpha: float = 0.05, region_column: str = "region"
) -> pd.DataFrame:
    """Per region: n, observed, expected (sum of national-model risks), variance of O, O/E with CI, adjusted rate.

    Rare outcomes (national rate below ``COMMON_RATE``): exact Poisson interval, variance E. Common outcomes:
    the Poisson-binomial score interval with variance Σ p(1 − p) (``table.attrs["variance_kind"]`` says which).
    """
    pat = prepared.patterns
    p = fit.predict(pat)
    n = pat["n"].to_numpy()
    frame = pd.DataFrame(
        {region_column: pat[region_column], "n": n, "observed": pat["events"], "expected": n * p, "sum_p2": n * p**2}
    )
    table = frame.groupby(region_column, sort=True).sum().reset_index()
    national = prepared.national_rate
    table["variance"] = table["expected"] - table["sum_p2"]  # Σ p(1 − p): the Poisson-binomial variance of O
    kind = variance_kind(national)
    obs, exp_ = table["observed"].to_numpy(), table["expected"].to_numpy()
    if kind == "poisson_binomial":
        low, high = poisson_binomial_ratio_ci(obs, exp_, table["sum_p2"].to_numpy(), alpha)
    else:
        low, high = poisson_ratio_ci(obs, exp_, alpha)
        table["variance"] = table["expected"]
    table = table.drop(columns="sum_p2")
    table.attrs["variance_kind"] = kind
    table["oe"] = table["observed"] / table["expected"]
    table["oe_low"] = low
    table["oe_high"] = high
    table["crude_rate"] = table["observed"] / table["n"]
    table["expected_rate"] = table["expected"] / table["n"]
    table["adjusted_rate"] = table["oe"] * national
    table["adjusted_low"] = low * national
    table["adjusted_high"] = high * national
    return table


# --------------------------------------------------------------------------- crude rates


def crude_rates(
    births: pd.DataFrame,
    region: str = HOME_REGION,
    outcomes: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
    by_year: bool = True,
    config: OutcomeConfig | None = None,
    alpha: float = 0.05,
    region_column: str = "region",
) -> pd.DataFrame:
    """Crude rates among nulliparous women, region vs nation, pooled (``year`` NA) and per year, exact CIs.

    Outcomes whose columns are absent are skipped (``nullipara_results`` reports them).
    Pass the result through ``displayable`` before showing it.
    """
    cfg = resolve_config(config)
    data = births if years is None else births[births["year"].isin(list(years))]
    rows = []
    home = is_value(data[region_column], region)
    year = data["year"].to_numpy()
    for key in outcomes or OUTCOME_KEYS:
        try:
            flags = outcome_rows(data, key, cfg)
        except OutcomeUnavailable:
            continue
        for area, in_area in (("region", home), ("nation", np.ones(len(data), dtype=bool))):
            selected = flags.in_denominator & in_area
            periods: list[tuple[int | None, np.ndarray]] = [(None, selected)]
            if by_year:
                periods += [(int(y), selected & (year == y)) for y in sorted(np.unique(year[selected]))]
            for y, sel in periods:
                rows.append(
                    {
                        "outcome": key,
                        "area": region if area == "region" else "nation",
                        "year": y,
                        "n": int(sel.sum()),
                        "events": int(flags.event[sel].sum()),
                    }
                )
    table = pd.DataFrame(rows, columns=["outcome", "area", "year", "n", "events"])
    table["year"] = table["year"].astype("Int64")
    low, high = clopper_pearson(table["events"].to_numpy(), table["n"].to_numpy(), alpha)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["rate"] = table["events"] / table["n"]
    table["low"] = low
    table["high"] = high
    return table


def displayable(table: pd.DataFrame, min_cell: int | None = None) -> pd.DataFrame:
    """Disclosure control for this module's tables: blank rows resting on fewer than the threshold.

    Counts are ``n``/``events``/``observed`` (and the non-events implied by
    them); every other numeric column is treated as derived and blanked too.
    """
    counts = [c for c in ("n", "events", "observed") if c in table.columns]
    work = table.copy()
    events_col = "events" if "events" in work.columns else ("observed" if "observed" in work.columns else None)
    if events_col is not None and "n" in work.columns:
        work["_non_events"] = work["n"] - work[events_col]
        counts.append("_non_events")
    keep = {"year", "group", "decile"}
    values = [c for c in work.columns if c not in counts and c not in keep and pd.api.types.is_float_dtype(work[c])]
    out = suppress(work, counts, values, min_cell=min_cell)
    if "year" in work.columns and work["year"].isna().any() and work["year"].notna().any():
        out = _complementary_years(work, out, counts, values, min_cell)
    return out.drop(columns=[c for c in ("_non_events",) if c in out.columns])


def _complementary_years(
    work: pd.DataFrame, out: pd.DataFrame, counts: list[str], values: list[str], min_cell: int | None
) -> pd.DataFrame:
    """Per-year rows are parts of the pooled row: hide more years so the pooled minus the visible years reveals nothing."""
    years = work["year"].notna().to_numpy()
    group = [c for c in ("outcome", "area") if c in work.columns]
    part = work[years].reset_index(drop=True)
    flags = complementary_flags(part, counts, out["suppressed"].to_numpy()[years], group or None, min_cell)
    hidden = np.zeros(len(out), dtype=bool)
    hidden[np.flatnonzero(years)[flags]] = True
    out.loc[hidden, [*counts, *values]] = np.nan
    out.loc[hidden, "suppressed"] = True
    return out


def region_suppression(table: pd.DataFrame, min_cell: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Which regions of an ``observed_expected`` table hide their figures, and which hide their n too.

    A region is hidden when its women, events or non-events are below the threshold; because the
    national totals are published, more regions are hidden until no hidden count can be recovered by
    subtracting the visible regions from the nation (``disclosure.complementary_flags``). ``n`` alone is
    hidden for regions with fewer women than the threshold, with the same complementary rule.
    """
    limit = threshold() if min_cell is None else min_cell
    work = table[["n", "observed"]].astype(float).assign(non_events=lambda t: t["n"] - t["observed"])
    primary = work.min(axis=1).to_numpy() < limit
    hide = complementary_flags(work, ["observed", "non_events", "n"], primary, min_cell=limit)
    hide_n = complementary_flags(work, ["n"], work["n"].to_numpy() < limit, min_cell=limit)
    return hide, hide_n


def hide_outcomes(table: pd.DataFrame, area: str, outcomes: Sequence[str]) -> pd.DataFrame:
    """Blank ``area``'s rows of a displayable crude table for ``outcomes`` the results hide.

    A region hidden in the results only as another region's complement must not show its counts here
    either, or the other region's count is the national total minus what is visible.
    """
    hide = (table["area"].astype(str) == area).to_numpy() & table["outcome"].isin(list(outcomes)).to_numpy()
    out = table.copy()
    numeric = [
        c for c in out.columns if c not in ("outcome", "area", "year", "suppressed") and pd.api.types.is_numeric_dtype(out[c])
    ]
    out[numeric] = out[numeric].astype("float64")
    out.loc[hide, numeric] = np.nan
    out.loc[hide, "suppressed"] = True
    return out
