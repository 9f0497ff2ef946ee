"""Indirect standardisation with only the region's microdata and a national stratum rate table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from analysis.chapters.nullipara.model import (
    CodedCovariates,
    _text_codes,
    aggregate,
    code_covariates,
    collapse,
    is_value,
)
from analysis.chapters.nullipara.oe import displayable, poisson_ratio_ci
from analysis.chapters.nullipara.outcomes import (
    DEFAULT_STRATA,
    OutcomeConfig,
    OutcomeRows,
    OutcomeUnavailable,
    outcome_rows,
    resolve_config,
)
from analysis.common.disclosure import threshold

# --------------------------------------------------------------------------- indirect standardisation


def national_reference_rates(
    births: pd.DataFrame,
    outcome: str,
    strata: Sequence[str] = DEFAULT_STRATA,
    config: OutcomeConfig | None = None,
    rows: OutcomeRows | None = None,
    coded: CodedCovariates | None = None,
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
    rows: OutcomeRows | None = None,
    coded: CodedCovariates | None = None,
) -> IndirectStandardisation:
    """Indirect standardisation with only the region's microdata and a national rate table.

    E = sum over strata of (region's women) x (national rate). Women in strata
    the table lacks (or whose rate is suppressed) are excluded from O and E and
    counted in ``n_unmatched``. The adjusted rate is SR x the reference table's
    overall rate. ``rows`` and ``coded`` (for ``region_births``) may be passed when already computed.
    """
    cfg = resolve_config(config)
    if outcome is None:
        found = reference_rates["outcome"].unique() if "outcome" in reference_rates.columns else []
        if len(found) != 1:
            raise ValueError("indirect_standardise: pass outcome= (reference table has no single outcome)")
        outcome = str(found[0])
    strata = tuple(strata) if strata is not None else tuple(c for c in reference_rates.columns if c in cfg.covariates)
    rows = outcome_rows(region_births, outcome, cfg) if rows is None else rows
    coded = code_covariates(region_births, strata, cfg) if coded is None else coded
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


def stratum_oe_all_regions(
    births: pd.DataFrame,
    outcome: str,
    strata: Sequence[str] = DEFAULT_STRATA,
    region_column: str = "region",
    rows: OutcomeRows | None = None,
    coded: CodedCovariates | None = None,
    group_codes: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Stratified O/E for every region computed from the full national microdata.

    E for a region = sum over strata of (its women) x (national rate in the
    stratum). This is the reference computation for ``indirect_standardise``,
    which needs only the region's rows plus a national rate table. ``rows``, ``coded`` and ``group_codes``
    (the region column factorised as ``collapse`` takes it) may be passed when already computed.
    """
    rows = outcome_rows(births, outcome) if rows is None else rows
    coded = code_covariates(births, list(strata)) if coded is None else coded
    if coded.absent:
        raise OutcomeUnavailable(f"strata columns absent: {list(coded.absent)}")
    if group_codes is None:
        group_codes = _text_codes(births[region_column])
    pat = collapse(coded, rows.event, rows.in_denominator, list(strata), group_codes=group_codes)
    national = aggregate(pat, list(strata))
    national["rate"] = national["events"] / national["n"]
    merged = pat.merge(national[[*strata, "rate"]], on=list(strata), how="left")
    merged["expected"] = merged["n"] * merged["rate"]
    out = merged.groupby(region_column, sort=True)[["n", "events", "expected"]].sum().reset_index()
    out = out.rename(columns={"events": "observed"})
    out["oe"] = out["observed"] / out["expected"]
    return out


def indirect_comparison(births: pd.DataFrame, region: str, outcomes: Sequence[str], results: Mapping[str, Any]) -> pd.DataFrame:
    """Per outcome: model O/E, stratified O/E from national microdata, and from a rate table + own data.

    ``n_unmatched_published`` counts the region's women whose stratum would lose
    its rate if the national table were published with small-cell suppression.
    Outcomes whose region rests on fewer than the disclosure threshold of women, events
    or non-events are left out: their O/E times the expected count gives the observed
    count back (``indirect_suppressed`` lists them for the table's '<5' rows).
    """
    limit = threshold()
    rows = []
    # Computed once for every outcome: the strata coded, the region factorised, the region's rows (each row's
    # codes and flags depend on that row alone, so the region's are the nation's restricted to its rows).
    strata = list(DEFAULT_STRATA)
    coded = code_covariates(births, strata)
    if coded.absent:
        raise OutcomeUnavailable(f"strata columns absent: {list(coded.absent)}")
    group_codes = _text_codes(births["region"])
    home_rows = is_value(births["region"], region)
    own = births[home_rows]
    own_coded = _restricted(coded, home_rows)
    for key in outcomes:
        if key not in results["outcomes"]:
            continue
        all_rows = outcome_rows(births, key)
        full = stratum_oe_all_regions(births, key, rows=all_rows, coded=coded, group_codes=group_codes)
        full_row = full[full["region"] == region].iloc[0]
        home = results["outcomes"][key]["regions"][region]
        if home.get("suppressed") or min(full_row["n"], full_row["observed"], full_row["n"] - full_row["observed"]) < limit:
            continue  # hidden in the results (perhaps as another region's complement): hidden here too
        reference = national_reference_rates(births, key, rows=all_rows, coded=coded)
        own_rows = replace(all_rows, in_denominator=all_rows.in_denominator[home_rows], event=all_rows.event[home_rows])
        via_table = indirect_standardise(own, reference, outcome=key, rows=own_rows, coded=own_coded)
        published_ref = displayable(reference)
        via_published = indirect_standardise(own, published_ref, outcome=key, rows=own_rows, coded=own_coded)
        rows.append(
            {
                "outcome": key,
                "n_strata": len(reference),
                "n": int(full_row["n"]),
                "observed": int(full_row["observed"]),
                "expected_full": float(full_row["expected"]),
                "oe_full": float(full_row["oe"]),
                "expected_table": via_table.expected,
                "oe_table": via_table.sr,
                "oe_table_low": via_table.sr_low,
                "oe_table_high": via_table.sr_high,
                "n_unmatched_table": via_table.n_unmatched,
                "n_unmatched_published": via_published.n_unmatched,
                "oe_published": via_published.sr,
                "oe_model": home["oe"],
            }
        )
    return pd.DataFrame(rows, columns=INDIRECT_COLUMNS)


def _restricted(coded: CodedCovariates, mask: np.ndarray) -> CodedCovariates:
    """The coding of the rows ``mask`` selects (codes only: ``missing`` still counts the whole frame)."""
    return replace(coded, codes={k: v[mask] for k, v in coded.codes.items()}, _groups={})


INDIRECT_COLUMNS = [
    "outcome", "n_strata", "n", "observed", "expected_full", "oe_full", "expected_table", "oe_table", "oe_table_low",
    "oe_table_high", "n_unmatched_table", "n_unmatched_published", "oe_published", "oe_model",
]  # fmt: skip


def indirect_suppressed(indirect: pd.DataFrame, outcomes: Sequence[str]) -> list[str]:
    """Outcomes that were computed but left out of ``indirect_comparison`` by disclosure control."""
    shown = set(indirect["outcome"])
    return [k for k in outcomes if k not in shown]
