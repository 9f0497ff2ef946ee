"""What ``notebooks/quality.md`` calls: the data-quality verdict on the births file, its glue values and results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.chapters.quality import text
from analysis.chapters.quality.assessment import Assessment, assess, degrade
from analysis.chapters.quality.thresholds import COMPARISON_PAGES, Thresholds, VariableRule
from analysis.common.disclosure import threshold
from analysis.common.formatting import sv_number
from analysis.common.regions import region_name
from analysis.pipeline.params import year_range
from analysis.render.page import is_synthetic

#: The demonstration on the synthetic cohort: this variable blanked in every DEMO_EVERY-th delivery of one unit.
DEMO_COLUMN = "bmi"
DEMO_EVERY = 2


@dataclass(frozen=True)
class Demo:
    region: str
    year: int
    column: str
    every: int
    excluded: pd.DataFrame


@dataclass(frozen=True)
class QualityPage:
    synthetic: bool
    assessment: Assessment
    years: tuple[int, ...]
    demo: Demo | None

    def rule(self, column: str) -> VariableRule:
        return next(v for v in self.assessment.thresholds.variables if v.column == column)

    def excluded_units(self) -> list[tuple[str, int]]:
        ex = self.assessment.excluded
        return sorted(set(zip(ex["region"].astype(str), ex["year"].astype(int), strict=True)))


def _demo(df: pd.DataFrame, region: str, year: int, assessment: Assessment) -> Demo:
    unit = df[(df["region"].astype(str) == region) & (df["year"].astype(int) == year)]
    degraded = assess(degrade(unit, region, year, DEMO_COLUMN, DEMO_EVERY), assessment.thresholds)
    return Demo(region, year, DEMO_COLUMN, DEMO_EVERY, degraded.excluded)


def compute(region: str, years: str, births: str) -> QualityPage:
    from analysis.births import load_births

    wanted = year_range(years)
    df = load_births(births)
    df = df[df["year"].isin(wanted)]
    assessment = assess(df)
    synthetic = is_synthetic(births)
    demo = _demo(df, region, max(wanted), assessment) if synthetic else None
    return QualityPage(synthetic, assessment, tuple(wanted), demo)


def reason_text(thresholds: Thresholds, row: Any) -> str:
    """One failure in words (a row of ``Assessment.excluded`` or of ``excluded_units``)."""
    rule = next(v for v in thresholds.variables if v.column == row.column)
    rule_text = rule.implausible.label_sv if rule.implausible is not None else ""
    return str(text.reason(rule.label_sv, row.reason, row.share, row.limit, bool(row.hidden), rule_text))


def _demo_values(data: QualityPage) -> dict[str, str]:
    d = data.demo
    if d is None or d.excluded.empty:
        return {}
    return {
        "variable": data.rule(d.column).label_sv,
        "every": sv_number(d.every),
        "region": region_name(d.region),
        "year": str(d.year),
        "reason": reason_text(data.assessment.thresholds, next(d.excluded.itertuples(index=False))),
    }


def glue_values(data: QualityPage) -> dict[str, str]:
    a, t = data.assessment, data.assessment.thresholds
    demo_values = _demo_values(data)
    return {
        "n_units": sv_number(a.n_units),
        "n_regions": sv_number(a.units["region"].nunique()),
        "n_years": sv_number(len(data.years)),
        "n_variables": sv_number(len(t.variables)),
        "n_rules": sv_number(sum(v.implausible is not None for v in t.variables)),
        "min_complete": text.pct(t.min_complete),
        "max_implausible": text.pct(t.max_implausible),
        "complete_source": t.min_complete_source,
        "implausible_source": t.max_implausible_source,
        "n_excluded": sv_number(len(data.excluded_units())),
        "min_cell": sv_number(threshold()),
        "verdict": text.verdict(a.n_units, len(t.variables), data.excluded_units()),
        "demo": text.demo(data.synthetic and bool(demo_values), demo_values),
    }


def _excluded_records(excluded: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {
            "region": r.region,
            "year": int(r.year),
            "column": r.column,
            "reason": r.reason,
            "share": None if r.hidden else round(float(r.share), 4),
            "limit": float(r.limit),
            "pages": r.pages.split(", "),
        }
        for r in excluded.itertuples(index=False)
    ]


def results(data: QualityPage) -> dict[str, Any]:
    a = data.assessment
    by_page = {
        page: sorted({(r.region, int(r.year)) for r in a.excluded.itertuples(index=False) if page in r.pages.split(", ")})
        for page in COMPARISON_PAGES
    }
    return {
        "synthetic": data.synthetic,
        "units": a.n_units,
        "variables": [v.column for v in a.thresholds.variables],
        "excluded": _excluded_records(a.excluded),
        "excluded_by_page": {page: [list(u) for u in units] for page, units in by_page.items()},
    }
