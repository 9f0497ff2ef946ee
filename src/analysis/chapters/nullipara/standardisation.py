"""Indirect standardisation with only the region's microdata and a national stratum rate table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.chapters.nullipara.model import (
    code_covariates,
    collapse,
)
from analysis.chapters.nullipara.oe import poisson_ratio_ci
from analysis.chapters.nullipara.outcomes import (
    DEFAULT_STRATA,
    OutcomeConfig,
    OutcomeUnavailable,
    outcome_rows,
    resolve_config,
)

# --------------------------------------------------------------------------- indirect standardisation


def national_reference_rates(
    births: pd.DataFrame,
    outcome: str,
    strata: Sequence[str] = DEFAULT_STRATA,
    config: OutcomeConfig | None = None,
) -> pd.DataFrame:
    """National stratum-specific rates (CSV-able): outcome, strata labels, n, events, rate.

    If the table is published, pass it through ``displayable`` first: strata
    with fewer than five women, events or non-events lose their rate, and a
    region using the published table then reports those women as unmatched.
    """
    cfg = resolve_config(config)
    rows = outcome_rows(births, outcome, cfg)
    coded = code_covariates(births, strata, cfg)
    if coded.absent:
        raise OutcomeUnavailable(f"national_reference_rates: strata columns absent: {list(coded.absent)}")
    table = collapse(coded, rows.event, rows.in_denominator, list(strata))
    for s in strata:
        table[s] = table[s].astype(str)
    table["rate"] = table["events"] / table["n"]
    table.insert(0, "outcome", outcome)
    return table.sort_values(list(strata)).reset_index(drop=True)


@dataclass(frozen=True)
class IndirectStandardisation:
    """Region's observed vs expected from national stratum rates; SR with exact Poisson CI."""

    outcome: str
    strata: tuple[str, ...]
    n: int
    observed: int
    expected: float
    sr: float
    sr_low: float
    sr_high: float
    reference_rate: float
    adjusted_rate: float
    adjusted_low: float
    adjusted_high: float
    n_unmatched: int
    observed_unmatched: int
    by_stratum: pd.DataFrame

    def as_dict(self) -> dict[str, Any]:
        items = ((k, v) for k, v in self.__dict__.items() if k != "by_stratum")
        return {k: (float(v) if isinstance(v, (float, np.floating)) else v) for k, v in items}


def indirect_standardise(
    region_births: pd.DataFrame,
    reference_rates: pd.DataFrame,
    strata: Sequence[str] | None = None,
    outcome: str | None = None,
    config: OutcomeConfig | None = None,
    alpha: float = 0.05,
) -> IndirectStandardisation:
    """Indirect standardisation with only the region's microdata and a national rate table.

    E = sum over strata of (region's women) x (national rate). Women in strata
    the table lacks (or whose rate is suppressed) are excluded from O and E and
    counted in ``n_unmatched``. The adjusted rate is SR x the reference table's
    overall rate.
    """
    cfg = resolve_config(config)
    if outcome is None:
        found = reference_rates["outcome"].unique() if "outcome" in reference_rates.columns else []
        if len(found) != 1:
            raise ValueError("indirect_standardise: pass outcome= (reference table has no single outcome)")
        outcome = str(found[0])
    strata = tuple(strata) if strata is not None else tuple(c for c in reference_rates.columns if c in cfg.covariates)
    rows = outcome_rows(region_births, outcome, cfg)
    coded = code_covariates(region_births, strata, cfg)
    if coded.absent:
        raise OutcomeUnavailable(f"indirect_standardise: strata columns absent: {list(coded.absent)}")
    own = collapse(coded, rows.event, rows.in_denominator, list(strata))
    for s in strata:
        own[s] = own[s].astype(str)
    ref = reference_rates[[*strata, "rate"]].copy()
    for s in strata:
        ref[s] = ref[s].astype(str)
    merged = own.merge(ref, on=list(strata), how="left")
    matched = merged["rate"].notna().to_numpy()
    merged["expected"] = merged["n"] * merged["rate"]
    use = merged[matched]
    observed = int(use["events"].sum())
    expected = float(use["expected"].sum())
    low, high = poisson_ratio_ci(np.array([observed]), np.array([expected]), alpha)
    if {"n", "events"} <= set(reference_rates.columns) and reference_rates["n"].notna().all():
        overall = float(reference_rates["events"].sum() / reference_rates["n"].sum())
    else:
        overall = float("nan")
    sr = observed / expected if expected > 0 else float("nan")
    return IndirectStandardisation(
        outcome=outcome,
        strata=strata,
        n=int(use["n"].sum()),
        observed=observed,
        expected=expected,
        sr=sr,
        sr_low=float(low[0]),
        sr_high=float(high[0]),
        reference_rate=overall,
        adjusted_rate=sr * overall,
        adjusted_low=float(low[0]) * overall,
        adjusted_high=float(high[0]) * overall,
        n_unmatched=int(merged.loc[~matched, "n"].sum()),
        observed_unmatched=int(merged.loc[~matched, "events"].sum()),
        by_stratum=merged.rename(columns={"events": "observed"}),
    )
