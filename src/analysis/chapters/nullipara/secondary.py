"""Labelled secondary analyses: an outcome's O/E also adjusted for care-process variables (``outcomes.yml``).

The primary O/E adjusts for pre-labour factors only and so measures the region's total effect, its
intervention practice included. A secondary analysis adds covariates on the causal path (mode of
delivery, onset of labour for PPH): the remaining O/E is the part of the difference not carried by
those choices. Judged by the same rule (``verdicts``) and reported beside, never instead of, the primary.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import yaml

from analysis.chapters.nullipara.funnel import ratio_funnel
from analysis.chapters.nullipara.model import CodedCovariates, code_covariates, fit_national, prepare_outcome
from analysis.chapters.nullipara.oe import observed_expected, variance_kind
from analysis.chapters.nullipara.outcomes import CONFIG_PATH, OutcomeConfig, _covariate, resolve_config
from analysis.chapters.nullipara.verdicts import judge_funnel
from analysis.common.results import plain


@dataclass(frozen=True)
class SecondarySpec:
    key: str
    outcome: str
    also_adjusted_for: tuple[str, ...]
    label_en: str


@lru_cache(maxsize=2)
def _raw(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return dict(yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))  # libyaml: ~10x faster


def secondary_specs(path: str = str(CONFIG_PATH)) -> tuple[SecondarySpec, ...]:
    raw = _raw(path).get("secondary_analyses") or {}
    return tuple(
        SecondarySpec(k, str(v["outcome"]), tuple(str(c) for c in v["also_adjusted_for"]), str(v.get("label_en", k)))
        for k, v in raw.items()
    )


def secondary_config(spec: SecondarySpec, config: OutcomeConfig | None = None, path: str = str(CONFIG_PATH)) -> OutcomeConfig:
    """The chapter's config with the care-process covariates added to one outcome's model."""
    cfg = resolve_config(config)
    raw = _raw(path).get("secondary_covariates") or {}
    extra = {name: _covariate(name, raw[name], cfg.missing_label) for name in spec.also_adjusted_for}
    outcome = cfg.outcomes[spec.outcome]
    covs = (*outcome.covariates, *spec.also_adjusted_for)
    return replace(
        cfg, covariates={**cfg.covariates, **extra}, outcomes={**cfg.outcomes, spec.outcome: replace(outcome, covariates=covs)}
    )


def _with_extra(coded: CodedCovariates, births: pd.DataFrame, wanted: tuple[str, ...], cfg: OutcomeConfig) -> CodedCovariates:
    """``coded`` (covariates already coded from ``births``) with those of ``wanted`` it lacks coded and added."""
    new = code_covariates(births, [c for c in wanted if c not in coded.codes and c not in coded.absent], cfg)
    return CodedCovariates(
        codes={**coded.codes, **new.codes},
        levels={**coded.levels, **new.levels},
        covariates=(*coded.covariates, *new.covariates),
        absent=(*coded.absent, *new.absent),
        missing={**coded.missing, **new.missing},
        missing_label=coded.missing_label,
        _groups=coded._groups,  # the same frame: its region codes are shared too
    )


def secondary_results(
    births: pd.DataFrame, region: str, config: OutcomeConfig | None = None, coded: CodedCovariates | None = None
) -> dict[str, Any]:
    """Per secondary analysis: the home region's O/E with its interval and verdict (plain JSON).

    ``coded``: the primary covariates already coded from this very ``births`` frame (only the extra ones are coded).
    """
    out: dict[str, Any] = {}
    for spec in secondary_specs():
        cfg = secondary_config(spec, config)
        both = None if coded is None else _with_extra(coded, births, cfg.outcomes[spec.outcome].covariates, cfg)
        prepared = prepare_outcome(births, spec.outcome, cfg, both)
        with np.errstate(divide="ignore", invalid="ignore"):  # regions with a vanishing expected count, dropped next
            oe = observed_expected(prepared, fit_national(prepared))
        oe = oe[oe["expected"] > 1e-6]  # a region whose expected count vanishes (separation) has no funnel place
        if region not in set(oe["region"].astype(str)) or len(oe) < 3:
            continue
        funnel = ratio_funnel(oe, highlight=region, variance=variance_kind(prepared.national_rate))
        row = oe.set_index("region").loc[region]
        out[spec.key] = {
            "outcome": spec.outcome,
            "label_en": spec.label_en,
            "also_adjusted_for": list(spec.also_adjusted_for),
            "observed": int(row["observed"]),
            "expected": plain(row["expected"]),
            "oe": plain(row["oe"]),
            "oe_low": plain(row["oe_low"]),
            "oe_high": plain(row["oe_high"]),
            "verdict": judge_funnel(spec.outcome, funnel, region).as_dict(),
        }
    return out
