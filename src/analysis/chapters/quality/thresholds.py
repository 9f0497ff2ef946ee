"""The data-quality gate's thresholds, read from ``data/quality_thresholds.yml`` into frozen dataclasses.

A typo (unknown column, operator or page, a share outside 0–1) stops the build with the file and the entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.births.contract import COLUMNS
from analysis.common.config import ConfigError, read_yaml, require
from analysis.common.paths import PACKAGE_DATA

THRESHOLDS_FILE = PACKAGE_DATA / "quality_thresholds.yml"
OPERATORS = ("lt", "le", "gt", "ge")
#: The pages that compare regions and therefore honour the gate.
COMPARISON_PAGES = ("nullipara", "riskmix")


@dataclass(frozen=True)
class Condition:
    column: str
    op: str
    value: float


@dataclass(frozen=True)
class Implausible:
    """A value is implausible when every condition of any one alternative holds."""

    label_sv: str
    alternatives: tuple[tuple[Condition, ...], ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.column for alt in self.alternatives for c in alt))


@dataclass(frozen=True)
class VariableRule:
    column: str
    label_sv: str
    used_by: tuple[str, ...]
    min_complete: float
    max_implausible: float
    implausible: Implausible | None


@dataclass(frozen=True)
class Thresholds:
    variables: tuple[VariableRule, ...]
    min_complete: float  # the defaults (a variable may set its own)
    max_implausible: float
    min_complete_source: str
    max_implausible_source: str
    source_file: str

    def for_page(self, page: str | None) -> tuple[VariableRule, ...]:
        """The variables a page's comparison needs (all of them when ``page`` is None)."""
        return tuple(v for v in self.variables if page is None or page in v.used_by)


def _share(raw: Any, where: str) -> float:
    if not isinstance(raw, int | float) or isinstance(raw, bool) or not 0 <= raw <= 1:
        raise ConfigError(f"{where}: must be a share between 0 and 1, got {raw!r}")
    return float(raw)


def _condition(raw: Any, where: str) -> Condition:
    column, op, value = (require(raw, k, where) for k in ("column", "op", "value"))
    if column not in COLUMNS:
        raise ConfigError(f"{where}: column {column!r} is not in the births contract")
    if COLUMNS[column].kind not in ("int", "float"):
        raise ConfigError(f"{where}: column {column!r} is not numeric")
    if op not in OPERATORS:
        raise ConfigError(f"{where}: op {op!r} is not one of {', '.join(OPERATORS)}")
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ConfigError(f"{where}: value must be a number, got {value!r}")
    return Condition(str(column), str(op), float(value))


def _implausible(raw: Any, where: str) -> Implausible | None:
    if raw is None:
        return None
    alts = require(raw, "any", where)
    if not isinstance(alts, list) or not alts or not all(isinstance(a, list) and a for a in alts):
        raise ConfigError(f"{where}: 'any' must be a non-empty list of non-empty condition lists")
    return Implausible(
        label_sv=str(require(raw, "label_sv", where)),
        alternatives=tuple(
            tuple(_condition(c, f"{where}.any[{i}][{j}]") for j, c in enumerate(alt)) for i, alt in enumerate(alts)
        ),
    )


def _variable(raw: Any, defaults: dict[str, Any], where: str) -> VariableRule:
    column = str(require(raw, "column", where))
    if column not in COLUMNS:
        raise ConfigError(f"{where}: column {column!r} is not in the births contract")
    used_by = tuple(str(p) for p in require(raw, "used_by", where))
    unknown = set(used_by) - set(COMPARISON_PAGES)
    if unknown:
        raise ConfigError(f"{where}: used_by {sorted(unknown)} is not one of {', '.join(COMPARISON_PAGES)}")
    return VariableRule(
        column=column,
        label_sv=str(require(raw, "label_sv", where)),
        used_by=used_by,
        min_complete=_share(raw.get("min_complete", defaults["min_complete"]), f"{where}.min_complete"),
        max_implausible=_share(raw.get("max_implausible", defaults["max_implausible"]), f"{where}.max_implausible"),
        implausible=_implausible(raw.get("implausible"), f"{where}.implausible"),
    )


def load_thresholds(path: str | Path = THRESHOLDS_FILE) -> Thresholds:
    """Read and check the thresholds file."""
    where = str(path)
    defaults = read_yaml(path, "defaults")
    for key in ("min_complete", "max_implausible", "min_complete_source", "max_implausible_source"):
        require(defaults, key, f"{where}: defaults")
    items = read_yaml(path, "variables")
    if not isinstance(items, list) or not items:
        raise ConfigError(f"{where}: variables must be a non-empty list")
    variables = tuple(_variable(raw, defaults, f"{where}: variables[{i}]") for i, raw in enumerate(items))
    seen = [v.column for v in variables]
    if len(set(seen)) != len(seen):
        raise ConfigError(f"{where}: a column is listed twice")
    return Thresholds(
        variables=variables,
        min_complete=_share(defaults["min_complete"], f"{where}: defaults.min_complete"),
        max_implausible=_share(defaults["max_implausible"], f"{where}: defaults.max_implausible"),
        min_complete_source=str(defaults["min_complete_source"]).strip(),
        max_implausible_source=str(defaults["max_implausible_source"]).strip(),
        source_file=where,
    )
