"""Risk factors by the woman's municipality of residence within the region (small cells suppressed)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analysis.chapters.riskmix.config import NO_RISK_KEY, RiskConfig, Years, load_config
from analysis.chapters.riskmix.prevalence import PREVALENCE_COLUMNS, count_flags, finish
from analysis.chapters.riskmix.rules import (
    factor_availability,
    factor_flags,
    municipality_codes,
    no_risk_definition,
    no_risk_flag,
    region_code,
    select,
)
from analysis.common import disclosure

if TYPE_CHECKING:
    import geopandas as gpd


def by_municipality(
    births: pd.DataFrame,
    region: str,
    years: Years = None,
    config: RiskConfig | None = None,
    factors: Sequence[str] | None = None,
    municipalities: Sequence[str] | None = None,
    include_no_risk: bool = True,
) -> pd.DataFrame:
    """Each factor by municipality of residence within the region, small cells suppressed.

    ``municipalities`` lists codes to show even without deliveries (they appear suppressed),
    so a map has a row for every polygon. Unavailable factors are left out (see
    prevalence_table). Columns: municipality (4-digit text), factor, label_sv, label_en, n,
    cases, pct, ci_low, ci_high, missing, suppressed, status, deliveries (the municipality's
    deliveries, NaN when hidden). Suppression is complementary: within each factor, and for the
    deliveries, more municipalities are hidden until the region's total minus the visible
    municipalities reveals no count below the threshold.
    """
    cfg = config or load_config()
    code = region_code(region)
    sel, codes = select(births, years)
    if "municipality" not in sel.columns:
        raise KeyError("births lacks required column 'municipality'")
    avail = factor_availability(sel, cfg).set_index("factor")["available"]
    used = no_risk_definition(sel, cfg).factors
    sel = sel[(codes == code).to_numpy()]
    muni = municipality_codes(sel["municipality"])
    keep = muni.notna().to_numpy()
    sel, muni = sel[keep], muni[keep]
    order = sorted(set(muni.dropna()) | {str(m).zfill(4) for m in (municipalities or [])})
    groups = pd.Series(pd.Categorical(muni.to_numpy(), categories=order), index=sel.index)
    keys = [k for k in (factors or cfg.keys) if bool(avail[cfg.factor(k).key])]
    flags = factor_flags(sel, cfg)
    series: list[tuple[str, str, str, pd.Series]] = [(k, cfg.factor(k).label_sv, cfg.factor(k).label_en, flags[k]) for k in keys]
    if include_no_risk:
        if used:
            series.append((NO_RISK_KEY, cfg.no_risk_label_sv, cfg.no_risk_label_en, no_risk_flag(flags, used)))
    parts = []
    by_municipality_codes = pd.factorize(groups, sort=False)  # once for every factor
    for key, lsv, len_, flag in series:
        counts = count_flags(flag, groups, by_municipality_codes).reindex(order, fill_value=0)
        counts.index.name = "municipality"
        counts = counts.reset_index()
        counts.insert(1, "factor", key)
        counts.insert(2, "label_sv", lsv)
        counts.insert(3, "label_en", len_)
        parts.append(counts)
    if not parts:
        return pd.DataFrame(columns=["municipality", "factor", "label_sv", "label_en", *PREVALENCE_COLUMNS])
    raw = pd.concat(parts, ignore_index=True)
    out = _complementary(finish(raw), raw)
    out["municipality"] = out["municipality"].astype(str)
    deliveries = groups.value_counts().reindex(order, fill_value=0).astype(float)
    hide_n = disclosure.complementary_flags(deliveries.to_frame("n"), ["n"], deliveries.to_numpy() < disclosure.threshold())
    out["deliveries"] = out["municipality"].map(deliveries.mask(hide_n))
    return out


def _complementary(out: pd.DataFrame, raw: pd.DataFrame) -> pd.DataFrame:
    """Hide more municipalities per factor so the region's figures minus the visible ones reveal no small count."""
    counts = raw[["factor", "n", "cases"]].assign(non_cases=raw["n"] - raw["cases"])
    hide = disclosure.complementary_flags(counts, ["n", "cases", "non_cases"], out["suppressed"].to_numpy(), group_by="factor")
    extra = hide & ~out["suppressed"].to_numpy()
    out = out.copy()
    out.loc[extra, ["n", "cases", "pct", "ci_low", "ci_high"]] = np.nan
    out.loc[extra, "suppressed"] = True
    out.loc[extra, "status"] = "suppressed"
    return out


def municipality_map_frame(
    table: pd.DataFrame, boundaries: gpd.GeoDataFrame, factor: str, code_column: str = "kommun_kod"
) -> gpd.GeoDataFrame:
    """Join one factor of ``by_municipality`` onto boundary polygons for a choropleth.

    Suppressed municipalities keep their polygon with pct NaN and label '<5' so the map shows
    that something was hidden; polygons without a row get status 'no data'.
    """
    rows = table[table["factor"] == factor]
    if rows.empty:
        raise ValueError(f"factor {factor!r} not in the municipality table")
    geo = boundaries.copy()
    geo["municipality"] = geo[code_column].astype(str).str.zfill(4)
    keep = ["municipality", "label_sv", "label_en", "n", "cases", "pct", "ci_low", "ci_high", "suppressed", "status"]
    merged = geo.merge(rows[keep], on="municipality", how="left")
    merged["status"] = merged["status"].fillna("no data")
    merged["suppressed"] = merged["suppressed"].fillna(False).astype(bool)
    merged["label"] = np.where(
        merged["suppressed"],
        f"<{disclosure.threshold()}",
        np.where(merged["pct"].notna(), merged["pct"].map(lambda v: f"{v:.1f} %"), "no data"),
    )
    return merged


def has_municipalities(births: pd.DataFrame, region: str) -> bool:
    """Whether any delivery of the region has a 4-character municipality of residence."""
    rows = births[births["region"].astype(str) == region]
    return bool(rows["municipality"].fillna("").astype(str).str.len().eq(4).any())


def municipality_figures(table: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Per municipality: each factor's share (None when suppressed) and its deliveries (None when hidden)."""
    out: dict[str, dict[str, Any]] = {}
    if not len(table):
        return out
    for code, grp in table.groupby("municipality"):
        entry: dict[str, Any] = {row.factor: (None if row.suppressed else float(row.pct)) for row in grp.itertuples()}
        n_values = grp["deliveries"].dropna() if "deliveries" in grp else grp.loc[~grp["suppressed"], "n"]
        entry["n"] = int(n_values.max()) if len(n_values) else None
        out[str(code)] = entry
    return out
