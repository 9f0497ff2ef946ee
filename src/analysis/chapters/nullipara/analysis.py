"""The chapter's case-mix run: every outcome fitted once; the JSON results made from exactly those fits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.chapters.nullipara.decomposition import Decomposition, PracticeEffect, decompose, practice_effect
from analysis.chapters.nullipara.diagnostics import (
    ModelSummary,
    model_summary,
)
from analysis.chapters.nullipara.funnel import Funnel, ratio_funnel
from analysis.chapters.nullipara.model import (
    CasemixFit,
    CodedCovariates,
    PreparedOutcome,
    code_covariates,
    fit_national,
    prepare_outcome,
)
from analysis.chapters.nullipara.oe import observed_expected, region_suppression, variance_kind
from analysis.chapters.nullipara.outcomes import (
    OUTCOME_KEYS,
    OutcomeConfig,
    OutcomeUnavailable,
    resolve_config,
)
from analysis.chapters.nullipara.secondary import secondary_results
from analysis.chapters.nullipara.verdicts import judge_funnel
from analysis.common.disclosure import threshold
from analysis.common.home import HOME_REGION
from analysis.common.results import plain

# --------------------------------------------------------------------------- chapter bundle


@dataclass(frozen=True)
class OutcomeAnalysis:
    """Everything the chapter shows for one outcome."""

    prepared: PreparedOutcome
    fit: CasemixFit
    oe: pd.DataFrame
    funnel: Funnel
    decomposition: Decomposition
    practice: PracticeEffect
    summary: ModelSummary


def analyse_outcome(
    births: pd.DataFrame,
    outcome: str,
    region: str = HOME_REGION,
    config: OutcomeConfig | None = None,
    coded: CodedCovariates | None = None,
    n_boot: int | None = None,
    seed: int = 20240601,
) -> OutcomeAnalysis:
    """National fit, O/E for every region, funnel with overdispersion check, decomposition, summary."""
    prepared = prepare_outcome(births, outcome, config, coded)
    fit = fit_national(prepared)
    oe = observed_expected(prepared, fit)
    funnel = ratio_funnel(oe, id_column="region", highlight=region, variance=variance_kind(prepared.national_rate))
    decomposition = decompose(prepared, fit, region, n_boot=n_boot, seed=seed)
    practice = practice_effect(prepared, region, "indicator", fit)
    return OutcomeAnalysis(prepared, fit, oe, funnel, decomposition, practice, model_summary(prepared, fit))


@dataclass(frozen=True)
class NulliparaAnalysis:
    """One run of the chapter: the per-outcome fits and the JSON results made from exactly those fits.

    ``results`` is the plain-JSON structure for ``_build/results/nullipara.json``
    (see ``nullipara_analysis``); ``analyses`` maps each computed outcome to its
    ``OutcomeAnalysis`` (funnels, model summaries), so a page never refits.
    """

    results: dict[str, Any]
    analyses: dict[str, OutcomeAnalysis]


def nullipara_analysis(
    births: pd.DataFrame,
    region: str = HOME_REGION,
    years: Sequence[int] | None = None,
    outcomes: Sequence[str] | None = None,
    n_boot: int | None = None,
    seed: int = 20240601,
    config: OutcomeConfig | None = None,
    min_cell: int | None = None,
) -> NulliparaAnalysis:
    """Fit every outcome once and return both the fits and the JSON results structure.

    ``results["outcomes"][key]["regions"][code]`` holds n, observed, expected, oe,
    oe_low, oe_high; the home region adds gap, casemix_part, practice_part (pp)
    with _low/_high. Region rows resting on fewer than ``min_cell`` women, events
    or non-events keep n only (when n itself is large enough) and ``suppressed: true``.
    Outcomes that cannot be computed are listed under ``unavailable`` with the
    reason and have no entry in ``analyses``. No module state is touched, so
    concurrent calls are safe.
    """
    cfg = resolve_config(config)
    limit = threshold() if min_cell is None else min_cell
    data = births if years is None else births[births["year"].isin(list(years))]
    keys = list(outcomes or OUTCOME_KEYS)
    needed = sorted({c for k in keys for c in cfg.outcomes[k].covariates}, key=list(cfg.covariates).index)
    coded = code_covariates(data, needed, cfg)
    out: dict[str, Any] = {
        "home_region": region,
        "years": sorted(int(y) for y in pd.unique(data["year"])),
        "population": cfg.population_label,
        "min_cell": limit,
        "outcomes": {},
        "unavailable": {},
    }
    analyses: dict[str, OutcomeAnalysis] = {}
    for key in keys:
        spec = cfg.outcomes[key]
        try:
            res = analyse_outcome(data, key, region, cfg, coded, n_boot=n_boot, seed=seed)
        except OutcomeUnavailable as exc:
            out["unavailable"][key] = f"missing column or no data: {exc.args[0]}"
            continue
        analyses[key] = res
        regions: dict[str, dict[str, Any]] = {}
        hide, hide_n = region_suppression(res.oe, limit)  # own small counts, and complements of a visible total
        for i, row in enumerate(res.oe.itertuples(index=False)):
            small = bool(hide[i])
            entry: dict[str, Any] = {
                "n": None if hide_n[i] else int(row.n),
                "observed": None if small else int(row.observed),
                "expected": None if small else plain(row.expected),
                "oe": None if small else plain(row.oe),
                "oe_low": None if small else plain(row.oe_low),
                "oe_high": None if small else plain(row.oe_high),
                "suppressed": bool(small),
            }
            if row.region == region:
                d = res.decomposition
                for part in ("gap", "casemix_part", "practice_part"):
                    for suffix in ("", "_low", "_high"):
                        entry[part + suffix] = None if small else plain(getattr(d, part + suffix))
                entry["mc_error"] = None if small else {k: plain(v) for k, v in d.mc_error.items()}
                entry["verdict"] = None if small else judge_funnel(key, res.funnel, region).as_dict()
            regions[str(row.region)] = entry
        stats_ = res.summary.statistics
        home_entry = regions.get(region)
        practice = None
        if home_entry is not None and not home_entry["suppressed"]:
            practice = {k: plain(v) for k, v in res.practice.as_dict().items()}
        out["outcomes"][key] = {
            "label_en": spec.label_en,
            "label_sv": spec.label_sv,
            "denominator": spec.denominator_label,
            "covariates": list(res.prepared.covariates),
            "absent_covariates": list(res.prepared.absent),
            "birthweight_adjusted": spec.birthweight,
            "missing_category": {k: int(v) for k, v in res.prepared.missing.items()},
            "excluded_missing_outcome": res.prepared.n_outcome_missing,
            "excluded_missing_denominator_rule": res.prepared.n_rule_missing,
            "national": {
                "n": res.prepared.n,
                "observed": res.prepared.events,
                "rate": plain(res.prepared.national_rate),
            },
            "regions": regions,
            "practice_effect": practice,
            "overdispersion": {k: plain(v) for k, v in res.funnel.dispersion.as_dict().items()},
            "variance": res.funnel.variance,
            "model": {
                "n": stats_["n"],
                "events": stats_["events"],
                "n_patterns": stats_["n_patterns"],
                "auc": plain(stats_["auc"]),
                "hosmer_lemeshow_p": plain(stats_["hosmer_lemeshow_p"]),
                "converged": stats_["converged"],
            },
            "n_boot": res.decomposition.n_boot,
        }
    if "pph_1000" in analyses and not out["outcomes"]["pph_1000"]["regions"].get(region, {}).get("suppressed", True):
        out["secondary"] = secondary_results(data, region, cfg, coded)
    return NulliparaAnalysis(results=out, analyses=analyses)


def nullipara_results(
    births: pd.DataFrame,
    region: str = HOME_REGION,
    years: Sequence[int] | None = None,
    outcomes: Sequence[str] | None = None,
    n_boot: int | None = None,
    seed: int = 20240601,
    config: OutcomeConfig | None = None,
    min_cell: int | None = None,
) -> dict[str, Any]:
    """Results structure for ``_build/results/nullipara.json`` only (``nullipara_analysis(...).results``)."""
    return nullipara_analysis(births, region, years, outcomes, n_boot, seed, config, min_cell).results
