"""What the appendix templates call: one entry point per page, each with its glue values and results.

``notebooks/dataformat.md``: :func:`compute_dataformat`, :func:`dataformat_glue_values`, :func:`dataformat_results`;
``notebooks/calibration.md``: :func:`compute_calibration`, :func:`calibration_glue_values`, :func:`calibration_results`;
``notebooks/assumptions.md``: :func:`compute_assumptions`, :func:`assumptions_glue_values`, :func:`assumptions_results`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.births import calibration_gaps, calibration_table, load_births
from analysis.chapters.appendix import text
from analysis.chapters.appendix.assumptions import Assumptions
from analysis.chapters.appendix.assumptions import compute as compute_assumption_moves
from analysis.chapters.appendix.assumptions import result_records as assumption_records
from analysis.chapters.appendix.calibration import Cohort, GapCounts, cohort, gap_counts, result_records, within_count
from analysis.chapters.appendix.dataformat import Contract, contract
from analysis.chapters.options.config import Config, load_config
from analysis.chapters.options.geography import geography
from analysis.chapters.options.scorecard import BEST_TOLERANCE, option_cases, row_label
from analysis.chapters.travel.model.within_town import WITHIN_TOWN_MIN_VARDCENTRALER, split_towns
from analysis.common.formatting import sv_list, sv_number, sv_pct, sv_range
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


# ----------------------------------------------------------------------------------------------- Antaganden


@dataclass(frozen=True)
class AssumptionsPage:
    """Every assumption of the options model with the headline figures it moves, and the options config."""

    assumptions: Assumptions
    config: Config


def compute_assumptions(region: str = HOME_REGION) -> AssumptionsPage:
    """The appendix "Antaganden" (``region`` is the home county; the options are modelled for it)."""
    cfg = load_config()
    return AssumptionsPage(compute_assumption_moves(text.travel_labels(), cfg), cfg)


def _pct(share: float, decimals: int = 0) -> str:
    return sv_pct(100.0 * share, decimals)


def _pct_range(low: float, high: float) -> tuple[str, str]:
    """The two ends of a share range for ``{low}–{high}``: ``16`` and ``30 %``."""
    return sv_number(100.0 * low), _pct(high)


def _cover_values(cfg: Config) -> tuple[dict[str, str] | None, dict[str, str] | None, dict[str, str] | None]:
    """Placeholders of the cover paragraphs, each None when no option case uses that kind of cover."""
    v, a = cfg.values(), cfg.assumptions
    cases = [(cfg.options[o], cfg.options[o].case(c)) for o, c in option_cases(cfg)]
    kept = int(v["midwives_kept_at_hub"])
    samverkan = sorted({o.key for o, c in cases if c.cover == "samverkan"})
    branches = sorted({o.key for o, c in cases if c.branches})
    last = [f"{o.key} ({row_label(o, c.key).split(' – ')[-1]})" for o, c in cases if c.last_resort]
    ca, bd = a["a_cover_partners"], a["branch_days_per_week"]
    return (
        {"options": sv_list(samverkan), "n": sv_number(v["a_cover_partners"]), "needed": sv_number(kept + 1),
         "kept": sv_number(kept), "low": sv_number(ca.low), "high": sv_number(ca.high)} if samverkan else None,
        {"options": sv_list(branches), "days": sv_number(v["branch_days_per_week"]), "low": sv_number(bd.low),
         "high": sv_number(bd.high), "kept": sv_number(kept)} if branches else None,
        {"cases": sv_list(last), "floor": sv_number(v["d_last_resort_min_midwives"])} if last else None,
    )  # fmt: skip


def assumptions_glue_values(data: AssumptionsPage) -> dict[str, str]:
    """The values the Antaganden template's prose glues (the shared method section and the counts)."""
    cfg, rows = data.config, data.assumptions.rows
    v, a = cfg.values(), cfg.assumptions
    p, open_days = v["p_absent"], v["open_days_per_year"]
    occ, tgt, gl = a["bed_occupancy_target"], a["share_24h_target"], a["gain_loss_threshold_minutes"]
    option_rows = [r for r in rows if r.read_by_options]
    return {
        "n_assumptions": sv_number(len(option_rows)),
        "n_estimates": sv_number(sum(r.estimate for r in option_rows)),
        "n_moving": sv_number(sum(bool(r.moves) for r in option_rows)),
        "n_fixed": sv_number(sum(r.fixed for r in option_rows)),
        "option_rows": sv_list(data.assumptions.option_rows),
        "tie_pct": sv_pct(100 * BEST_TOLERANCE, 0),
        "bmm_units_today": sv_number(v[cfg.today_units_count]),
        "vardcentraler": sv_number(len(geography().vardcentraler)),
        "births_per_midwife": sv_number(v["births_per_midwife"]),
        "minutes_per_moved_visit": sv_number(v["midwife_minutes_per_moved_visit"]),
        "clinical_hours": sv_number(v["clinical_hours_per_midwife"]),
        "bmm_model": text.bmm_model(
            sv_list(split_towns()),
            sv_number(WITHIN_TOWN_MIN_VARDCENTRALER),
            sv_number(cfg.metrics["bmm_mean_minutes"].resolution),
        ),
        "tolerance": sv_number(gl.base),
        "tolerance_range": sv_range(gl.low, gl.high),
        "digital_visits": sv_number(v["visits_digital"]),
        "p_absent": _pct(p),
        "open_days": sv_number(open_days),
        "absence_example": text.absence_example(
            _pct(p), [_pct(p**m, 1) for m in (1, 2, 3)], [sv_number(p**m * open_days) for m in (1, 2, 3)]
        ),
        "cover_model": text.cover_model(*_cover_values(cfg)),
        "share_24h_today": _pct(v["share_24h_today"]),
        "share_24h_target": text.share_target(_pct(tgt.base), *_pct_range(tgt.low, tgt.high)),
        "early_discharge_days": sv_number(v["early_discharge_los_days"], 2),
        "occupancy": text.occupancy(_pct(occ.base), *_pct_range(occ.low, occ.high)),
    }


def assumptions_results(data: AssumptionsPage) -> dict[str, Any]:
    """Key figures for ``assumptions.json``: per assumption its values and the metrics it moves per option row."""
    return {
        "option_rows": list(data.assumptions.option_rows),
        "tolerances": {k: round(t, 4) for k, t in data.assumptions.tolerances.items()},
        "assumptions": assumption_records(data.assumptions),
    }
