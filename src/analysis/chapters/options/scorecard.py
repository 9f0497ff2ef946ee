"""Tornado, one-at-a-time scenarios and the scorecard of all options with ranges."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import partial

import numpy as np
import pandas as pd

from analysis.chapters.options.config import Config, Metric, Option, load_config
from analysis.chapters.options.figures import OptionFigures, option_figures
from analysis.chapters.options.geography import geography
from analysis.chapters.options.tiers import tiers
from analysis.common import shared

# Values within 1 % of the metric's scale (the largest absolute base value of the metric across the
# compared rows) are ties: modelled differences that small are noise.
BEST_TOLERANCE = 0.01


def tornado(option: str, metric: str, scenario: str = "base", config: Config | None = None, model: str = "graph") -> pd.DataFrame:
    """One row per assumption: the metric with that assumption at its low and at its high value.

    Columns: assumption, label_sv, unit, low, base, high (assumption values), result_low,
    result_base, result_high, swing (|high − low| of the result); sorted by swing, largest first.
    ``metric`` is any numeric figure of :class:`OptionFigures`.
    """
    cfg = config or load_config()
    sv = scenario_figures(option, scenario, config, model)
    if metric not in sv.columns:
        raise KeyError(f"unknown numeric metric {metric!r}")
    col = sv[metric]
    base_value = float(col["base"])
    rows = []
    for a in cfg.assumptions.values():
        lo, hi = float(col[f"{a.key}:low"]), float(col[f"{a.key}:high"])
        rows.append(
            {"assumption": a.key, "label_sv": a.label_sv, "unit": a.unit, "low": a.low, "base": a.base, "high": a.high,
             "result_low": lo, "result_base": base_value, "result_high": hi, "swing": abs(hi - lo)}
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


def _scenario_figures(option: str, case: str, cfg: Config, model: str) -> pd.DataFrame:
    rows = {"base": option_figures(option, case, config=cfg, model=model)}
    for a in cfg.assumptions.values():
        for level in ("low", "high"):
            value = a.value(level)
            rows[f"{a.key}:{level}"] = (
                rows["base"] if value == a.base else option_figures(option, case, {a.key: value}, cfg, model)
            )
    numeric = [f.name for f in fields(OptionFigures) if _is_number(getattr(rows["base"], f.name))]
    return pd.DataFrame({k: {m: f.metric(m) for m in numeric} for k, f in rows.items()}).T


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _shared(cfg: Config, config: Config | None) -> bool:
    """Only the book's own configuration (the package files) is shared between pages; a given one is not."""
    return config is None or config is load_config()


def scenario_figures(option: str, case: str, config: Config | None = None, model: str = "graph") -> pd.DataFrame:
    """Every numeric option figure in the base scenario and with one assumption at a time at its low or high
    value: index ``base``, ``<key>:low``, ``<key>:high``; one column per numeric field of :class:`OptionFigures`.

    Computed once per build for the book's configuration (:mod:`analysis.common.shared`).
    """
    cfg = config or load_config()
    if not _shared(cfg, config):
        return _scenario_figures(option, case, cfg, model)
    return shared.value("option-scenarios", [option, case, model], lambda: _scenario_figures(option, case, cfg, model))


def all_scenario_figures(config: Config | None = None, model: str = "graph") -> dict[tuple[str, str], pd.DataFrame]:
    """:func:`scenario_figures` of every (option, case) of the scorecard; the build's kernels share the work."""
    cfg = config or load_config()
    cases = option_cases(cfg)
    if not _shared(cfg, config):
        return {(o, c): _scenario_figures(o, c, cfg, model) for o, c in cases}
    items = [([o, c, model], partial(_scenario_figures, o, c, cfg, model)) for o, c in cases]
    return dict(zip(cases, shared.values("option-scenarios", items), strict=True))


def prepare_scenarios(option: str, model: str = "graph") -> None:
    """The run plan's shared step: store :func:`scenario_figures` of every case of ``option`` for the build's pages."""
    for case in load_config().options[option].cases:
        scenario_figures(option, case.key, model=model)


def scenario_values(option: str, case: str, config: Config | None = None, model: str = "graph") -> pd.DataFrame:
    """Every ranked metric in the base scenario and with one assumption at a time at its low or high
    value: index ``base``, ``<key>:low``, ``<key>:high``; columns the metrics of options.yml."""
    cfg = config or load_config()
    return scenario_figures(option, case, config, model)[list(cfg.metrics)]


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
    """Options (and cases) × metrics: low, base, high and the tier of each row (the book's comparison rule).

    Long format: option, case, row (label), metric, label_sv, unit, direction, low, base, high,
    tier (best, middle, worst, equal, unclear; empty for context metrics), tier_rank (1 = best),
    tolerance, and the flags best, worst, all_equal, clear_best derived from the tier. low/high are the
    smallest and largest values over one-at-a-time changes of every assumption. Tiers follow
    :func:`analysis.chapters.options.tiers.tiers`: two rows are in different tiers only if they differ by
    more than the tolerance in the base case and under every single-assumption change (the same change
    for every row). The tolerance is the larger of :func:`tie_tolerance` (1 % of the metric's scale) and
    the model's resolution for the metric. Metrics with direction none get no tier. No total score.
    """
    cfg = config or load_config()
    keep = list(options) if options is not None else list(cfg.options)
    rows = []
    scenarios: dict[str, pd.DataFrame] = {}
    every = all_scenario_figures(config, model)
    for option, case in option_cases(cfg):
        if option not in keep:
            continue
        opt = cfg.options[option]
        label = row_label(opt, case)
        sv = every[(option, case)][list(cfg.metrics)]
        scenarios[label] = sv
        for m in cfg.metrics.values():
            col = sv[m.key]
            rows.append(
                {"option": option, "case": case, "row": label, "metric": m.key, "label_sv": m.label_sv, "unit": m.unit,
                 "direction": m.direction, "low": float(col.min()), "base": float(col["base"]), "high": float(col.max())}
            )  # fmt: skip
    out = pd.DataFrame(rows)
    out["tier"] = ""
    out["tier_rank"] = 0
    out["tolerance"] = np.nan
    for key, grp in out.groupby("metric", sort=False):
        direction = cfg.metrics[str(key)].direction
        if direction == "none" or len(grp) < 2:
            continue
        tol = max(tie_tolerance(grp["base"]), metric_resolution(cfg.metrics[str(key)], cfg))
        result = tiers({str(r): scenarios[str(r)][str(key)].to_numpy(float) for r in grp["row"]}, tol, _better(direction))
        out.loc[grp.index, "tolerance"] = tol
        out.loc[grp.index, "tier"] = [result.tier[str(r)] for r in grp["row"]]
        out.loc[grp.index, "tier_rank"] = [result.rank[str(r)] for r in grp["row"]]
    out["best"] = out["tier"] == "best"
    out["worst"] = out["tier"] == "worst"
    out["all_equal"] = out["tier"] == "equal"
    out["clear_best"] = out["best"]
    return out


@dataclass(frozen=True)
class Tradeoff:
    """The tiers of one ranked metric (``equal``: one tier; ``unclear``: differences but no order)."""

    metric: str
    label_sv: str
    equal: bool
    best: tuple[str, ...] = ()
    worst: tuple[str, ...] = ()
    clear: bool = True
    middle: tuple[str, ...] = ()


def tradeoffs(card: pd.DataFrame) -> list[Tradeoff]:
    """The best, middle and worst tiers per ranked metric (for the summary sentences)."""
    out = []
    for metric, grp in card[card["direction"] != "none"].groupby("metric", sort=False):
        label = str(grp["label_sv"].iloc[0])
        tier = grp.set_index("row")["tier"]
        if (tier == "equal").all() or (tier == "").all():
            out.append(Tradeoff(str(metric), label, True))
            continue
        if (tier == "unclear").all():
            out.append(Tradeoff(str(metric), label, False, clear=False))
            continue
        named = {w: tuple(str(r) for r in tier.index[tier == w]) for w in ("best", "middle", "worst")}
        out.append(Tradeoff(str(metric), label, False, named["best"], named["worst"], True, named["middle"]))
    return out
