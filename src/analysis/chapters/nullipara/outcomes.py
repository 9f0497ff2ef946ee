"""Outcome definitions and covariate coding rules from ``data/outcomes.yml``, and the rows each outcome counts.

Missing covariate values are coded as an explicit "missing" level; an absent
optional column leaves its covariate out of the model and is reported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from analysis.common.paths import PACKAGE_DATA

CONFIG_PATH = PACKAGE_DATA / "outcomes.yml"
OUTCOME_KEYS: tuple[str, ...] = ("emergency_cs", "planned_cs", "instrumental", "oasis", "pph_1000", "induction")
DEFAULT_STRATA: tuple[str, ...] = ("age_class", "bmi_class", "smoking")
_OPS = frozenset({"eq", "ne", "in", "not_in", "ge", "gt", "le", "lt", "is_true"})
_KINDS = frozenset({"bins", "boolean", "categorical"})
BIRTHWEIGHT_COVARIATE = "birthweight_class"


class OutcomeUnavailable(KeyError):
    """The data lack a column the outcome's numerator or denominator needs."""


# --------------------------------------------------------------------------- config


@dataclass(frozen=True)
class Condition:
    """One rule clause ``column op value``; a missing value never satisfies it."""

    column: str
    op: str
    value: Any = None


@dataclass(frozen=True)
class CovariateSpec:
    """How one pre-labour factor is classed; ``labels`` in natural order, reference listed separately."""

    name: str
    source: str
    kind: str
    labels: tuple[str, ...]
    reference: str
    breaks: tuple[float, ...] = ()
    label: str = ""

    def levels(self, missing_label: str) -> tuple[str, ...]:
        """Model level order: reference first (dropped from the design), others, then missing."""
        others = tuple(x for x in self.labels if x != self.reference)
        return (self.reference, *others, missing_label)


@dataclass(frozen=True)
class OutcomeSpec:
    key: str
    label_en: str
    label_sv: str
    numerator: tuple[Condition, ...]
    denominator: tuple[Condition, ...]
    denominator_label: str
    covariates: tuple[str, ...]
    birthweight: bool


@dataclass(frozen=True)
class OutcomeConfig:
    description: str
    population: tuple[Condition, ...]
    population_label: str
    missing_label: str
    covariates: Mapping[str, CovariateSpec]
    outcomes: Mapping[str, OutcomeSpec]
    forbidden: frozenset[str] = field(default_factory=frozenset)


def _conditions(raw: Any, where: str) -> tuple[Condition, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ValueError(f"outcomes config: {where} must be a list of conditions")
    out = []
    for item in raw:
        if not isinstance(item, dict) or "column" not in item or "op" not in item:
            raise ValueError(f"outcomes config: {where}: each condition needs 'column' and 'op' ({item!r})")
        op = item["op"]
        if op not in _OPS:
            raise ValueError(f"outcomes config: {where}: unknown op {op!r}; allowed {sorted(_OPS)}")
        value = item.get("value")
        if op in ("in", "not_in") and not isinstance(value, list):
            raise ValueError(f"outcomes config: {where}: op {op!r} needs a list value")
        if op in ("ge", "gt", "le", "lt") and not isinstance(value, (int, float)):
            raise ValueError(f"outcomes config: {where}: op {op!r} needs a number")
        if op in ("eq", "ne") and value is None:
            raise ValueError(f"outcomes config: {where}: op {op!r} needs a value")
        out.append(Condition(str(item["column"]), op, tuple(value) if isinstance(value, list) else value))
    return tuple(out)


def _covariate(name: str, raw: Mapping[str, Any], missing_label: str) -> CovariateSpec:
    kind = raw.get("kind")
    if kind not in _KINDS:
        raise ValueError(f"outcomes config: covariate {name}: kind must be one of {sorted(_KINDS)}")
    labels = tuple(str(x) for x in raw.get("labels", []))
    reference = str(raw.get("reference"))
    if len(set(labels)) != len(labels) or not labels:
        raise ValueError(f"outcomes config: covariate {name}: labels must be unique and non-empty")
    if reference not in labels:
        raise ValueError(f"outcomes config: covariate {name}: reference {reference!r} not among labels")
    if missing_label in labels:
        raise ValueError(f"outcomes config: covariate {name}: {missing_label!r} is reserved for missing values")
    breaks: tuple[float, ...] = ()
    if kind == "bins":
        breaks = tuple(float(b) for b in raw.get("breaks", []))
        if len(breaks) + 1 != len(labels) or list(breaks) != sorted(set(breaks)):
            raise ValueError(f"outcomes config: covariate {name}: need increasing breaks, one fewer than labels")
    if kind == "boolean" and len(labels) != 2:
        raise ValueError(f"outcomes config: covariate {name}: boolean needs two labels (false, true)")
    return CovariateSpec(name, str(raw.get("source", name)), kind, labels, reference, breaks, str(raw.get("label", "")))


def _parse_config(raw: Mapping[str, Any]) -> OutcomeConfig:
    missing_label = str(raw.get("missing_label", "missing"))
    covariates = {name: _covariate(name, spec, missing_label) for name, spec in raw["covariates"].items()}
    forbidden = frozenset(str(x) for x in raw.get("forbidden_covariates", []))
    for name, spec in covariates.items():
        if spec.source in forbidden or name in forbidden:
            raise ValueError(f"outcomes config: covariate {name} uses a care-process variable ({spec.source})")
    outcomes_raw = raw.get("outcomes") or {}
    if tuple(sorted(outcomes_raw)) != tuple(sorted(OUTCOME_KEYS)):
        raise ValueError(f"outcomes config: outcome keys must be exactly {list(OUTCOME_KEYS)}, got {list(outcomes_raw)}")
    outcomes: dict[str, OutcomeSpec] = {}
    for key in OUTCOME_KEYS:
        spec = outcomes_raw[key]
        covs = [str(c) for c in spec.get("covariates", [])]
        for c in covs:
            if c in forbidden:
                raise ValueError(f"outcomes config: {key}: {c!r} is a care-process variable on the causal path")
            if c not in covariates:
                raise ValueError(f"outcomes config: {key}: unknown covariate {c!r}")
        if BIRTHWEIGHT_COVARIATE in covs:
            raise ValueError(f"outcomes config: {key}: include birthweight with 'birthweight: true', not in covariates")
        birthweight = bool(spec.get("birthweight", False))
        if birthweight:
            covs.append(BIRTHWEIGHT_COVARIATE)
        for part in ("label_en", "label_sv", "denominator_label"):
            if not spec.get(part):
                raise ValueError(f"outcomes config: {key}: missing {part}")
        numerator = _conditions(spec.get("numerator"), f"{key}.numerator")
        if not numerator:
            raise ValueError(f"outcomes config: {key}: empty numerator")
        outcomes[key] = OutcomeSpec(
            key=key,
            label_en=str(spec["label_en"]),
            label_sv=str(spec["label_sv"]),
            numerator=numerator,
            denominator=_conditions(spec.get("denominator"), f"{key}.denominator"),
            denominator_label=str(spec["denominator_label"]),
            covariates=tuple(covs),
            birthweight=birthweight,
        )
    population = raw.get("population") or {}
    return OutcomeConfig(
        description=" ".join(str(raw.get("description", "")).split()),
        population=_conditions(population.get("rule"), "population.rule"),
        population_label=str(population.get("label", "")),
        missing_label=missing_label,
        covariates=covariates,
        outcomes=outcomes,
        forbidden=forbidden,
    )


@lru_cache(maxsize=4)
def _load_cached(path: str) -> OutcomeConfig:
    with open(path, encoding="utf-8") as handle:
        return _parse_config(yaml.safe_load(handle))


def load_outcome_config(path: str | Path | None = None) -> OutcomeConfig:
    """Parse and validate the outcome/covariate config (cached per path)."""
    return _load_cached(str(Path(path) if path is not None else CONFIG_PATH))


def resolve_config(config: OutcomeConfig | None) -> OutcomeConfig:
    return config if config is not None else load_outcome_config()


# --------------------------------------------------------------------------- outcome rows


def _evaluate(births: pd.DataFrame, cond: Condition) -> tuple[np.ndarray, np.ndarray]:
    """(satisfied, known) per row; a row with the column missing is unknown, never satisfied."""
    if cond.column not in births.columns:
        raise OutcomeUnavailable(cond.column)
    series = births[cond.column]
    known = series.notna().to_numpy()
    op, value = cond.op, cond.value
    if op == "is_true":
        result = series.astype("boolean") == True  # noqa: E712 - nullable comparison keeps NA
    elif op == "eq":
        result = series == value
    elif op == "ne":
        result = series != value
    elif op == "in":
        result = series.isin(list(value))
    elif op == "not_in":
        result = ~series.isin(list(value))
    else:
        numeric = pd.to_numeric(series, errors="coerce")
        result = {"ge": numeric >= value, "gt": numeric > value, "le": numeric <= value, "lt": numeric < value}[op]
    satisfied = pd.Series(result).astype("boolean").fillna(False).to_numpy(dtype=bool) & known
    return satisfied, known


def _all(births: pd.DataFrame, conds: Sequence[Condition]) -> tuple[np.ndarray, np.ndarray]:
    ok = np.ones(len(births), dtype=bool)
    known = np.ones(len(births), dtype=bool)
    for cond in conds:
        s, k = _evaluate(births, cond)
        ok &= s
        known &= k
    return ok, known


@dataclass(frozen=True)
class OutcomeRows:
    """Which deliveries count for an outcome, and how many left because of missing values."""

    key: str
    in_denominator: np.ndarray
    event: np.ndarray
    n_population: int
    n_rule_missing: int
    n_outcome_missing: int

    @property
    def n(self) -> int:
        return int(self.in_denominator.sum())

    @property
    def events(self) -> int:
        return int(self.event[self.in_denominator].sum())


def outcome_rows(births: pd.DataFrame, outcome: str, config: OutcomeConfig | None = None) -> OutcomeRows:
    """Denominator and event flags for one outcome among the population (nulliparous).

    Raises ``OutcomeUnavailable`` when a needed column is absent from the data.
    """
    cfg = resolve_config(config)
    spec = cfg.outcomes[outcome]
    population, _ = _all(births, cfg.population)
    rule_ok, rule_known = _all(births, spec.denominator)
    num_ok, num_known = _all(births, spec.numerator)
    in_den = population & rule_ok & num_known
    return OutcomeRows(
        key=outcome,
        in_denominator=in_den,
        event=num_ok & in_den,
        n_population=int(population.sum()),
        n_rule_missing=int((population & ~rule_known).sum()),
        n_outcome_missing=int((population & rule_ok & ~num_known).sum()),
    )
