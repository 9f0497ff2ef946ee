"""What the template ``notebooks/riskmix.md`` calls: compute the page, its glued prose values and its results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis.chapters.riskmix import text
from analysis.chapters.riskmix.config import NO_RISK_KEY, RiskConfig, load_config
from analysis.chapters.riskmix.figures import key_figures
from analysis.chapters.riskmix.municipalities import (
    by_municipality,
    has_municipalities,
    municipality_figures,
    municipality_map_frame,
)
from analysis.chapters.riskmix.prevalence import combinations, incomplete_pct, no_risk_share, prevalence_table
from analysis.chapters.riskmix.published import highlighted, published_ranking
from analysis.chapters.riskmix.standardisation import StandardisationResult, direct_standardise
from analysis.chapters.riskmix.strata import stratified
from analysis.common import published
from analysis.common.formatting import sv_number, sv_pct
from analysis.common.home import HOME_REGION
from analysis.common.regions import region_name

if TYPE_CHECKING:
    import geopandas as gpd

PUBLISHED_YEAR = "2023"
OBESITY_INDICATOR = "bmi_obese_ge30_pct"
NO_RISK_INDICATOR = "no_risk_factors_at_pregnancy_start_pct"
MISSING_INDICATOR = "mfr_missing_births_pct"
# The template's glue names for the standardised outcomes ({glue:}`std_norisk` …).
GLUE_NAMES = {NO_RISK_KEY: "norisk", "bmi_ge30": "obese"}
TOP_COMBINATIONS = 10


@dataclass(frozen=True)
class RiskmixPage:
    """Everything the page shows, computed once."""

    region: str
    region_name: str
    years: str
    synthetic: bool
    config: RiskConfig
    published: dict[str, float]
    rankings: dict[str, pd.DataFrame]
    prevalence: pd.DataFrame
    no_risk: pd.DataFrame
    combinations: pd.DataFrame
    standardised: dict[str, StandardisationResult]
    has_municipalities: bool
    municipalities: pd.DataFrame
    boundaries: gpd.GeoDataFrame | None
    map_tables: dict[str, gpd.GeoDataFrame]
    strata: dict[str, pd.DataFrame]
    figures: dict[str, Any]
    excluded: pd.DataFrame  # units the data-quality gate left out, with reasons

    @property
    def note(self) -> str:
        """Suffix of chart titles on synthetic data."""
        return text.chart_note(self.synthetic)

    def share(self, factor: str, area: str) -> float:
        """A factor's (or the no-risk) percentage for ``region`` or ``nation``; NaN when absent."""
        table = self.no_risk if factor == NO_RISK_KEY else self.prevalence
        rows = table[(table["factor"] == factor) & (table["area"] == area)]
        return float(rows["pct"].iloc[0]) if len(rows) and pd.notna(rows["pct"].iloc[0]) else float("nan")


def _published_values() -> dict[str, float]:
    """Figures the prose quotes for the home county (the register's no-risk share, MFR's missing births)."""
    region = HOME_REGION
    return {
        "norisk_region": published.value(NO_RISK_INDICATOR, region, PUBLISHED_YEAR),
        "norisk_nation": published.value(NO_RISK_INDICATOR, published.RIKET, PUBLISHED_YEAR),
        "missing_region": published.value(MISSING_INDICATOR, region, PUBLISHED_YEAR),
        "missing_nation": published.value(MISSING_INDICATOR, published.RIKET, PUBLISHED_YEAR),
    }


def _municipalities(
    births: pd.DataFrame, region: str, year_list: list[int], cfg: RiskConfig
) -> tuple[bool, pd.DataFrame, Any, dict[str, Any]]:
    """The municipality table, boundaries and one map frame per configured factor (when the data has residence)."""
    if not has_municipalities(births, region):
        return False, pd.DataFrame(), None, {}
    from analysis.common import geodata

    boundaries = geodata.municipality_boundaries(region)
    table = by_municipality(births, region, year_list, cfg)
    present = set(table["factor"])
    maps = {cfg.short_label_sv(key): municipality_map_frame(table, boundaries, key) for key in cfg.page.maps if key in present}
    return True, table, boundaries, maps


def compute(region: str, years: str, births: str) -> RiskmixPage:
    """Read the births file and compute every table, chart input and key figure of the page (the row selection
    and factor flags are computed once for all of them)."""
    from analysis.chapters.riskmix.rules import shared_work

    with shared_work():
        return _compute(region, years, births)


def _compute(region: str, years: str, births: str) -> RiskmixPage:
    from analysis.births import load_births
    from analysis.chapters.quality.assessment import gate
    from analysis.pipeline import params
    from analysis.render.page import is_synthetic

    cfg = load_config()
    year_list = params.year_range(years)
    gated = gate(load_births(births), "riskmix")  # units failing the Datakvalitet thresholds leave the comparison
    df = gated.frame
    indicators = published.indicators()
    rankings = {ind.key: published_ranking(indicators, ind.key, highlight_region=region) for ind in cfg.published_indicators}
    standardised = {key: direct_standardise(df, region, key, year_list, cfg) for key in cfg.page.standardised}
    has_muni, muni, boundaries, map_tables = _municipalities(df, region, year_list, cfg)
    return RiskmixPage(
        region=region,
        region_name=region_name(region),
        years=years,
        synthetic=is_synthetic(births),
        config=cfg,
        published=_published_values(),
        rankings=rankings,
        prevalence=prevalence_table(df, region, year_list, cfg),
        no_risk=no_risk_share(df, region, year_list, cfg),
        combinations=combinations(df, region, year_list, cfg, top_k=TOP_COMBINATIONS),
        standardised=standardised,
        has_municipalities=has_muni,
        municipalities=muni,
        boundaries=boundaries,
        map_tables=map_tables,
        strata={view.by: stratified(df, region, view.by, year_list, cfg) for view in cfg.page.stratified},
        figures=key_figures(df, region, year_list, cfg, indicators),
        excluded=gated.excluded,
    )


def _standardisation_values(data: RiskmixPage) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, res in data.standardised.items():
        name = GLUE_NAMES.get(key, key)
        out[f"std_{name}"] = sv_pct(res.standardised)
        out[f"crude_{name}"] = sv_pct(res.crude)
        out[f"gap_{name}"] = sv_number(res.crude_gap, 1)
        out[f"stdgap_{name}"] = sv_number(res.standardised_gap, 1)
        out[f"explained_{name}"] = sv_number(res.gap_explained_by_structure, 1)
        out[f"std_sentence_{name}"] = text.standardisation_sentence(res, data.config.sentence_label_sv(key))
    return out


def glue_values(data: RiskmixPage) -> dict[str, str]:
    """The values the template's prose refers to with ``{glue:}`key```."""
    obese = highlighted(data.rankings[OBESITY_INDICATOR])
    no_risk = data.no_risk.set_index("area")
    values = {
        "region_name": data.region_name,
        "years": data.years.replace("-", "–"),
        "pub_obese_region": sv_pct(obese["value"]),
        "pub_obese_nation": sv_pct(obese["national_value"]),
        "pub_obese_rank": sv_number(obese["rank"]),
        "n_regions": sv_number(obese["n_ranked"]),
        "pub_norisk_region": sv_pct(data.published["norisk_region"], 0),
        "pub_norisk_nation": sv_pct(data.published["norisk_nation"], 0),
        "mfr_missing_region": sv_pct(data.published["missing_region"]),
        "mfr_missing_nation": sv_pct(data.published["missing_nation"]),
        "norisk_region": sv_pct(no_risk.loc["region", "pct"]),
        "norisk_nation": sv_pct(no_risk.loc["nation", "pct"]),
        "norisk_low": sv_pct(no_risk.loc["region", "ci_low"]),
        "norisk_high": sv_pct(no_risk.loc["region", "ci_high"]),
        "norisk_definition": data.config.no_risk_description_sv,
        "norisk_incomplete_region": sv_pct(incomplete_pct(data.no_risk, "region")),
        "norisk_incomplete_nation": sv_pct(incomplete_pct(data.no_risk, "nation")),
        "strata_note": text.strata_note(data.synthetic),
    }
    for factor in data.config.page.headline:
        values[f"{factor}_region"] = sv_pct(data.share(factor, "region"))
        values[f"{factor}_nation"] = sv_pct(data.share(factor, "nation"))
    return {**values, **_standardisation_values(data)}


def results(data: RiskmixPage) -> dict[str, Any]:
    """The page's key figures (``_build/results/riskmix.json``)."""
    no_risk = data.no_risk.set_index("area")
    return {
        **data.figures,
        "by_municipality": municipality_figures(data.municipalities),
        "no_risk_share": {"region": float(no_risk.loc["region", "pct"]), "nation": float(no_risk.loc["nation", "pct"])},
        "no_risk_incomplete_pct": {a: incomplete_pct(data.no_risk, a) for a in ("region", "nation")},
        "synthetic": data.synthetic,
    }
