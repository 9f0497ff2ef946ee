"""What the option and comparison templates call.

Two pages: ``compute_option(option=…, region=…)`` for each option page (A–D) and
``compute_comparison(region=…)`` for the comparison page, each with its glue values and results.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.chapters.options import charts, text
from analysis.chapters.options.access import access
from analysis.chapters.options.config import Config, Option, load_config, make_scenario
from analysis.chapters.options.evidence import evidence_links, evidence_synthetic
from analysis.chapters.options.figures import OptionFigures, option_figures
from analysis.chapters.options.scorecard import (
    BEST_TOLERANCE,
    Tradeoff,
    envelope,
    metric_resolution,
    option_cases,
    row_label,
    scorecard,
    tornado,
    tradeoffs,
)
from analysis.chapters.options.units import units_for_option
from analysis.chapters.options.vulnerability import option_vulnerability
from analysis.chapters.travel.model.within_town import WITHIN_TOWN_MIN_VARDCENTRALER, split_towns
from analysis.common import published
from analysis.common.formatting import sv_number, sv_pct, sv_range
from analysis.common.home import HOME_REGION


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(k): (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in r.items()}
        for r in frame.to_dict("records")
    ]


def option_figures_results(
    option: str, config: Config | None = None, model: str = "graph", results_dir: Path | None = None
) -> dict[str, Any]:
    """Key figures for ``_build/results/option_<x>.json`` (plain JSON types, deterministic)."""
    from analysis.common.results import plain as _plain

    cfg = config or load_config()
    opt = cfg.options[option]
    cases: dict[str, Any] = {}
    for c in opt.cases:
        figures = option_figures(option, c.key, config=cfg, model=model)
        ranges = {m: list(envelope(cfg, option, c.key, m, model)) for m in cfg.metrics}
        sc = make_scenario(option, c.key, config=cfg)
        units = units_for_option(option, sc.values, c.key, cfg)
        acc = access(option, sc, cfg, model)
        cases[c.key] = {
            "label_sv": c.label_sv,
            "description_sv": c.description_sv,
            "figures": figures.as_dict(),
            "ranges": ranges,
            "units": _records(units),
            "vulnerability": _records(option_vulnerability(option, sc, cfg)),
            "municipalities": _records(acc.by_municipality),
            "tasks": _records(acc.tasks),
        }
    return _plain(
        {
            "option": option,
            "name_sv": opt.name_sv,
            "organisation_sv": opt.organisation_sv,
            "providers_sv": opt.providers_sv,
            "staffing": {"min": opt.staffing_min, "max": None if math.isinf(opt.staffing_max) else opt.staffing_max},
            "matrix_sv": {cfg.matrix_rows_sv[k]: opt.matrix_sv[k] for k in cfg.matrix_rows_sv},
            "main_case": opt.cases[0].key,
            "cases": cases,
            "evidence": evidence_links(option, results_dir, config=cfg),
            "modelled": True,
        }
    )


def comparison_figures_results(config: Config | None = None, model: str = "graph") -> dict[str, Any]:
    """Key figures for ``comparison.json``: the scorecard and the best row per ranked metric."""
    from analysis.common.results import plain as _plain

    cfg = config or load_config()
    card = scorecard(config=cfg, model=model)
    best = {m: card.loc[(card["metric"] == m) & card["best"], "row"].tolist() for m in cfg.metrics}
    tiers = {str(m): dict(zip(grp["row"], grp["tier"], strict=True)) for m, grp in card.groupby("metric", sort=False)}
    return _plain({"scorecard": _records(card), "best": best, "tiers": tiers,
                   "tradeoffs_sv": [str(text.tradeoff(t)) for t in tradeoffs(card)], "modelled": True})  # fmt: skip


# --------------------------------------------------------------------------- the option page


@dataclass(frozen=True)
class OptionPage:
    """Everything an option page shows: the option, its figures per case and the tornado tables."""

    option: Option
    config: Config
    figures: Mapping[str, OptionFigures]
    vulnerability: Mapping[str, pd.DataFrame]
    tornados: tuple[tuple[str, pd.DataFrame], ...]
    unmoved: tuple[str, ...]
    model: str = "graph"


def compute_option(option: str = "A", region: str = HOME_REGION, model: str = "graph") -> OptionPage:
    """The option page's data (``region`` is the home county; the options are modelled for it)."""
    cfg = load_config()
    opt = cfg.options[option]
    figs = {c.key: option_figures(option, c.key, config=cfg, model=model) for c in opt.cases}
    vul = {c.key: option_vulnerability(option, c.key, cfg) for c in opt.cases}
    tornados, unmoved = [], []
    for c in opt.cases:
        for metric, label in cfg.tornado_metrics_sv.items():
            title = label + text.case_suffix(opt, c)
            table = tornado(option, metric, c.key, cfg, model)
            if charts.tornado_has_bars(table):
                tornados.append((title, table))
            else:
                unmoved.append(title.lower())
    for c in opt.cases:
        if figs[c.key].units_below_min > 0 and not c.staffing_note_sv:
            raise ValueError(
                f"options.yml: option {option}, case {c.key!r}: {figs[c.key].units_below_min} unit(s) fall below the "
                f"option's staffing minimum of {opt.staffing_min}; give the case a staffing_note_sv saying why it is shown"
            )
    return OptionPage(opt, cfg, figs, vul, tuple(tornados), tuple(unmoved), model)


def option_glue_values(data: OptionPage) -> dict[str, str]:
    """The values the option template's prose glues."""
    opt, cfg = data.option, data.config
    v, a = cfg.values(), cfg.assumptions
    main = data.figures[opt.cases[0].key]
    gl = a["gain_loss_threshold_minutes"]
    return {
        "option_name": opt.name_sv,
        "cases_intro": text.cases_intro(opt),
        "access_text": text.per_case(opt, data.figures, text.access_text),
        "vuln_text": text.per_case(opt, data.figures, lambda f: text.vulnerability_text(f, opt)),
        "capacity_text": text.per_case(opt, data.figures, lambda f: text.capacity_text(f, v)),
        "vc_text": text.per_case(opt, data.figures, text.vardcentral_text),
        "vuln_model": text.vulnerability_model(opt, data.figures, cfg),
        "capacity_assumptions": text.capacity_assumptions(cfg),
        "share_24h_target_text": text.share_24h_target(cfg),
        "cover_partners": sv_number(v["a_cover_partners"]),
        "main_label": opt.cases[0].label_sv.split(":")[0],
        "n_cases": sv_number(len(opt.cases)),
        "report_effect": opt.matrix_sv["effekt"],
        "report_conditions": opt.matrix_sv["forutsattningar"],
        "bmm_units_today": sv_number(main.bmm_units_today),
        "vardcentraler": sv_number(main.vardcentraler),
        "bmm_mean_minutes_today": sv_number(main.bmm_mean_minutes_today, 1),
        "bmm_mean_minutes_all_vc": sv_number(main.bmm_mean_minutes_all_vc, 1),
        "tolerance": sv_number(v["gain_loss_threshold_minutes"]),
        "tolerance_range": sv_range(gl.low, gl.high),
        "split_towns": ", ".join(split_towns()),
        "within_town_min_vc": sv_number(WITHIN_TOWN_MIN_VARDCENTRALER),
        "digital_visits": sv_number(main.digital_visits_per_birth),
        "digital_hours": sv_number(main.digital_hours_saved),
        "p_absent": sv_pct(100.0 * v["p_absent"], 0),
        "open_days": sv_number(v["open_days_per_year"]),
        "share_24h_today": sv_pct(100.0 * v["share_24h_today"], 0),
        "share_24h_period": text.TEXTS("share_24h_period", years=published.latest("discharged_within_24h_pct", HOME_REGION)[1]),
        "bed_days_today": sv_number(main.bed_days_today),
        "beds_today": sv_number(main.beds_today, 1),
        "tornado_visible": sv_pct(100 * charts.VISIBLE_SHARE, 0),
        "tornado_none": text.tornado_none(data.unmoved),
        "tasks_text": " ".join(
            text.lead(text.case_prefix(opt, c), text.moved_tasks_text(opt, c, data.figures[c.key], cfg)) for c in opt.cases
        ),
        "net_travel_text": text.per_case(opt, data.figures, lambda f: text.net_travel_text(f, resolution_hours(cfg))),
        **decision_glue(data),
    }


def resolution_hours(cfg: Config) -> float:
    """The travel model's resolution in travel hours per year (one minute per BMM trip, see options.yml)."""
    return metric_resolution(cfg.metrics["net_travel_hours_change"], cfg)


def option_results(data: OptionPage) -> dict[str, Any]:
    """Key figures for ``option_<x>.json``."""
    return {**option_figures_results(data.option.key, data.config, data.model), **decision_results(data)}


def decision_glue(data: OptionPage) -> dict[str, str]:
    """Glue values of the sections Karta, vårdcentraler and Jämlikhet (:mod:`.decision_text`)."""
    from analysis.chapters.options import decision_text

    return decision_text.glue_values(data)


def decision_results(data: OptionPage) -> dict[str, Any]:
    """Results keys ``equity`` and ``vardcentraler_table`` (read by the summary page)."""
    from analysis.chapters.options import decision_text

    return decision_text.results(data)


# --------------------------------------------------------------------------- the comparison page


@dataclass(frozen=True)
class ComparisonPage:
    """The scorecard of every option case, the trade-offs and the figures of each row."""

    config: Config
    card: pd.DataFrame
    tradeoffs: tuple[Tradeoff, ...]
    rows: tuple[tuple[str, str, str, OptionFigures], ...]  # option, case, row label, figures
    synthetic_evidence: bool
    model: str = "graph"


def compute_comparison(region: str = HOME_REGION, model: str = "graph") -> ComparisonPage:
    """The comparison page's data (``region`` is the home county)."""
    cfg = load_config()
    card = scorecard(config=cfg, model=model)
    rows = tuple(
        (o, c, row_label(cfg.options[o], c), option_figures(o, c, config=cfg, model=model)) for o, c in option_cases(cfg)
    )
    return ComparisonPage(cfg, card, tuple(tradeoffs(card)), rows, evidence_synthetic(), model)


def comparison_glue_values(data: ComparisonPage) -> dict[str, str]:
    cfg = data.config
    first = data.rows[0][3]
    return {
        "n_metrics": sv_number(data.card["metric"].nunique()),
        "n_rows": sv_number(data.card["row"].nunique()),
        "tie_pct": sv_pct(100 * BEST_TOLERANCE, 0),
        "digital_visits": sv_number(first.digital_visits_per_birth),
        "digital_hours": sv_number(first.digital_hours_saved),
        "bmm_units_today": sv_number(first.bmm_units_today),
        "split_towns": ", ".join(split_towns()),
        "per_births": sv_number(1000),
        "resolution_minutes": sv_number(cfg.metrics["bmm_mean_minutes"].resolution),
        "resolution_hours": sv_number(metric_resolution(cfg.metrics["bmm_travel_hours_change"], cfg)),
        "synthetic_note": text.synthetic_note(data.synthetic_evidence),
    }


def comparison_results(data: ComparisonPage) -> dict[str, Any]:
    """Key figures for ``comparison.json``."""
    return comparison_figures_results(data.config, data.model)
