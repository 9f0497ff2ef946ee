"""The risk-factor configuration (``data/risk_factors.yml``): a small rule language, validated on load.

An analyst may edit the file; a typo in a column, operator or category stops the build with
the file and the factor key named (``RiskConfigError``). Labels shown in the book (factor
labels, the no-risk label, category labels and the page's short labels) are read from the
file; Python holds no Swedish label.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from analysis.common.config import ConfigError, read_yaml
from analysis.common.paths import PACKAGE_DATA

CONFIG_PATH = PACKAGE_DATA / "risk_factors.yml"
NO_RISK_KEY = "no_risk_factor"

# Column kinds of the data contract: they decide which operators a rule may use.
NUMERIC_COLUMNS = frozenset(
    {
        "year",
        "parity",
        "maternal_age",
        "plurality",
        "gestational_weeks",
        "bmi",
        "height_cm",
        "birthweight_g",
        "pph_ml",
        "los_hours",
    }
)
BOOLEAN_COLUMNS = frozenset({"previous_cs", "smoking", "diabetes", "hypertension", "oasis"})
FIXED_CATEGORIES: dict[str, frozenset[str]] = {
    "country_of_birth": frozenset({"sweden", "nordic", "europe", "outside_europe"}),
    "education": frozenset({"compulsory", "upper_secondary", "tertiary"}),
}
FREE_CATEGORICAL_COLUMNS = frozenset({"region", "municipality", "presentation", "onset", "mode", "delivery_id", "delivery_unit"})
KNOWN_COLUMNS = NUMERIC_COLUMNS | BOOLEAN_COLUMNS | set(FIXED_CATEGORIES) | FREE_CATEGORICAL_COLUMNS

COMPARISON_OPS = {
    "lt": np.less,
    "le": np.less_equal,
    "gt": np.greater,
    "ge": np.greater_equal,
    "eq": np.equal,
    "ne": np.not_equal,
}
SET_OPS = frozenset({"in", "not_in"})
BOOLEAN_OPS = frozenset({"is_true", "is_false"})
COMBINATORS = frozenset({"all", "any"})
ALL_OPS = frozenset(COMPARISON_OPS) | SET_OPS | BOOLEAN_OPS

TRUTH_VALUES = {
    "true": True,
    "false": False,
    "1": True,
    "0": False,
    "yes": True,
    "no": False,
    "ja": True,
    "nej": False,
    "1.0": True,
    "0.0": False,
}

Years = int | Iterable[int] | None


class RiskConfigError(ConfigError):
    """A risk-factor configuration that cannot be used; the message names file and key."""


@dataclass(frozen=True)
class Rule:
    """One node of the rule language: a comparison on a column, or ``all``/``any`` of rules."""

    op: str
    column: str | None = None
    value: Any = None
    rules: tuple[Rule, ...] = ()

    def columns(self) -> set[str]:
        if self.op in COMBINATORS:
            return set().union(*(r.columns() for r in self.rules))
        return {str(self.column)}


@dataclass(frozen=True)
class Factor:
    key: str
    label_sv: str
    label_en: str
    rule: Rule
    requires: tuple[str, ...]


@dataclass(frozen=True)
class Category:
    """A labelled category; ``lower``/``upper`` (inclusive/exclusive, None = open) for bands."""

    key: str
    label_sv: str
    label_en: str
    lower: float | None = None
    upper: float | None = None


@dataclass(frozen=True)
class StratifiedView:
    """One stratified chart of the page: the column to split by, its label and the factors shown."""

    by: str
    label_sv: str
    factors: tuple[str, ...]


@dataclass(frozen=True)
class PageSettings:
    """What the chapter page shows, and the short labels it uses where a factor label is too long."""

    headline: tuple[str, ...] = ()
    standardised: tuple[str, ...] = ()
    maps: tuple[str, ...] = ()
    short_labels_sv: Mapping[str, str] = field(default_factory=dict)
    sentence_labels_sv: Mapping[str, str] = field(default_factory=dict)
    stratified: tuple[StratifiedView, ...] = ()


@dataclass(frozen=True)
class RiskConfig:
    """The validated contents of ``risk_factors.yml``."""

    factors: tuple[Factor, ...]
    no_risk_factors: tuple[str, ...]
    no_risk_description_sv: str
    no_risk_description_en: str
    age_groups: tuple[Category, ...]
    parity_groups: tuple[Category, ...]
    categories: Mapping[str, tuple[Category, ...]] = field(default_factory=dict)
    published_indicators: tuple[Category, ...] = ()
    source: str = "<dict>"
    nation_label_sv: str = "nation"
    no_risk_label_sv: str = NO_RISK_KEY
    no_risk_label_en: str = NO_RISK_KEY
    other_label_sv: str = "other"
    other_label_en: str = "other"
    page: PageSettings = field(default_factory=PageSettings)

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.factors]

    def factor(self, key: str) -> Factor:
        for f in self.factors:
            if f.key == key:
                return f
        raise KeyError(f"{self.source}: unknown factor {key!r}; known: {', '.join(self.keys)}")

    def label_sv(self, key: str) -> str:
        """The Swedish label of a factor or of the no-risk share."""
        return self.no_risk_label_sv if key == NO_RISK_KEY else self.factor(key).label_sv

    def short_label_sv(self, key: str) -> str:
        """The page's short label (charts, map titles), the full label when none is configured."""
        return self.page.short_labels_sv.get(key, self.label_sv(key))

    def sentence_label_sv(self, key: str) -> str:
        """The label that opens a sentence in the text, the full label when none is configured."""
        return self.page.sentence_labels_sv.get(key, self.label_sv(key))

    def with_no_risk_factors(
        self, factors: Sequence[str], description_sv: str | None = None, description_en: str | None = None
    ) -> RiskConfig:
        """A copy with another no-risk definition, so a notebook can show a sensitivity analysis."""
        unknown = [k for k in factors if k not in self.keys]
        if unknown:
            raise RiskConfigError(f"{self.source}: no_risk_factor: unknown factor(s) {unknown}")
        if not factors:
            raise RiskConfigError(f"{self.source}: no_risk_factor: at least one factor is needed")
        return replace(
            self,
            no_risk_factors=tuple(factors),
            no_risk_description_sv=description_sv or self.no_risk_description_sv,
            no_risk_description_en=description_en or self.no_risk_description_en,
        )


def load_config(path: str | Path | None = None) -> RiskConfig:
    """Read and validate the risk-factor file (the packaged one by default)."""
    file = Path(path) if path is not None else CONFIG_PATH
    try:
        data = read_yaml(file)
    except ConfigError as exc:
        raise RiskConfigError(str(exc)) from exc
    return parse_config(data, source=file.name)


def parse_config(data: Any, source: str = "<dict>") -> RiskConfig:
    """Validate a parsed configuration mapping; every error names ``source`` and the key."""
    if not isinstance(data, Mapping):
        raise RiskConfigError(f"{source}: top level must be a mapping")
    raw_factors = data.get("factors")
    if not isinstance(raw_factors, list) or not raw_factors:
        raise RiskConfigError(f"{source}: 'factors' must be a non-empty list")
    factors: list[Factor] = []
    seen: set[str] = set()
    for i, item in enumerate(raw_factors):
        if not isinstance(item, Mapping) or "key" not in item:
            raise RiskConfigError(f"{source}: factor #{i + 1} has no 'key'")
        key = str(item["key"])
        where = f"{source}: factor {key!r}"
        if key in seen:
            raise RiskConfigError(f"{where}: duplicate key")
        if key == NO_RISK_KEY:
            raise RiskConfigError(f"{where}: the key {NO_RISK_KEY!r} is reserved")
        seen.add(key)
        for label in ("label_sv", "label_en"):
            if not isinstance(item.get(label), str) or not item[label].strip():
                raise RiskConfigError(f"{where}: missing {label}")
        rule = _parse_rule(item.get("rule"), where)
        requires = item.get("requires")
        if not isinstance(requires, list) or not requires:
            raise RiskConfigError(f"{where}: 'requires' must list the column(s) the rule reads")
        unknown = [c for c in requires if c not in KNOWN_COLUMNS]
        if unknown:
            raise RiskConfigError(f"{where}: unknown column(s) in requires: {unknown}")
        if set(requires) != rule.columns():
            raise RiskConfigError(
                f"{where}: requires {sorted(requires)} does not match the rule's columns {sorted(rule.columns())}"
            )
        factors.append(Factor(key, item["label_sv"], item["label_en"], rule, tuple(requires)))

    nr = data.get("no_risk_factor")
    if not isinstance(nr, Mapping):
        raise RiskConfigError(f"{source}: 'no_risk_factor' section is missing")
    nr_keys = nr.get("factors")
    if not isinstance(nr_keys, list) or not nr_keys:
        raise RiskConfigError(f"{source}: no_risk_factor: 'factors' must be a non-empty list")
    unknown_nr = [k for k in nr_keys if k not in seen]
    if unknown_nr:
        raise RiskConfigError(f"{source}: no_risk_factor: unknown factor(s) {unknown_nr}")
    if len(set(nr_keys)) != len(nr_keys):
        raise RiskConfigError(f"{source}: no_risk_factor: a factor is listed twice")
    desc_sv = nr.get("description_sv")
    if not isinstance(desc_sv, str) or not desc_sv.strip():
        raise RiskConfigError(f"{source}: no_risk_factor: 'description_sv' is required (the book prints it)")

    other = data.get("other_combinations") or {}
    if not isinstance(other, Mapping):
        raise RiskConfigError(f"{source}: 'other_combinations' must be a mapping with label_sv and label_en")
    categories = {
        str(col): _parse_categories(items, f"{source}: categories.{col}") for col, items in (data.get("categories") or {}).items()
    }
    for col, cats in categories.items():
        allowed = FIXED_CATEGORIES.get(col)
        if allowed is not None and {c.key for c in cats} - allowed:
            raise RiskConfigError(f"{source}: categories.{col}: unknown value(s) {sorted({c.key for c in cats} - allowed)}")
    return RiskConfig(
        factors=tuple(factors),
        no_risk_factors=tuple(str(k) for k in nr_keys),
        no_risk_description_sv=" ".join(desc_sv.split()),
        no_risk_description_en=" ".join(str(nr.get("description_en", "")).split()),
        age_groups=_parse_bands(data.get("age_groups"), f"{source}: age_groups"),
        parity_groups=_parse_bands(data.get("parity_groups"), f"{source}: parity_groups"),
        categories=categories,
        published_indicators=_parse_categories(data.get("published_indicators") or [], f"{source}: published_indicators"),
        source=source,
        nation_label_sv=str(data.get("nation_label_sv", "nation")),
        no_risk_label_sv=str(nr.get("label_sv", NO_RISK_KEY)),
        no_risk_label_en=str(nr.get("label_en", NO_RISK_KEY)),
        other_label_sv=str(other.get("label_sv", "other")),
        other_label_en=str(other.get("label_en", "other")),
        page=_parse_page(data.get("page"), seen, f"{source}: page"),
    )


def _parse_rule(raw: Any, where: str) -> Rule:
    if not isinstance(raw, Mapping):
        raise RiskConfigError(f"{where}: 'rule' must be a mapping")
    combos = [k for k in raw if k in COMBINATORS]
    if combos:
        if len(raw) != 1 or not isinstance(raw[combos[0]], list) or not raw[combos[0]]:
            raise RiskConfigError(f"{where}: '{combos[0]}' must be the only key and hold a non-empty list")
        return Rule(op=combos[0], rules=tuple(_parse_rule(r, where) for r in raw[combos[0]]))
    extra = set(raw) - {"column", "op", "value"}
    if extra:
        raise RiskConfigError(f"{where}: unknown rule key(s) {sorted(extra)}")
    column, op, value = raw.get("column"), raw.get("op"), raw.get("value")
    if column not in KNOWN_COLUMNS:
        raise RiskConfigError(f"{where}: unknown column {column!r} (allowed: {', '.join(sorted(KNOWN_COLUMNS))})")
    if op not in ALL_OPS:
        raise RiskConfigError(f"{where}: unknown operator {op!r} (allowed: {', '.join(sorted(ALL_OPS))})")
    if op in COMPARISON_OPS:
        if column not in NUMERIC_COLUMNS:
            raise RiskConfigError(f"{where}: operator {op!r} needs a numeric column, {column!r} is not")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise RiskConfigError(f"{where}: operator {op!r} needs a numeric value, got {value!r}")
    elif op in SET_OPS:
        if column in BOOLEAN_COLUMNS:
            raise RiskConfigError(f"{where}: use is_true/is_false for boolean column {column!r}")
        if not isinstance(value, list) or not value:
            raise RiskConfigError(f"{where}: operator {op!r} needs a non-empty list value")
        allowed = FIXED_CATEGORIES.get(str(column))
        if allowed is not None and {str(v) for v in value} - allowed:
            raise RiskConfigError(
                f"{where}: unknown {column} value(s) {sorted({str(v) for v in value} - allowed)} "
                f"(allowed: {', '.join(sorted(allowed))})"
            )
        value = tuple(value)
    else:
        if column not in BOOLEAN_COLUMNS:
            raise RiskConfigError(f"{where}: operator {op!r} needs a boolean column, {column!r} is not")
        if value is not None:
            raise RiskConfigError(f"{where}: operator {op!r} takes no value")
    return Rule(op=str(op), column=str(column), value=value)


def _parse_categories(items: Any, where: str) -> tuple[Category, ...]:
    if not isinstance(items, list):
        raise RiskConfigError(f"{where}: must be a list")
    out: list[Category] = []
    for item in items:
        if not isinstance(item, Mapping) or "key" not in item:
            raise RiskConfigError(f"{where}: every entry needs a 'key'")
        key = str(item["key"])
        if key in {c.key for c in out}:
            raise RiskConfigError(f"{where}: duplicate key {key!r}")
        lower, upper = item.get("lower"), item.get("upper")
        out.append(
            Category(
                key,
                str(item.get("label_sv", key)),
                str(item.get("label_en", key)),
                None if lower is None else float(lower),
                None if upper is None else float(upper),
            )
        )
    return tuple(out)


def _parse_bands(items: Any, where: str) -> tuple[Category, ...]:
    """Bands must be ordered, contiguous and open-ended at the top so every value has a group."""
    bands = _parse_categories(items, where)
    if not bands:
        raise RiskConfigError(f"{where}: at least one band is needed")
    for a, b in pairwise(bands):
        if a.upper is None or b.lower is None or a.upper != b.lower:
            raise RiskConfigError(f"{where}: band {a.key!r} must end where {b.key!r} starts")
    if bands[-1].upper is not None:
        raise RiskConfigError(f"{where}: the last band {bands[-1].key!r} must be open (upper: null)")
    return bands


def _keys(raw: Any, known: set[str], where: str) -> tuple[str, ...]:
    """A list of factor keys (the no-risk key allowed), each checked against the factors."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise RiskConfigError(f"{where}: must be a list of factor keys")
    unknown = [k for k in raw if k not in known | {NO_RISK_KEY}]
    if unknown:
        raise RiskConfigError(f"{where}: unknown factor(s) {unknown}")
    return tuple(str(k) for k in raw)


def _labels(raw: Any, known: set[str], where: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise RiskConfigError(f"{where}: must map factor keys to labels")
    _keys(list(raw), known, where)
    return {str(k): str(v) for k, v in raw.items()}


def _parse_page(raw: Any, known: set[str], where: str) -> PageSettings:
    """The optional ``page`` section: which factors the chapter page shows, and its short labels."""
    if raw is None:
        return PageSettings()
    if not isinstance(raw, Mapping):
        raise RiskConfigError(f"{where}: must be a mapping")
    views = []
    for i, item in enumerate(raw.get("stratified") or []):
        if not isinstance(item, Mapping) or "by" not in item:
            raise RiskConfigError(f"{where}.stratified #{i + 1}: needs 'by', 'label_sv' and 'factors'")
        views.append(
            StratifiedView(
                str(item["by"]),
                str(item.get("label_sv", item["by"])),
                _keys(item.get("factors"), known, f"{where}.stratified.{item['by']}"),
            )
        )
    return PageSettings(
        headline=_keys(raw.get("headline"), known, f"{where}.headline"),
        standardised=_keys(raw.get("standardised"), known, f"{where}.standardised"),
        maps=_keys(raw.get("maps"), known, f"{where}.maps"),
        short_labels_sv=_labels(raw.get("short_labels_sv"), known, f"{where}.short_labels_sv"),
        sentence_labels_sv=_labels(raw.get("sentence_labels_sv"), known, f"{where}.sentence_labels_sv"),
        stratified=tuple(views),
    )
