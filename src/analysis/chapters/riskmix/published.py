"""Published MFR indicators compared region by region: rankings, the national value and change since a baseline year."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from analysis.chapters.riskmix.config import RiskConfig, load_config
from analysis.chapters.riskmix.rules import region_code
from analysis.common.home import HOME_REGION
from analysis.common.published import RIKET as NATION_CODE
from analysis.common.regions import region_codes, regions

# How the reference CSV (names only, no codes) spells the nation.
MFR_NATION_NAME = "Riket"
PUBLISHED_NO_RISK_INDICATOR = "no_risk_factors_at_pregnancy_start_pct"


def _with_region_codes(indicators: pd.DataFrame) -> pd.DataFrame:
    """Accept analysis.common.published.indicators() or the reference CSV (names only)."""
    df = indicators.copy()
    if "region_code" not in df.columns:
        lookup = dict(zip(regions()["name_mfr"], regions()["code"]))
        lookup[MFR_NATION_NAME] = NATION_CODE
        unknown = sorted(set(df["region"]) - set(lookup))
        if unknown:
            raise ValueError(f"unknown region name(s) in indicators: {unknown}")
        df["region_code"] = df["region"].map(lookup)
    df["region_code"] = df["region_code"].astype(str).str.zfill(2)
    df["year"] = df["year"].astype(str)
    return df


def published_ranking(
    indicators_df: pd.DataFrame,
    indicator: str,
    year: str = "2023",
    highlight_region: str = HOME_REGION,
    baseline_year: str = "2018",
) -> pd.DataFrame:
    """The 21 regions ranked on a published indicator (rank 1 = highest value).

    Columns: indicator, year, rank, n_ranked, region_code, region, value, unit,
    national_value, diff_national, highlight, baseline_year, baseline_value, change
    (value - baseline_value, NaN unless both years are published), source, quality.
    """
    df = _with_region_codes(indicators_df)
    code = region_code(highlight_region)
    this = df[(df["indicator"] == indicator) & (df["year"] == str(year))]
    if this.empty:
        years = sorted(df.loc[df["indicator"] == indicator, "year"].unique())
        raise ValueError(f"indicator {indicator!r} has no value for {year}; published years: {years}")
    if this["region_code"].duplicated().any():
        raise ValueError(f"indicator {indicator!r} {year}: more than one value per region")
    nat = this.loc[this["region_code"] == NATION_CODE, "value"]
    national = float(nat.iloc[0]) if len(nat) else math.nan
    base = df[(df["indicator"] == indicator) & (df["year"] == str(baseline_year))].set_index("region_code")["value"]
    out = pd.DataFrame({"region_code": region_codes()})
    names = dict(zip(regions()["code"], regions()["name_mfr"].map(str)))  # what region_name() returns, per code
    out["region"] = out["region_code"].map(names)
    vals = this.set_index("region_code")
    out["value"] = out["region_code"].map(vals["value"]).astype(float)
    out["unit"] = out["region_code"].map(vals["unit"]) if "unit" in vals else None
    out["source"] = out["region_code"].map(vals["source"]) if "source" in vals else None
    out["quality"] = out["region_code"].map(vals["quality"]) if "quality" in vals else None
    out["rank"] = out["value"].rank(ascending=False, method="min")
    out["n_ranked"] = int(out["value"].notna().sum())
    out["national_value"] = national
    out["diff_national"] = out["value"] - national
    out["highlight"] = out["region_code"] == code
    out["baseline_year"] = str(baseline_year)
    out["baseline_value"] = out["region_code"].map(base).astype(float)
    out["change"] = out["value"] - out["baseline_value"]
    out["indicator"], out["year"] = indicator, str(year)
    out = out.sort_values(["rank", "region"], na_position="last").reset_index(drop=True)
    return out[
        [
            "indicator",
            "year",
            "rank",
            "n_ranked",
            "region_code",
            "region",
            "value",
            "unit",
            "national_value",
            "diff_national",
            "highlight",
            "baseline_year",
            "baseline_value",
            "change",
            "source",
            "quality",
        ]
    ]


def published_overview(
    indicators_df: pd.DataFrame,
    year: str = "2023",
    highlight_region: str = HOME_REGION,
    config: RiskConfig | None = None,
    baseline_year: str = "2018",
) -> pd.DataFrame:
    """published_ranking for every configured indicator that has data for ``year``, stacked."""
    cfg = config or load_config()
    df = _with_region_codes(indicators_df)
    parts = []
    for ind in cfg.published_indicators:
        if ((df["indicator"] == ind.key) & (df["year"] == str(year))).any():
            part = published_ranking(df, ind.key, year, highlight_region, baseline_year)
            part.insert(1, "label_sv", ind.label_sv)
            part.insert(2, "label_en", ind.label_en)
            parts.append(part)
    if not parts:
        raise ValueError(f"none of the configured published indicators has data for {year}")
    return pd.concat(parts, ignore_index=True)


def published_no_risk(indicators_df: pd.DataFrame, code: str) -> dict[str, Any]:
    """The register's own no-risk share (region vs nation) when present, with its quality flag.

    It comes second-hand (the region's report quoting Graviditetsregistret) and its
    definition is not published, so the book shows it beside, not instead of, the cohort's.
    """
    df = _with_region_codes(indicators_df)
    rows = df[df["indicator"] == PUBLISHED_NO_RISK_INDICATOR]
    out: dict[str, Any] = {}
    for area, area_code in (("region", code), ("nation", NATION_CODE)):
        hit = rows[rows["region_code"] == area_code]
        if len(hit):
            r = hit.sort_values("year").iloc[-1]
            out[area] = {
                "year": str(r["year"]),
                "value": float(r["value"]),
                "quality": str(r.get("quality", "")),
                "source": str(r.get("source", "")),
            }
    return out


def highlighted(ranking: pd.DataFrame) -> pd.Series:
    """The highlighted region's row of a ranking."""
    return ranking[ranking["highlight"]].iloc[0]
