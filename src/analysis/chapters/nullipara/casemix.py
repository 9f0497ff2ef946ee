"""Case-mix adjustment of first-time mothers' outcomes, NMPA style: the public names in one place.

How much of a region's excess over the nation is case mix and how much is
practice: a national logistic model on pre-labour factors only gives each
region an expected count; observed/expected (O/E) is the practice signal and
(expected rate - national rate) the case-mix part of the gap.

The work is split by step: ``outcomes`` (config and outcome rows), ``model``
(coding, collapsing, GLM), ``oe`` (O/E, crude rates, disclosure), ``decomposition``,
``diagnostics``, ``standardisation`` and ``analysis`` (the chapter's run). This
module re-exports them for scripts and tests that use ``casemix.<name>``.
"""

from __future__ import annotations

from analysis.chapters.nullipara.analysis import (
    NulliparaAnalysis,
    OutcomeAnalysis,
    analyse_outcome,
    nullipara_analysis,
    nullipara_results,
)
from analysis.chapters.nullipara.decomposition import Decomposition, PracticeEffect, decompose, practice_effect
from analysis.chapters.nullipara.diagnostics import (
    ModelSummary,
    auc_from_counts,
    calibration_table,
    hosmer_lemeshow,
    model_summary,
)
from analysis.chapters.nullipara.model import (
    CasemixFit,
    CodedCovariates,
    PreparedOutcome,
    aggregate,
    code_covariates,
    collapse,
    fit_national,
    fit_patterns,
    fit_rows,
    prepare_outcome,
)
from analysis.chapters.nullipara.oe import clopper_pearson, crude_rates, displayable, observed_expected, poisson_ratio_ci
from analysis.chapters.nullipara.outcomes import (
    BIRTHWEIGHT_COVARIATE,
    CONFIG_PATH,
    DEFAULT_STRATA,
    OUTCOME_KEYS,
    Condition,
    CovariateSpec,
    OutcomeConfig,
    OutcomeRows,
    OutcomeSpec,
    OutcomeUnavailable,
    load_outcome_config,
    outcome_rows,
    resolve_config,
)
from analysis.chapters.nullipara.standardisation import (
    IndirectStandardisation,
    indirect_standardise,
    national_reference_rates,
)

__all__ = [
    "BIRTHWEIGHT_COVARIATE",
    "CONFIG_PATH",
    "DEFAULT_STRATA",
    "OUTCOME_KEYS",
    "CasemixFit",
    "CodedCovariates",
    "Condition",
    "CovariateSpec",
    "Decomposition",
    "IndirectStandardisation",
    "ModelSummary",
    "NulliparaAnalysis",
    "OutcomeAnalysis",
    "OutcomeConfig",
    "OutcomeRows",
    "OutcomeSpec",
    "OutcomeUnavailable",
    "PracticeEffect",
    "PreparedOutcome",
    "aggregate",
    "analyse_outcome",
    "auc_from_counts",
    "calibration_table",
    "clopper_pearson",
    "code_covariates",
    "collapse",
    "crude_rates",
    "decompose",
    "displayable",
    "fit_national",
    "fit_patterns",
    "fit_rows",
    "hosmer_lemeshow",
    "indirect_standardise",
    "load_outcome_config",
    "model_summary",
    "national_reference_rates",
    "nullipara_analysis",
    "nullipara_results",
    "observed_expected",
    "outcome_rows",
    "poisson_ratio_ci",
    "practice_effect",
    "prepare_outcome",
    "resolve_config",
]
