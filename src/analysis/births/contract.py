"""The births data contract: one row per delivery, shared by register extracts and the synthetic cohort.

The contract is data (``data/births_contract.yml``, read into a tuple of :class:`Column`), so the validator,
the loader, the synthetic generator and the book's Swedish appendix all read the same definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from analysis.common.config import ConfigError, read_yaml
from analysis.common.paths import PACKAGE_DATA
from analysis.common.regions import HOME_REGION, region_codes

Kind = Literal["int", "float", "bool", "category", "code", "text"]

#: Text values accepted for a boolean (case-insensitive); Swedish exports use ja/nej.
TRUE_VALUES: frozenset[str] = frozenset({"1", "true", "ja", "j", "yes", "y", "sant", "1.0"})
FALSE_VALUES: frozenset[str] = frozenset({"0", "false", "nej", "n", "no", "falskt", "0.0"})

VAGINAL_MODES: tuple[str, ...] = ("spontaneous_vaginal", "vacuum", "forceps")
CAESAREAN_MODES: tuple[str, ...] = ("planned_cs", "emergency_cs")
INSTRUMENTAL_MODES: tuple[str, ...] = ("vacuum", "forceps")


@dataclass(frozen=True)
class Column:
    """One contract column: what it holds, whether it must be present, and what values are allowed."""

    name: str
    kind: Kind
    required: bool
    description_sv: str
    description_en: str
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    digits: int | None = None  # fixed width of a numeric code ("19", "1980")
    values_required: bool = True  # False: column required but values may be empty (municipality outside home region)

    def allowed_text(self) -> str:
        """What is allowed, in words, for error messages and the appendix."""
        if self.allowed is not None:
            return ", ".join(self.allowed)
        if self.kind == "bool":
            return "0/1, true/false, ja/nej"
        if self.kind == "code":
            return f"{self.digits}-digit code as text"
        if self.minimum is not None or self.maximum is not None:
            lo = "" if self.minimum is None else f"{self.minimum:g}"
            hi = "" if self.maximum is None else f"{self.maximum:g}"
            unit = "integer" if self.kind == "int" else "number"
            return f"{unit} {lo}–{hi}".rstrip("–")
        return "free text"


CONTRACT_FILE = PACKAGE_DATA / "births_contract.yml"
_COLUMN_FIELDS = frozenset(
    {"name", "kind", "required", "description_sv", "description_en", "allowed", "minimum", "maximum", "digits", "values_required"}
)


def _column(raw: Any, where: str) -> Column:
    if not isinstance(raw, dict) or not {"name", "kind", "required", "description_sv", "description_en"} <= set(raw):
        raise ConfigError(f"{where}: needs name, kind, required, description_sv and description_en")
    unknown = set(raw) - _COLUMN_FIELDS
    if unknown:
        raise ConfigError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    if raw["kind"] not in ("int", "float", "bool", "category", "code", "text"):
        raise ConfigError(f"{where}: kind {raw['kind']!r} is not one of int, float, bool, category, code, text")
    allowed = raw.get("allowed")
    if allowed == "region_codes":
        allowed = tuple(region_codes())
    elif allowed is not None:
        allowed = tuple(str(a) for a in allowed)
    return Column(
        name=str(raw["name"]),
        kind=raw["kind"],
        required=bool(raw["required"]),
        description_sv=str(raw["description_sv"]).format(home_region=HOME_REGION),
        description_en=str(raw["description_en"]).format(home_region=HOME_REGION),
        allowed=allowed,
        minimum=raw.get("minimum"),
        maximum=raw.get("maximum"),
        digits=raw.get("digits"),
        values_required=bool(raw.get("values_required", True)),
    )


def _columns() -> tuple[Column, ...]:
    items = read_yaml(CONTRACT_FILE, "columns")
    return tuple(_column(raw, f"{CONTRACT_FILE}: columns[{i}]") for i, raw in enumerate(items))


def _rules() -> tuple[tuple[str, str, str], ...]:
    items = read_yaml(CONTRACT_FILE, "consistency_rules")
    try:
        return tuple((str(r["id"]), str(r["description_sv"]), str(r["description_en"])) for r in items)
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"{CONTRACT_FILE}: consistency_rules: each needs id, description_sv, description_en") from exc


CONTRACT: tuple[Column, ...] = _columns()
COLUMNS: dict[str, Column] = {c.name: c for c in CONTRACT}
REQUIRED: tuple[str, ...] = tuple(c.name for c in CONTRACT if c.required)
OPTIONAL: tuple[str, ...] = tuple(c.name for c in CONTRACT if not c.required)

#: Rules a row must satisfy across columns; the appendix lists them (id, Swedish, English).
CONSISTENCY_RULES: tuple[tuple[str, str, str], ...] = _rules()


def contract_table() -> pd.DataFrame:
    """The contract as a tidy table (one row per column) for the book appendix."""
    rows = [
        {
            "column": c.name,
            "type": c.kind,
            "required": c.required,
            "values_required": c.required and c.values_required,
            "allowed": c.allowed_text(),
            "minimum": c.minimum,
            "maximum": c.maximum,
            "description_sv": c.description_sv,
            "description_en": c.description_en,
        }
        for c in CONTRACT
    ]
    return pd.DataFrame(rows)
