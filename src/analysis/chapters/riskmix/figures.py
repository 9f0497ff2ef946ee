"""The chapter's key figures for ``_build/results/riskmix.json`` (plain JSON values, NaN -> None)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.chapters.riskmix.config import NO_RISK_KEY, RiskConfig, Years, load_config
from analysis.chapters.riskmix.prevalence import no_risk_share, prevalence_table
from analysis.chapters.riskmix.published import published_no_risk, published_overview
from analysis.chapters.riskmix.rules import no_risk_definition, region_code, select, shared_work
from analysis.chapters.riskmix.standardisation import RESULT_DIGITS, direct_standardise
from analysis.common.regions import region_name
from analysis.common.results import plain


def key_figures(
    births: pd.DataFrame,
    region: str,
    years: Years = None,
    config: RiskConfig | None = None,
    indicators_df: pd.DataFrame | None = None,
    published_year: str = "2023",
) -> dict[str, Any]:
    """Headline numbers for ``_build/results/riskmix.json`` (JSON-serialisable, NaN -> None).

    The tables it reads share one row selection and one set of factor flags (``shared_work``).
    """
    with shared_work():
        return _key_figures(births, region, years, config, indicators_df, published_year)


def _key_figures(
    births: pd.DataFrame,
    region: str,
    years: Years,
    config: RiskConfig | None,
    indicators_df: pd.DataFrame | None,
    published_year: str,
) -> dict[str, Any]:
    cfg = config or load_config()
    code = region_code(region)
    sel, codes = select(births, years)
    prev = prevalence_table(births, code, years, cfg)
    share = no_risk_share(births, code, years, cfg).set_index("area")
    factors: dict[str, Any] = {}
    for key, grp in prev.groupby("factor", sort=False):
        r = grp.set_index("area")
        factors[str(key)] = {
            "available": bool(r.loc["region", "available"]),
            "region_pct": r.loc["region", "pct"],
            "region_ci": [r.loc["region", "ci_low"], r.loc["region", "ci_high"]],
            "region_missing": r.loc["region", "missing"],
            "nation_pct": r.loc["nation", "pct"],
            "nation_ci": [r.loc["nation", "ci_low"], r.loc["nation", "ci_high"]],
        }
    definition = no_risk_definition(sel, cfg)
    standardised = {}
    for outcome in (NO_RISK_KEY, "bmi_ge30"):
        if outcome == NO_RISK_KEY and not list(definition.factors):
            continue
        if outcome != NO_RISK_KEY and (outcome not in cfg.keys or not factors[outcome]["available"]):
            continue
        standardised[outcome] = direct_standardise(births, code, outcome, years, cfg).to_dict()
    result: dict[str, Any] = {
        "region": code,
        "region_name": region_name(code),
        "years": sorted(int(y) for y in pd.unique(sel["year"].to_numpy())),
        "deliveries_region": int((codes == code).sum()),
        "deliveries_nation": len(sel),
        "no_risk_definition": list(definition.factors),
        "no_risk_unavailable": list(definition.unavailable),
        "no_risk_description_sv": definition.description_sv,
        "no_risk_region_pct": share.loc["region", "pct"],
        "no_risk_region_ci": [share.loc["region", "ci_low"], share.loc["region", "ci_high"]],
        "no_risk_nation_pct": share.loc["nation", "pct"],
        "no_risk_nation_ci": [share.loc["nation", "ci_low"], share.loc["nation", "ci_high"]],
        "factors": factors,
        "standardised": standardised,
    }
    if indicators_df is not None:
        published = {}
        overview = published_overview(indicators_df, published_year, code, cfg)
        for key, grp in overview.groupby("indicator", sort=False):
            row = grp[grp["highlight"]].iloc[0]
            published[str(key)] = {
                "year": str(published_year),
                "value": row["value"],
                "national_value": row["national_value"],
                "rank": None if pd.isna(row["rank"]) else int(row["rank"]),
                "of": int(row["n_ranked"]),
                "change_since_baseline": row["change"],
                "baseline_year": row["baseline_year"],
                "unit": row["unit"],
                "source": row["source"],
            }
        result["published"] = published
        result["published_no_risk"] = published_no_risk(indicators_df, code)
    figures: dict[str, Any] = plain(result, digits=RESULT_DIGITS)
    return figures
