"""Key messages per option from the option and comparison pages' results (no Swedish here: kinds and values).

A message is a kind (``structure``, ``travel`` …), the option, the certainty of its figures and the values
its sentence needs, per case ('base' for a one-case option; 'best' and 'worst' for D). Values are the base
figure and its range over one-at-a-time assumption changes (``ranges`` in the option results), so the
sentence can print "base (low–high)". The tier of the measure comes from the comparison page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from analysis.chapters.summary.config import SummaryConfig


@dataclass(frozen=True)
class Range:
    """A figure with its range over single-assumption changes."""

    base: float
    low: float
    high: float

    @classmethod
    def of(cls, ranges: Mapping[str, Sequence[float]], metric: str) -> Range:
        lo, base, hi = (float(x) for x in ranges[metric])
        return cls(base, lo, hi)


@dataclass(frozen=True)
class CaseFacts:
    """What one option case contributes to the messages."""

    case: str
    row: str  # the comparison page's row label ('A', 'D – bästa fall')
    figures: Mapping[str, Any]
    ranges: Mapping[str, Sequence[float]]
    tiers: Mapping[str, str] = field(default_factory=dict)  # metric -> tier of this row
    staffing_min: int = 0  # the option's own minimum midwives per unit

    def range(self, metric: str) -> Range:
        return Range.of(self.ranges, metric)

    def tier(self, metric: str) -> str:
        return self.tiers.get(metric, "")


@dataclass(frozen=True)
class Message:
    kind: str
    option: str
    certainty: str
    cases: tuple[CaseFacts, ...]


def row_labels(comparison: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    """(option, case) -> the comparison row label, from the scorecard records."""
    return {(str(r["option"]), str(r["case"])): str(r["row"]) for r in comparison.get("scorecard", [])}


def case_facts(option_results: Mapping[str, Any], comparison: Mapping[str, Any]) -> tuple[CaseFacts, ...]:
    """Every case of one option with its figures, ranges and tiers (main case first)."""
    option = str(option_results["option"])
    labels = row_labels(comparison)
    tiers = comparison.get("tiers", {})
    main = str(option_results.get("main_case", ""))
    keys = sorted(option_results["cases"], key=lambda k: (k != main, k))
    out = []
    for key in keys:
        case = option_results["cases"][key]
        row = labels.get((option, key), option)
        staffing = option_results.get("staffing") or {}
        out.append(CaseFacts(key, row, case["figures"], case["ranges"], {m: str(t.get(row, "")) for m, t in tiers.items()},
                             int(staffing.get("min") or 0)))  # fmt: skip
    return tuple(out)


def option_messages(option_results: Mapping[str, Any], comparison: Mapping[str, Any], cfg: SummaryConfig) -> tuple[Message, ...]:
    """The key messages of one option, in the configured order, each with its certainty."""
    option = str(option_results["option"])
    facts = case_facts(option_results, comparison)
    return tuple(Message(kind, option, certainty, facts) for kind, certainty in cfg.messages.items())


def municipality_net_minutes(options: Sequence[Mapping[str, Any]], comparison: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    """Row label -> municipality -> net change in travel minutes per birth and year (moved tasks + BMM visits)."""
    out: dict[str, dict[str, float]] = {}
    labels = row_labels(comparison)
    for res in options:
        option = str(res["option"])
        for key, case in res["cases"].items():
            row = labels.get((option, key), option)
            out[row] = {str(m["municipality"]): float(m["net_minutes_per_birth"]) for m in case["municipalities"]}
    return dict(sorted(out.items(), key=lambda kv: list(labels.values()).index(kv[0]) if kv[0] in labels.values() else 99))


@dataclass(frozen=True)
class Baseline:
    """Published facts about today: births in the county, today's BMM, risk factors and early discharge."""

    births_per_year: float
    births_year: str
    bmm_units_today: int
    no_risk_pct: float
    no_risk_pct_nation: float
    no_risk_year: str
    discharged_24h_pct: float
    discharged_24h_pct_nation: float
    discharged_24h_years: str


def baseline(region: str, bmm_units_today: int) -> Baseline:
    """Today's published figures (county births from SCB, the rest from the region's report citing the
    pregnancy register); the years are the data file's."""
    from analysis.common import geodata, published

    county = geodata.county()
    no_risk, year = published.latest("no_risk_factors_at_pregnancy_start_pct", region)
    no_risk_nation, _ = published.latest("no_risk_factors_at_pregnancy_start_pct", published.RIKET)
    early, years = published.latest("discharged_within_24h_pct", region)
    early_nation, _ = published.latest("discharged_within_24h_pct", published.RIKET)
    return Baseline(float(county["births_per_year"]), str(county["births_year"]), bmm_units_today, no_risk,
                    no_risk_nation, year, early, early_nation, years)  # fmt: skip
