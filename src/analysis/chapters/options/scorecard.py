"""Tornado, one-at-a-time scenarios and the scorecard of all options with ranges."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.chapters.options.config import Config, Metric, Option, load_config
from analysis.chapters.options.figures import option_figures
from analysis.chapters.options.geography import geography

# Values within 1 % of the metric's scale (the largest absolute base value of the metric across the
# compared rows) are ties: modelled differences that small are noise.
BEST_TOLERANCE = 0.01


def tornado(option: str, metric: str, scenario: str = "base", config: Config | None = None, model: str = "graph") -> pd.DataFrame:
    """One row per assumption: the metric with that assumption at its low and at its high value.

    Columns: assumption, label_sv, unit, low, base, high (assumption values), result_low,
    result_base, result_high, swing (|high − low| of the result); sorted by swing, largest first.
    """
    cfg = config or load_config()
    base = option_figures(option, scenario, config=cfg, model=model)
    base_value = base.metric(metric)
    rows = []
    for a in cfg.assumptions.values():
        lo = option_figures(option, scenario, {a.key: a.low}, cfg, model).metric(metric) if a.low != a.base else base_value
        hi = option_figures(option, scenario, {a.key: a.high}, cfg, model).metric(metric) if a.high != a.base else base_value
        rows.append(
            {"assumption": a.key, "label_sv": a.label_sv, "unit": a.unit, "low": a.low, "base": a.base, "high": a.high,
             "result_low": float(lo), "result_base": base_value, "result_high": float(hi),
             "swing": abs(float(hi) - float(lo))}
        )  # fmt: skip
    return pd.DataFrame(rows).sort_values(["swing", "assumption"], ascending=[False, True]).reset_index(drop=True)


def option_cases(config: Config | None = None) -> list[tuple[str, str]]:
    """(option, case) pairs in file order: the rows of the scorecard."""
    cfg = config or load_config()
    return [(o.key, c.key) for o in cfg.options.values() for c in o.cases]


def envelope(cfg: Config, option: str, case: str, metric: str, model: str) -> tuple[float, float, float]:
    t = tornado(option, metric, case, cfg, model)
    base = float(t["result_base"].iloc[0])
    return (
        float(min(base, t["result_low"].min(), t["result_high"].min())),
        base,
        float(max(base, t["result_low"].max(), t["result_high"].max())),
    )


def scenario_values(option: str, case: str, config: Config | None = None, model: str = "graph") -> pd.DataFrame:
    """Every ranked metric in the base scenario and with one assumption at a time at its low or high
    value: index ``base``, ``<key>:low``, ``<key>:high``; columns the metrics of options.yml."""
    cfg = config or load_config()
    rows = {"base": option_figures(option, case, config=cfg, model=model)}
    for a in cfg.assumptions.values():
        for level in ("low", "high"):
            value = a.value(level)
            rows[f"{a.key}:{level}"] = (
                rows["base"] if value == a.base else option_figures(option, case, {a.key: value}, cfg, model)
            )
    return pd.DataFrame({k: {m: f.metric(m) for m in cfg.metrics} for k, f in rows.items()}).T


def tie_tolerance(values: Sequence[float]) -> float:
    """Two values closer than this are a tie: ``BEST_TOLERANCE`` of the metric's scale (largest |value|)."""
    scale = max((abs(float(x)) for x in values), default=0.0)
    return max(BEST_TOLERANCE * scale, 1e-9)


def metric_resolution(metric: Metric, config: Config | None = None) -> float:
    """The smallest difference the model resolves for ``metric`` in its own unit (0 = none stated)."""
    if metric.resolution_per != "bmm_trip":
        return metric.resolution
    cfg = config or load_config()
    v = cfg.values()
    births = float(geography().municipalities["births"].sum())
    return metric.resolution * v["bmm_visits_per_birth"] * v["round_trip_factor"] * births / 60.0


def row_label(option: Option, case: str) -> str:
    """The scorecard's row name: the option key, with the case's short name for a several-case option."""
    opt = option
    return opt.key if len(opt.cases) == 1 else f"{opt.key} – {opt.case(case).label_sv.split(':')[0].lower()}"


def _better(direction: str) -> int:
    return -1 if direction == "lower_is_better" else 1


def scorecard(options: Sequence[str] | None = None, config: Config | None = None, model: str = "graph") -> pd.DataFrame:
    """Options (and cases) × metrics: low, base, high and which rows are best, worst and clearly best.

    Long format: option, case, row (label), metric, label_sv, unit, direction, low, base, high,
    best, worst, clear_best, all_equal. low/high are the smallest and largest values over
    one-at-a-time changes of every assumption. Ties: base values within :func:`tie_tolerance`
    (1 % of the metric's scale) of the best (worst) are all best (worst); when every row ties,
    ``all_equal`` is set and no row is best or worst. ``clear_best``: the best rows stay better than
    every other row by more than the tolerance in every one-at-a-time scenario, i.e. the difference
    does not vanish within the assumptions' ranges (a paired comparison: the same assumption is
    changed for all rows at once). Metrics with direction none are never marked. No total score.
    """
    cfg = config or load_config()
    keep = list(options) if options is not None else list(cfg.options)
    rows = []
    scenarios: dict[str, pd.DataFrame] = {}
    for option, case in option_cases(cfg):
        if option not in keep:
            continue
        opt = cfg.options[option]
        label = row_label(opt, case)
        sv = scenario_values(option, case, cfg, model)
        scenarios[label] = sv
        for m in cfg.metrics.values():
            col = sv[m.key]
            rows.append(
                {"option": option, "case": case, "row": label, "metric": m.key, "label_sv": m.label_sv, "unit": m.unit,
                 "direction": m.direction, "low": float(col.min()), "base": float(col["base"]), "high": float(col.max())}
            )  # fmt: skip
    out = pd.DataFrame(rows)
    for flag in ("best", "worst", "clear_best", "all_equal"):
        out[flag] = False
    out["tolerance"] = np.nan
    for key, grp in out.groupby("metric", sort=False):
        direction = cfg.metrics[str(key)].direction
        if direction == "none" or len(grp) < 2:
            continue
        sign = _better(direction)
        tol = max(tie_tolerance(grp["base"]), metric_resolution(cfg.metrics[str(key)], cfg))
        out.loc[grp.index, "tolerance"] = tol
        best_value, worst_value = (grp["base"] * sign).max(), (grp["base"] * sign).min()
        if best_value - worst_value <= tol:
            out.loc[grp.index, "all_equal"] = True
            continue
        best = (best_value - grp["base"] * sign) <= tol
        worst = ((grp["base"] * sign - worst_value) <= tol) & ~best
        out.loc[grp.index, "best"] = best.to_numpy()
        out.loc[grp.index, "worst"] = worst.to_numpy()
        winners, others = grp.loc[best, "row"].tolist(), grp.loc[~best, "row"].tolist()
        clear = all((scenarios[w][str(key)] * sign - scenarios[o][str(key)] * sign > tol).all() for w in winners for o in others)
        out.loc[grp.index[best.to_numpy()], "clear_best"] = clear
    return out


@dataclass(frozen=True)
class Tradeoff:
    """Best and worst rows of one ranked metric (``equal``: every row ties; ``clear``: the lead holds)."""

    metric: str
    label_sv: str
    equal: bool
    best: tuple[str, ...] = ()
    worst: tuple[str, ...] = ()
    clear: bool = True


def tradeoffs(card: pd.DataFrame) -> list[Tradeoff]:
    """The best and worst rows per ranked metric (for the summary sentences).

    Ties (within :func:`tie_tolerance` of the best or the worst base value) are all named; a metric
    equal for every row is ``equal``; a best value whose lead vanishes within the assumptions' ranges
    (``clear_best`` False) is not ``clear``.
    """
    out = []
    for metric, grp in card[card["direction"] != "none"].groupby("metric", sort=False):
        label = str(grp["label_sv"].iloc[0])
        sign = _better(str(grp["direction"].iloc[0]))
        values = grp["base"].astype(float) * sign
        tol = tie_tolerance(grp["base"])
        if "tolerance" in grp and grp["tolerance"].notna().any():
            tol = max(tol, float(grp["tolerance"].max()))
        if values.max() - values.min() <= tol:
            out.append(Tradeoff(str(metric), label, True))
            continue
        best = grp.loc[values.max() - values <= tol, "row"].tolist()
        worst = grp.loc[(values - values.min() <= tol) & (values.max() - values > tol), "row"].tolist()
        clear = bool(grp.loc[values.max() - values <= tol, "clear_best"].all()) if "clear_best" in grp else True
        out.append(Tradeoff(str(metric), label, False, tuple(best), tuple(worst), clear))
    return out
