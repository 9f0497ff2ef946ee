"""Cohort prevalence of each factor and of the no-risk share (Wilson 95 % CIs), and common combinations.

Every table has passed ``disclosure.suppress`` (cases, non-cases and n); no function returns
individual rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from analysis.chapters.riskmix.config import NO_RISK_KEY, RiskConfig, Years, load_config
from analysis.chapters.riskmix.rules import (
    factor_availability,
    factor_flags,
    no_risk_definition,
    no_risk_flag,
    region_code,
    select,
    shared,
    year_key,
)
from analysis.common import disclosure
from analysis.common.published import RIKET as NATION_CODE
from analysis.common.regions import region_name

PREVALENCE_COLUMNS = ["n", "cases", "pct", "ci_low", "ci_high", "missing", "suppressed", "status"]


def count_flags(
    flag: pd.Series, groups: pd.Series | None = None, factorized: tuple[np.ndarray, Any] | None = None
) -> pd.DataFrame:
    """n (known), cases and missing, overall or per group (groups in order of first appearance, NA groups left out).

    One pass over integer group codes (``np.bincount``): grouping by the values themselves turned a categorical
    into half a million Python strings for every factor. ``factorized`` is ``pd.factorize(groups, sort=False)``
    when the caller counts several flags by the same groups (factorised once).
    """
    known = flag.notna().to_numpy()
    case = flag.fillna(False).astype(bool).to_numpy()
    if groups is None:
        return pd.DataFrame({"n": [int(known.sum())], "cases": [int(case.sum())], "missing": [int((~known).sum())]})
    codes, uniques = pd.factorize(groups, sort=False) if factorized is None else factorized
    in_group = codes >= 0
    size = len(uniques)
    n = np.bincount(codes[in_group & known], minlength=size)
    total = np.bincount(codes[in_group], minlength=size)
    out = pd.DataFrame(
        {"n": n, "cases": np.bincount(codes[in_group & case], minlength=size), "missing": total - n},
        index=pd.Index(list(uniques), name="group"),
    )
    return out.astype(int)


def finish(table: pd.DataFrame) -> pd.DataFrame:
    """Percentages, Wilson 95 % CIs, then suppression (cases, non-cases and n) and status."""
    out = table.copy()
    n = out["n"].to_numpy(dtype=float)
    cases = out["cases"].to_numpy(dtype=float)
    ok = n > 0
    pct = np.full(len(out), np.nan)
    lo = np.full(len(out), np.nan)
    hi = np.full(len(out), np.nan)
    if ok.any():
        pct[ok] = 100 * cases[ok] / n[ok]
        low, high = proportion_confint(cases[ok], n[ok], alpha=0.05, method="wilson")
        lo[ok], hi[ok] = 100 * np.asarray(low), 100 * np.asarray(high)
    out["pct"], out["ci_low"], out["ci_high"] = pct, lo, hi
    # Non-cases are checked too: "all but 2 of 40" discloses as much as "2 of 40".
    out["_non_cases"] = out["n"] - out["cases"]
    no_data = out["n"].eq(0).to_numpy()
    out = disclosure.suppress(out, ["n", "cases", "_non_cases"], ["pct", "ci_low", "ci_high"])
    out = out.drop(columns="_non_cases")
    out["missing"] = mask_small(out["missing"])
    unavailable = out["available"].eq(False) if "available" in out.columns else pd.Series(False, index=out.index)
    out["status"] = np.where(
        unavailable, "unavailable", np.where(no_data, "no_data", np.where(out["suppressed"], "suppressed", "ok"))
    )
    return out


def mask_small(counts: pd.Series) -> pd.Series:
    """Data-quality counts (missing) are hidden when 1..threshold-1, like any small cell."""
    c = counts.astype("float64")
    return c.mask((c > 0) & (c < disclosure.threshold()))


def _unavailable_rows(base: dict[str, Any]) -> dict[str, Any]:
    return {**base, "n": np.nan, "cases": np.nan, "missing": np.nan, "available": False}


# --------------------------------------------------------------------------- 2. prevalence


def prevalence_table(births: pd.DataFrame, region: str, years: Years = None, config: RiskConfig | None = None) -> pd.DataFrame:
    """Prevalence of each factor, region vs nation (nation = all regions, the region included).

    Columns: factor, label_sv, label_en, area ('region'/'nation'), area_code, area_name, n
    (women with a known value), cases, pct, ci_low, ci_high (Wilson 95 %, percent), missing,
    available, suppressed, status ('ok'/'suppressed'/'unavailable').
    """
    cfg = config or load_config()
    code = region_code(region)
    return shared("prevalence", births, (code, year_key(years), id(cfg)), lambda: _prevalence(births, code, years, cfg))


def _prevalence(births: pd.DataFrame, code: str, years: Years, cfg: RiskConfig) -> pd.DataFrame:
    sel, codes = select(births, years)
    flags = factor_flags(sel, cfg)
    avail = factor_availability(sel, cfg).set_index("factor")["available"]
    in_region = (codes == code).to_numpy()
    name_region = region_name(code)
    rows = []
    for f in cfg.factors:
        for area, area_code, name, mask in (
            ("region", code, name_region, in_region),
            ("nation", NATION_CODE, cfg.nation_label_sv, None),
        ):
            base = {
                "factor": f.key,
                "label_sv": f.label_sv,
                "label_en": f.label_en,
                "area": area,
                "area_code": area_code,
                "area_name": name,
            }
            if not bool(avail[f.key]):
                rows.append(_unavailable_rows(base))
                continue
            flag = flags[f.key] if mask is None else flags[f.key][mask]
            rows.append({**base, **count_flags(flag).iloc[0].to_dict(), "available": True})
    return finish(pd.DataFrame(rows))


def no_risk_share(births: pd.DataFrame, region: str, years: Years = None, config: RiskConfig | None = None) -> pd.DataFrame:
    """Share with none of the configured factors, region vs nation, same columns as prevalence_table.

    Extra column ``definition``: the factor keys actually applied (absent columns dropped).
    """
    cfg = config or load_config()
    code = region_code(region)
    return shared("no_risk", births, (code, year_key(years), id(cfg)), lambda: _no_risk(births, code, years, cfg))


def _no_risk(births: pd.DataFrame, code: str, years: Years, cfg: RiskConfig) -> pd.DataFrame:
    sel, codes = select(births, years)
    definition = no_risk_definition(sel, cfg)
    flag = no_risk_flag(factor_flags(sel, cfg), definition.factors)
    in_region = (codes == code).to_numpy()
    rows = []
    for area, area_code, name, f in (
        ("region", code, region_name(code), flag[in_region]),
        ("nation", NATION_CODE, cfg.nation_label_sv, flag),
    ):
        base = {
            "factor": NO_RISK_KEY,
            "label_sv": cfg.no_risk_label_sv,
            "label_en": cfg.no_risk_label_en,
            "area": area,
            "area_code": area_code,
            "area_name": name,
        }
        if not definition.factors:
            rows.append(_unavailable_rows(base))
        else:
            rows.append({**base, **count_flags(f).iloc[0].to_dict(), "available": True})
    out = finish(pd.DataFrame(rows))
    out["definition"] = "+".join(definition.factors)
    return out


def incomplete_pct(table: pd.DataFrame, area: str) -> float | None:
    """Percent of an area's records left out of the no-risk share as incomplete (None when hidden)."""
    row = table.set_index("area").loc[area]
    n, missing = row["n"], row["missing"]
    if pd.isna(n) or pd.isna(missing) or n + missing == 0:
        return None
    return float(100 * missing / (n + missing))


def combinations(
    births: pd.DataFrame,
    region: str | None,
    years: Years = None,
    config: RiskConfig | None = None,
    factors: Sequence[str] | None = None,
    top_k: int = 10,
) -> pd.DataFrame:
    """Most common combinations of factors among women with all of them known.

    ``region=None`` means the whole nation. Default factors: the no-risk definition. Only
    combinations with at least ``threshold`` women are listed (top ``top_k``); everything else,
    including small combinations, is pooled in one 'other' row, so no hidden cell can be
    recovered by subtraction. Columns: rank, combination (keys joined by '+', 'none'),
    label_sv, label_en, n_factors, count, share (percent of ``denominator``), denominator,
    excluded_incomplete, hidden_combinations, suppressed.
    """
    cfg = config or load_config()
    sel, codes = select(births, years)
    keys = list(factors) if factors is not None else no_risk_definition(sel, cfg).factors
    for k in keys:
        cfg.factor(k)
    avail = factor_availability(sel, cfg).set_index("factor")["available"]
    keys = [k for k in keys if bool(avail[k])]
    if region is not None:
        sel = sel[(codes == region_code(region)).to_numpy()]
    columns = [
        "rank",
        "combination",
        "label_sv",
        "label_en",
        "n_factors",
        "count",
        "share",
        "denominator",
        "excluded_incomplete",
        "hidden_combinations",
        "suppressed",
    ]
    if not keys:
        return pd.DataFrame(columns=columns)
    flags = factor_flags(sel, cfg)[keys]
    complete = flags.notna().all(axis=1)
    known = flags[complete].astype(bool)
    denominator = len(known)
    excluded = int((~complete).sum())
    # Encode each woman's combination as a bit pattern (vectorised; row-wise apply is slow).
    bits = known.to_numpy(dtype=np.int64) @ (np.int64(1) << np.arange(len(keys), dtype=np.int64))
    patterns = pd.Series(bits).value_counts()
    counts = (
        pd.Series(
            patterns.to_numpy(),
            index=["+".join(k for i, k in enumerate(keys) if int(b) >> i & 1) or "none" for b in patterns.index],
        )
        .sort_index()
        .sort_values(ascending=False, kind="stable")
    )  # ties: alphabetical, reproducible
    limit = disclosure.threshold()
    shown = counts[counts >= limit].head(top_k)
    labels = {k: (cfg.factor(k).label_sv, cfg.factor(k).label_en) for k in keys}
    rows = []
    for rank, (name, count) in enumerate(shown.items(), start=1):
        parts = [] if name == "none" else name.split("+")
        rows.append(
            {
                "rank": rank,
                "combination": name,
                "label_sv": " + ".join(labels[p][0] for p in parts) or cfg.no_risk_label_sv,
                "label_en": " + ".join(labels[p][1] for p in parts) or cfg.no_risk_label_en,
                "n_factors": len(parts),
                "count": int(count),
                "hidden_combinations": 0,
            }
        )
    rest = denominator - int(shown.sum())
    hidden = int(len(counts) - len(shown))
    if hidden:
        rows.append(
            {
                "rank": np.nan,
                "combination": "other",
                "label_sv": cfg.other_label_sv,
                "label_en": cfg.other_label_en,
                "n_factors": np.nan,
                "count": rest,
                "hidden_combinations": hidden,
            }
        )
    derived = ("share", "denominator", "excluded_incomplete", "suppressed")
    out = pd.DataFrame(rows, columns=[c for c in columns if c not in derived])
    out["share"] = 100 * out["count"] / denominator if denominator else np.nan
    out["denominator"] = denominator
    out["excluded_incomplete"] = excluded
    out = disclosure.suppress(out, ["count"], ["share"])
    return out[columns]
