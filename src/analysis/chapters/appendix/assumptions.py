"""The "Antaganden" page's figures: every assumption of the options model and which headline figures it moves.

An assumption *moves* a metric of ``options.yml`` for an option (case) when setting it to its low or its high
value (one at a time, everything else at base) changes the metric by more than the metric's tolerance: the
larger of the scorecard's tie tolerance (1 % of the metric's scale over all option rows) and the metric's
stated resolution (see ``options/scorecard.py``). Changes within the tolerance are noise and not listed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.chapters.options.config import ASSUMPTIONS_FILE, Config, Metric, load_config
from analysis.chapters.options.scorecard import all_scenario_figures, metric_resolution, option_cases, row_label, tie_tolerance
from analysis.chapters.travel.model.assumptions import ASSUMPTIONS_FILE as TRAVEL_ASSUMPTIONS_FILE
from analysis.common.config import ConfigError, read_yaml

# Page order of the option assumptions' groups (the file's ``group`` field); travel assumptions come last.
GROUPS = ("staffing", "access", "option", "capacity", "tasks")
TRAVEL_GROUP = "travel"
LEVELS = ("low", "high")


@dataclass(frozen=True)
class Move:
    """How much one metric of one option row changes with the assumption at its low and at its high value.

    A side whose change lies within the metric's tolerance is 0.0.
    """

    metric: str
    row: str
    at_low: float
    at_high: float

    @property
    def largest(self) -> float:
        """The signed change of largest size (the high side on a tie)."""
        return self.at_high if abs(self.at_high) >= abs(self.at_low) else self.at_low


@dataclass(frozen=True)
class AssumptionRow:
    """One assumption as the appendix shows it (``moves`` is empty for one the options model does not read)."""

    key: str
    group: str
    label_sv: str
    unit: str
    low: float
    base: float
    high: float
    source: str
    estimate: bool
    reason_sv: str
    moves: tuple[Move, ...] = ()
    read_by_options: bool = True

    @property
    def fixed(self) -> bool:
        return self.low == self.base == self.high


@dataclass(frozen=True)
class Assumptions:
    """Every assumption in page order, the metrics (labels, units) and each metric's tolerance."""

    rows: tuple[AssumptionRow, ...]
    metrics: Mapping[str, Metric]
    tolerances: Mapping[str, float]
    option_rows: tuple[str, ...]

    def group(self, name: str) -> tuple[AssumptionRow, ...]:
        return tuple(r for r in self.rows if r.group == name)


def is_estimate(source: str) -> bool:
    """``estimate`` or ``estimate (…)``: the value is the project's judgement, not a source's figure."""
    return source.strip().lower().startswith("estimate")


def metric_tolerances(scenarios: Mapping[str, pd.DataFrame], config: Config) -> dict[str, float]:
    """Per metric: max(tie tolerance of the base values over all option rows, the metric's resolution)."""
    out = {}
    for key, metric in config.metrics.items():
        bases = [float(sv.loc["base", key]) for sv in scenarios.values()]
        finite = [b for b in bases if math.isfinite(b)]
        out[key] = max(tie_tolerance(finite), metric_resolution(metric, config))
    return out


def _change(sv: pd.DataFrame, key: str, level: str, metric: str, tolerance: float) -> float:
    name = f"{key}:{level}"
    if name not in sv.index:
        return 0.0
    change = float(sv.loc[name, metric]) - float(sv.loc["base", metric])
    return change if math.isfinite(change) and abs(change) > tolerance else 0.0


def moves(key: str, scenarios: Mapping[str, pd.DataFrame], tolerances: Mapping[str, float]) -> tuple[Move, ...]:
    """Every (metric, option row) that ``key`` at its low or high value moves beyond the tolerance.

    ``scenarios``: option row label -> :func:`scenario_values` frame (index ``base``, ``<key>:low``,
    ``<key>:high``; columns the metrics). Order: metrics as in ``tolerances``, rows as in ``scenarios``.
    """
    out = []
    for metric, tol in tolerances.items():
        for row, sv in scenarios.items():
            lo, hi = (_change(sv, key, level, metric, tol) for level in LEVELS)
            if lo or hi:
                out.append(Move(metric, row, lo, hi))
    return tuple(out)


def reasons_sv(path: Path | None = None) -> dict[str, str]:
    """``reason_sv`` of every option assumption (the options config does not keep it); an error names a missing one."""
    file = path or ASSUMPTIONS_FILE
    data = read_yaml(file).get("assumptions") or {}
    missing = [k for k, e in data.items() if not isinstance(e, dict) or not str(e.get("reason_sv") or "").strip()]
    if missing:
        raise ConfigError(f"{file}: assumption(s) {', '.join(missing)}: missing field 'reason_sv' (the reason in Swedish)")
    return {str(k): str(e["reason_sv"]).strip() for k, e in data.items()}


def option_rows(config: Config, scenarios: Mapping[str, pd.DataFrame], tolerances: Mapping[str, float]) -> list[AssumptionRow]:
    reasons = reasons_sv()
    order = {g: i for i, g in enumerate(GROUPS)}
    unknown = sorted({a.group for a in config.assumptions.values()} - set(GROUPS))
    if unknown:
        raise ConfigError(f"{ASSUMPTIONS_FILE}: unknown group(s) {', '.join(unknown)}; known: {', '.join(GROUPS)}")
    rows = [
        AssumptionRow(a.key, a.group, a.label_sv, a.unit, a.low, a.base, a.high, a.source, is_estimate(a.source),
                      reasons[a.key], moves(a.key, scenarios, tolerances))
        for a in config.assumptions.values()
    ]  # fmt: skip
    return sorted(rows, key=lambda r: order[r.group])  # stable: file order within a group


def travel_rows(labels: Mapping[str, Mapping[str, str]], path: Path | None = None) -> list[AssumptionRow]:
    """Travel assumptions with a low/base/high value (``value: {low, base, high}``); the options model reads none.

    ``labels``: ``section.key`` -> {label, reason}, the Swedish wording (an error names a missing one).
    """
    file = path or TRAVEL_ASSUMPTIONS_FILE
    out = []
    for section, entries in (read_yaml(file) or {}).items():
        for key, entry in (entries or {}).items() if isinstance(entries, dict) else ():
            value = entry.get("value") if isinstance(entry, dict) else None
            if not (isinstance(value, dict) and set(value) == {"low", "base", "high"}):
                continue
            name = f"{section}.{key}"
            if name not in labels:
                raise ConfigError(f"{file}: {name} has low/base/high but no Swedish label in book/text/appendix.sv.yml")
            lo, base, hi = (float(value[k]) for k in ("low", "base", "high"))
            src = str(entry.get("source", ""))
            out.append(AssumptionRow(name, TRAVEL_GROUP, labels[name]["label"], str(entry.get("unit", "")), lo, base, hi,
                                     src, is_estimate(src), labels[name]["reason"], (), False))  # fmt: skip
    return out


def compute(travel_labels: Mapping[str, Mapping[str, str]], config: Config | None = None, model: str = "graph") -> Assumptions:
    """Every assumption with the metrics it moves, for every option row of the scorecard."""
    cfg = config or load_config()
    every = all_scenario_figures(config, model)
    scenarios = {row_label(cfg.options[o], c): every[(o, c)][list(cfg.metrics)] for o, c in option_cases(cfg)}
    tolerances = metric_tolerances(scenarios, cfg)
    rows = option_rows(cfg, scenarios, tolerances) + travel_rows(travel_labels)
    return Assumptions(tuple(rows), cfg.metrics, tolerances, tuple(scenarios))


def result_records(data: Assumptions) -> dict[str, Any]:
    """Per assumption: group, values, whether an estimate, and the metrics it moves per option row."""
    out: dict[str, Any] = {}
    for r in data.rows:
        moved: dict[str, dict[str, list[float]]] = {}
        for m in r.moves:
            moved.setdefault(m.metric, {})[m.row] = [round(m.at_low, 4), round(m.at_high, 4)]
        out[r.key] = {"group": r.group, "unit": r.unit, "low": r.low, "base": r.base, "high": r.high,
                      "estimate": r.estimate, "read_by_options": r.read_by_options, "moves": moved}  # fmt: skip
    return out
