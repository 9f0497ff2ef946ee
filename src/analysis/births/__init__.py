"""Births data: the contract, validation and loading, and the calibrated synthetic national cohort.

Every chapter calls :func:`load_births`; the same code runs on a register extract or on the
synthetic file from :func:`synth`.
"""

from analysis.births.calibration import QUALITY_SV, calibration_gaps, calibration_table
from analysis.births.config import covariate_frame, load_config
from analysis.births.contract import CONSISTENCY_RULES, CONTRACT, Column, contract_table
from analysis.births.readers import write_swedish_csv
from analysis.births.synth import SynthResult, generate, parse_years, synth, write
from analysis.births.validate import (
    BirthsValidationError,
    Issue,
    ValidationReport,
    load_births,
    validate,
    validate_frame,
)

__all__ = [
    "CONSISTENCY_RULES",
    "CONTRACT",
    "QUALITY_SV",
    "BirthsValidationError",
    "Column",
    "Issue",
    "SynthResult",
    "ValidationReport",
    "calibration_gaps",
    "calibration_table",
    "contract_table",
    "covariate_frame",
    "generate",
    "load_births",
    "load_config",
    "parse_years",
    "synth",
    "validate",
    "validate_frame",
    "write",
    "write_swedish_csv",
]
