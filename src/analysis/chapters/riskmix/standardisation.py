"""Direct age × parity standardisation: how much of the region's gap to the nation is age/parity structure."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from analysis.chapters.riskmix.config import NO_RISK_KEY, RiskConfig, Years, load_config
from analysis.chapters.riskmix.rules import (
    add_strata,
    as_text,
    factor_flags,
    no_risk_definition,
    no_risk_flag,
    region_code,
    select,
    shared,
    year_key,
)
from analysis.common import disclosure
from analysis.common.results import plain

# The results file has always carried these figures rounded to four decimals.
RESULT_DIGITS = 4


@dataclass(frozen=True)
class StandardisationResult:
    """Direct standardisation of one outcome; rates in percent.

    gap_explained_by_structure = crude - standardised: the part of the crude gap to the
    nation that disappears once the region is given the national age/parity structure.
    """

    outcome: str
    label_sv: str
    label_en: str
    region: str
    by: tuple[str, ...]
    standard: str
    n_region: float
    cases_region: float
    excluded_region: int
    crude: float
    standardised: float
    ci_low: float
    ci_high: float
    ci_method: str
    national: float
    crude_gap: float
    standardised_gap: float
    gap_explained_by_structure: float
    share_of_gap_explained: float
    dropped_standard_weight: float
    suppressed: bool
    strata: pd.DataFrame = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (NaN -> None), without the strata table."""
        figures: dict[str, Any] = plain(
            {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "strata"}, digits=RESULT_DIGITS
        )
        return figures

    def as_frame(self) -> pd.DataFrame:
        """Three bars for a chart: crude and standardised region rate, national rate (``measure`` keys)."""
        return pd.DataFrame(
            {
                "measure": ["crude", "standardised", "national"],
                "pct": [self.crude, self.standardised, self.national],
                "ci_low": [np.nan, self.ci_low, np.nan],
                "ci_high": [np.nan, self.ci_high, np.nan],
            }
        )


def _outcome_flag(sel: pd.DataFrame, outcome: str, cfg: RiskConfig) -> tuple[pd.Series, str, str]:
    if outcome == NO_RISK_KEY:
        flag = no_risk_flag(factor_flags(sel, cfg), no_risk_definition(sel, cfg).factors)
        return flag, cfg.no_risk_label_sv, cfg.no_risk_label_en
    f = cfg.factor(outcome)
    return factor_flags(sel, cfg)[outcome], f.label_sv, f.label_en


def direct_standardise(
    births: pd.DataFrame,
    region: str,
    outcome: str,
    years: Years = None,
    config: RiskConfig | None = None,
    by: Sequence[str] = ("age_group", "parity_group"),
    standard: Literal["nation"] | pd.DataFrame = "nation",
    ci_method: Literal["normal", "gamma"] = "normal",
    alpha: float = 0.05,
) -> StandardisationResult:
    """Directly standardise the region's rate of ``outcome`` (a factor key or 'no_risk_factor').

    Standard population: national deliveries with known outcome and strata (weights N_s/N),
    or a frame with the ``by`` columns and ``weight``. Strata absent from the region are
    dropped and their weight reported (``dropped_standard_weight``); remaining weights are
    rescaled to 1. CI: 'normal' uses Var = sum(w_s^2 p_s (1-p_s) / n_s) (binomial stratum
    variances, suits common outcomes); 'gamma' is Fay & Feuer (1997), conservative.
    """
    cfg = config or load_config()
    code = region_code(region)
    if not isinstance(standard, str):  # a custom standard population is not shared
        return _standardise(births, code, outcome, years, cfg, by, standard, ci_method, alpha)
    key = (code, outcome, year_key(years), id(cfg), tuple(by), standard, ci_method, alpha)
    return shared(
        "standardised", births, key, lambda: _standardise(births, code, outcome, years, cfg, by, standard, ci_method, alpha)
    )


def _standardise(
    births: pd.DataFrame,
    code: str,
    outcome: str,
    years: Years,
    cfg: RiskConfig,
    by: Sequence[str],
    standard: Literal["nation"] | pd.DataFrame,
    ci_method: Literal["normal", "gamma"],
    alpha: float,
) -> StandardisationResult:
    sel, codes = select(births, years)
    flag, label_sv, label_en = _outcome_flag(sel, outcome, cfg)
    data = add_strata(sel, cfg) if {"age_group", "parity_group"} & set(by) else sel.copy()
    missing_cols = [c for c in by if c not in data.columns]
    if missing_cols:
        raise KeyError(f"direct_standardise: stratum column(s) {missing_cols} not in data")
    frame = pd.DataFrame({c: as_text(data[c], strip=False) for c in by}, index=data.index)
    frame["y"] = flag.to_numpy()
    frame["in_region"] = (codes == code).to_numpy()
    usable = frame["y"].notna() & frame[list(by)].notna().all(axis=1)
    excluded_region = int((frame["in_region"] & ~usable).sum())
    frame = frame[usable]
    frame["y"] = frame["y"].astype(bool).astype(int)

    reg = frame[frame["in_region"]].groupby(list(by), observed=True)["y"].agg(n_region="size", cases_region="sum")
    nat = frame.groupby(list(by), observed=True)["y"].agg(n_nation="size", cases_nation="sum")
    if isinstance(standard, pd.DataFrame):
        if "weight" not in standard.columns or any(c not in standard.columns for c in by):
            raise KeyError(f"standard population needs columns {list(by)} and 'weight'")
        w = standard.astype({c: "string" for c in by}).set_index(list(by))["weight"].astype(float)
        standard_name = "custom"
    elif standard == "nation":
        w = nat["n_nation"].astype(float)
        standard_name = "nation"
    else:
        raise ValueError(f"standard must be 'nation' or a DataFrame, got {standard!r}")
    strata = pd.concat([nat, reg], axis=1).join(w.rename("weight"), how="outer")
    strata[["n_nation", "cases_nation", "n_region", "cases_region"]] = strata[
        ["n_nation", "cases_nation", "n_region", "cases_region"]
    ].fillna(0)
    strata["weight"] = strata["weight"].fillna(0.0) / strata["weight"].sum()
    present = strata["n_region"] > 0
    dropped = float(strata.loc[~present, "weight"].sum())
    w_used = strata["weight"].where(present, 0.0)
    w_used = w_used / w_used.sum() if w_used.sum() > 0 else w_used
    p_region = (strata["cases_region"] / strata["n_region"]).where(present)
    n_r, x_r = float(strata["n_region"].sum()), float(strata["cases_region"].sum())
    N, X = float(strata["n_nation"].sum()), float(strata["cases_nation"].sum())

    std = float((w_used * p_region.fillna(0)).sum()) if n_r else math.nan
    crude = x_r / n_r if n_r else math.nan
    national = X / N if N else math.nan
    if ci_method == "normal":
        p = p_region.fillna(0)
        var = float((w_used**2 * p * (1 - p) / strata["n_region"].where(present)).fillna(0).sum())
        z = stats.norm.ppf(1 - alpha / 2)
        lo, hi = max(0.0, std - z * math.sqrt(var)), min(1.0, std + z * math.sqrt(var))
    elif ci_method == "gamma":
        lo, hi = _fay_feuer(
            w_used[present].to_numpy(),
            strata.loc[present, "n_region"].to_numpy(),
            strata.loc[present, "cases_region"].to_numpy(),
            alpha,
        )
    else:
        raise ValueError(f"ci_method must be 'normal' or 'gamma', got {ci_method!r}")

    limit = disclosure.threshold()
    hide = n_r < limit or x_r < limit or (n_r - x_r) < limit
    crude_gap = crude - national
    explained = crude - std
    share = explained / crude_gap if crude_gap and not math.isnan(crude_gap) else math.nan
    table = strata.reset_index()
    table["pct_region"] = 100 * p_region.to_numpy()
    table["pct_nation"] = (100 * strata["cases_nation"] / strata["n_nation"].where(strata["n_nation"] > 0)).to_numpy()
    table = disclosure.suppress(table, ["n_region", "cases_region"], ["pct_region"], flag_column="suppressed_region")
    table = disclosure.suppress(table, ["n_nation", "cases_nation"], ["pct_nation"], flag_column="suppressed_nation")
    nan = math.nan

    def pct(v: float) -> float:
        return nan if hide else 100 * v

    return StandardisationResult(
        outcome=outcome,
        label_sv=label_sv,
        label_en=label_en,
        region=code,
        by=tuple(by),
        standard=standard_name,
        n_region=nan if hide else n_r,
        cases_region=nan if hide else x_r,
        excluded_region=excluded_region,
        crude=pct(crude),
        standardised=pct(std),
        ci_low=pct(lo),
        ci_high=pct(hi),
        ci_method=ci_method,
        national=100 * national,
        crude_gap=pct(crude_gap),
        standardised_gap=pct(std - national),
        gap_explained_by_structure=pct(explained),
        share_of_gap_explained=nan if hide else share,
        dropped_standard_weight=dropped,
        suppressed=hide,
        strata=table,
    )


def _fay_feuer(w: np.ndarray, n: np.ndarray, x: np.ndarray, alpha: float) -> tuple[float, float]:
    """Fay & Feuer (1997) gamma interval for a directly standardised rate (as a proportion)."""
    wi = w / n
    y = float((wi * x).sum())
    v = float((wi**2 * x).sum())
    wm = float(wi.max())
    lower = 0.0 if y == 0 else v / (2 * y) * stats.chi2.ppf(alpha / 2, 2 * y**2 / v)
    upper = (v + wm**2) / (2 * (y + wm)) * stats.chi2.ppf(1 - alpha / 2, 2 * (y + wm) ** 2 / (v + wm**2))
    return float(lower), float(upper)
