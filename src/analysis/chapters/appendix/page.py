"""What the appendix templates call: one entry point per page, each with its glue values and results.

``notebooks/dataformat.md``: :func:`compute_dataformat`, :func:`dataformat_glue_values`, :func:`dataformat_results`;
``notebooks/calibration.md``: :func:`compute_calibration`, :func:`calibration_glue_values`, :func:`calibration_results`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.births import calibration_gaps, calibration_table, load_births
from analysis.chapters.appendix import text
from analysis.chapters.appendix.calibration import Cohort, GapCounts, cohort, gap_counts, result_records, within_count
from analysis.chapters.appendix.dataformat import Contract, contract
from analysis.common.formatting import sv_number
from analysis.common.home import HOME_REGION
from analysis.common.regions import region_name
from analysis.pipeline.params import year_range
from analysis.render.page import is_synthetic

# ----------------------------------------------------------------------------------------------- Dataformat


@dataclass(frozen=True)
class DataformatPage:
    region: str
    region_name: str
    contract: Contract


def compute_dataformat(region: str) -> DataformatPage:
    return DataformatPage(region=region, region_name=region_name(region), contract=contract())


def dataformat_glue_values(data: DataformatPage) -> dict[str, str]:
    c = data.contract
    return {
        "n_required": sv_number(len(c.required)),
        "n_optional": sv_number(len(c.optional)),
        "n_rules": sv_number(len(c.rules)),
        "home_region": data.region_name,
    }


def dataformat_results(data: DataformatPage) -> dict[str, Any]:
    c = data.contract
    return {
        "required": [col.name for col in c.required],
        "optional": [col.name for col in c.optional],
        "rules": [rule.id for rule in c.rules],
    }


# ----------------------------------------------------------------------------------------------- Kalibrering


@dataclass(frozen=True)
class CalibrationPage:
    """The cohort's size and, for a synthetic cohort, its calibration checks and region-minus-nation gaps.

    On a register extract ``table`` and ``gaps`` are empty (the calibration concerns the synthetic cohort only).
    """

    synthetic: bool
    cohort: Cohort
    table: pd.DataFrame
    gaps: pd.DataFrame
    within: int
    gap_counts: GapCounts


def compute_calibration(years: str, births: str) -> CalibrationPage:
    synthetic = is_synthetic(births)
    df = load_births(births)
    table = calibration_table(df) if synthetic else pd.DataFrame()
    gaps = calibration_gaps(table, region=HOME_REGION) if synthetic else pd.DataFrame()
    return CalibrationPage(
        synthetic=synthetic,
        cohort=cohort(df, len(year_range(years))),
        table=table,
        gaps=gaps,
        within=within_count(table),
        gap_counts=gap_counts(gaps),
    )


def calibration_glue_values(data: CalibrationPage) -> dict[str, str]:
    c, g = data.cohort, data.gap_counts
    return {
        "n_deliveries": sv_number(c.deliveries),
        "n_regions": sv_number(c.regions),
        "n_years": sv_number(c.years),
        "per_year": sv_number(c.per_year),
        "n_checks": sv_number(len(data.table)),
        "n_within": sv_number(data.within),
        "n_gaps": sv_number(g.gaps),
        "n_same": sv_number(g.same),
        "n_weaker": sv_number(g.weaker),
        "n_opposite": sv_number(g.opposite),
        "n_unclear": sv_number(g.unclear),
        "weaker_list": text.weaker_list(g.weaker_labels),
    }


def calibration_results(data: CalibrationPage) -> dict[str, Any]:
    return {
        "synthetic": data.synthetic,
        "checks": len(data.table),
        "within_tolerance": data.within,
        "table": result_records(data.table),
    }
