"""The regional risk-factor mix: who is pregnant in a region, compared with the nation.

The region's own report says Västmanland has the lowest share of women starting pregnancy
without risk factors and that this mix may explain poor outcomes. This module turns that
claim into checkable numbers: published MFR rankings, cohort prevalences with confidence
intervals, a configurable no-risk-factor share, direct age/parity standardisation (how much
of the gap is age structure), municipality and origin/education breakdowns.

Every function returns aggregated tables that already passed ``disclosure.suppress``; no
function returns individual rows. Factor definitions live in ``data/risk_factors.yml`` so an
analyst can change them without touching code.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import yaml
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from analysis.common import disclosure
from analysis.common.paths import PACKAGE_DATA
from analysis.common.regions import region_codes, region_name, regions

if TYPE_CHECKING:
    import geopandas as gpd

CONFIG_PATH = PACKAGE_DATA / "risk_factors.yml"
NATION_CODE = "00"
NATION_NAME = "Riket"
NO_RISK_KEY = "no_risk_factor"
NO_RISK_LABEL_SV = "Ingen riskfaktor"
NO_RISK_LABEL_EN = "No risk factor"

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

_TRUTH = {
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

PREVALENCE_COLUMNS = ["n", "cases", "pct", "ci_low", "ci_high", "missing", "suppressed", "status"]


class RiskConfigError(ValueError):
    """A risk-factor configuration that cannot be used; the message names file and key."""


# --------------------------------------------------------------------------- configuration


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

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.factors]

    def factor(self, key: str) -> Factor:
        for f in self.factors:
            if f.key == key:
                return f
        raise KeyError(f"{self.source}: unknown factor {key!r}; known: {', '.join(self.keys)}")

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
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RiskConfigError(f"{file.name}: not valid YAML: {exc}") from exc
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
    for a, b in zip(bands, bands[1:]):
        if a.upper is None or b.lower is None or a.upper != b.lower:
            raise RiskConfigError(f"{where}: band {a.key!r} must end where {b.key!r} starts")
    if bands[-1].upper is not None:
        raise RiskConfigError(f"{where}: the last band {bands[-1].key!r} must be open (upper: null)")
    return bands


# --------------------------------------------------------------------------- rule evaluation


def _numeric(s: pd.Series, column: str) -> pd.Series:
    x = pd.to_numeric(s, errors="coerce")
    bad = x.isna() & s.notna() & (s.astype("string").str.strip() != "")
    if bad.any():
        raise ValueError(f"column {column!r}: non-numeric value(s) {s[bad].unique()[:5].tolist()}")
    return x.astype("float64")


def _boolean(s: pd.Series, column: str) -> pd.Series:
    """Accepts bool, nullable boolean, 0/1 and yes/no text (Swedish or English)."""
    if pd.api.types.is_bool_dtype(s):
        return s.astype("boolean")
    if pd.api.types.is_numeric_dtype(s):
        bad = s.notna() & ~s.isin([0, 1])
        mapped = s.map({1: True, 0: False})
    else:
        text = s.astype("string").str.strip().str.lower()
        mapped = text.map(_TRUTH)
        bad = text.notna() & (text != "") & mapped.isna()
    if bad.any():
        raise ValueError(f"column {column!r}: not a yes/no value: {s[bad].unique()[:5].tolist()}")
    return mapped.astype("boolean")


def _categorical(s: pd.Series, column: str) -> pd.Series:
    text = s.astype("string").str.strip().str.lower()
    text = text.mask(text == "")
    allowed = FIXED_CATEGORIES.get(column)
    if allowed is not None:
        bad = text.notna() & ~text.isin(allowed)
        if bad.any():
            raise ValueError(
                f"column {column!r}: unknown value(s) {text[bad].unique()[:5].tolist()} (allowed: {sorted(allowed)})"
            )
    return text


def _evaluate(rule: Rule, births: pd.DataFrame) -> pd.Series:
    """Kleene three-valued result: NA where the answer depends on a missing value."""
    if rule.op in COMBINATORS:
        parts = [_evaluate(r, births) for r in rule.rules]
        out = parts[0]
        for p in parts[1:]:
            out = (out & p) if rule.op == "all" else (out | p)
        return out
    column = str(rule.column)
    if rule.op in COMPARISON_OPS:
        x = _numeric(births[column], column)
        result = pd.array(COMPARISON_OPS[rule.op](x.to_numpy(), float(rule.value)), dtype="boolean")
        result[x.isna().to_numpy()] = pd.NA
        return pd.Series(result, index=births.index)
    if rule.op in SET_OPS:
        raw = births[column]
        text = _numeric(raw, column) if column in NUMERIC_COLUMNS else _categorical(raw, column)
        values = [float(v) for v in rule.value] if column in NUMERIC_COLUMNS else [str(v) for v in rule.value]
        hit = pd.array(text.isin(values).to_numpy(), dtype="boolean")
        if rule.op == "not_in":
            hit = ~hit
        hit[text.isna().to_numpy()] = pd.NA
        return pd.Series(hit, index=births.index)
    flag = _boolean(births[column], column)
    return flag if rule.op == "is_true" else ~flag


def _all_missing(s: pd.Series) -> bool:
    if s.isna().all():
        return True
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        return False
    return bool((s.astype("string").str.strip().fillna("") == "").all())


def factor_availability(births: pd.DataFrame, config: RiskConfig | None = None) -> pd.DataFrame:
    """Which factors the data can support.

    A needed column that is absent, or present but entirely empty (the births loader adds
    absent optional columns as all-missing), makes the factor unavailable.
    """
    cfg = config or load_config()
    rows = []
    for f in cfg.factors:
        reasons = [
            f"{c} (absent)" if c not in births.columns else f"{c} (all missing)"
            for c in f.requires
            if c not in births.columns or _all_missing(births[c])
        ]
        rows.append(
            {
                "factor": f.key,
                "label_sv": f.label_sv,
                "label_en": f.label_en,
                "available": not reasons,
                "missing_columns": ", ".join(reasons),
            }
        )
    return pd.DataFrame(rows)


def factor_flags(births: pd.DataFrame, config: RiskConfig | None = None) -> pd.DataFrame:
    """One nullable-boolean column per factor (NA = unknown); unavailable factors are all NA."""
    cfg = config or load_config()
    out = {}
    for f in cfg.factors:
        if all(c in births.columns for c in f.requires) and len(births):
            out[f.key] = _evaluate(f.rule, births).astype("boolean")
        else:
            out[f.key] = pd.Series(pd.array([pd.NA] * len(births), dtype="boolean"), index=births.index)
    return pd.DataFrame(out, index=births.index)


def no_risk_definition(births: pd.DataFrame, config: RiskConfig | None = None) -> dict[str, Any]:
    """The definition actually applied: factors the data lacks are dropped and listed, not fatal."""
    cfg = config or load_config()
    avail = factor_availability(births, cfg).set_index("factor")["available"]
    used = [k for k in cfg.no_risk_factors if bool(avail[k])]
    return {
        "factors": used,
        "unavailable": [k for k in cfg.no_risk_factors if not bool(avail[k])],
        "labels_sv": [cfg.factor(k).label_sv for k in used],
        "labels_en": [cfg.factor(k).label_en for k in used],
        "description_sv": cfg.no_risk_description_sv,
        "description_en": cfg.no_risk_description_en,
    }


def no_risk_flag(flags: pd.DataFrame, factors: Sequence[str]) -> pd.Series:
    """True = none of ``factors``; False = at least one known factor; NA = unknown.

    A woman with one known risk factor has a risk factor whatever else is missing, so she
    stays in the denominator; only women with no known factor and some missing are excluded.
    """
    if not factors:
        return pd.Series(pd.array([pd.NA] * len(flags), dtype="boolean"), index=flags.index)
    sub = flags[list(factors)]
    any_true = sub.fillna(False).astype(bool).any(axis=1)
    all_known = sub.notna().all(axis=1)
    out = pd.Series(pd.array([pd.NA] * len(flags), dtype="boolean"), index=flags.index)
    out[any_true] = False
    out[all_known & ~any_true] = True
    return out


def add_strata(births: pd.DataFrame, config: RiskConfig | None = None) -> pd.DataFrame:
    """Add ``age_group`` and ``parity_group`` (ordered categoricals from the config bands)."""
    cfg = config or load_config()
    out = births.copy()
    out["age_group"] = _band(_numeric(births["maternal_age"], "maternal_age"), cfg.age_groups)
    out["parity_group"] = _band(_numeric(births["parity"], "parity"), cfg.parity_groups)
    return out


def _band(x: pd.Series, bands: Sequence[Category]) -> pd.Series:
    edges = [-math.inf if bands[0].lower is None else bands[0].lower] + [math.inf if b.upper is None else b.upper for b in bands]
    return pd.cut(x, bins=edges, right=False, labels=[b.key for b in bands], ordered=True)


# --------------------------------------------------------------------------- selection helpers


def _years(years: Years) -> list[int] | None:
    if years is None:
        return None
    if isinstance(years, (int, np.integer)):
        return [int(years)]
    return sorted({int(y) for y in years})


def _region_code(region: str) -> str:
    code = str(region).zfill(2)
    if code not in region_codes():
        raise ValueError(f"unknown region code {region!r}; allowed: {', '.join(region_codes())}")
    return code


def _select(births: pd.DataFrame, years: Years) -> tuple[pd.DataFrame, pd.Series]:
    """Rows of the chosen years and a normalised 2-digit region code per row."""
    missing = [c for c in ("year", "region") if c not in births.columns]
    if missing:
        raise KeyError(f"births lacks required column(s) {missing}")
    ys = _years(years)
    sel = births if ys is None else births[births["year"].astype(int).isin(ys)]
    if sel.empty:
        raise ValueError(f"no deliveries in the selected years {ys}")
    codes = sel["region"].astype("string").str.strip().str.zfill(2)
    return sel, codes


def _municipality_codes(s: pd.Series) -> pd.Series:
    text = s.astype("string").str.strip()
    text = text.mask(text == "")
    text = text.str.replace(r"\.0$", "", regex=True).str.zfill(4)
    bad = text.notna() & ~text.str.fullmatch(r"\d{4}").fillna(False)
    if bad.any():
        raise ValueError(f"municipality codes must be 4 digits: {text[bad].unique()[:5].tolist()}")
    return text


# --------------------------------------------------------------------------- tabulation


def _counts(flag: pd.Series, groups: pd.Series | None = None) -> pd.DataFrame:
    """n (known), cases and missing, overall or per group."""
    frame = pd.DataFrame({"known": flag.notna().to_numpy(), "case": flag.fillna(False).astype(bool).to_numpy()}, index=flag.index)
    if groups is None:
        return pd.DataFrame(
            {"n": [int(frame["known"].sum())], "cases": [int(frame["case"].sum())], "missing": [int((~frame["known"]).sum())]}
        )
    frame["group"] = groups.to_numpy()
    g = frame.groupby("group", observed=False, sort=False)
    out = pd.DataFrame({"n": g["known"].sum(), "cases": g["case"].sum(), "total": g.size()})
    out["missing"] = out["total"] - out["n"]
    return out.drop(columns="total").astype(int)


def _finish(table: pd.DataFrame) -> pd.DataFrame:
    """Percentages, Wilson 95 % CIs, then suppression (cases, non-cases and n) and status."""
    out = table.copy()
    n = out["n"].to_numpy(dtype=float)
    cases = out["cases"].to_numpy(dtype=float)
    ok = n > 0
    pct = np.full(len(out), np.nan)
    lo = np.full(len(out), np.nan)
    hi = np.full(len(out), np.nan)
    if ok.any():
        pct[ok] = 100 * cases[ok] / n[ok]
        low, high = proportion_confint(cases[ok], n[ok], alpha=0.05, method="wilson")
        lo[ok], hi[ok] = 100 * np.asarray(low), 100 * np.asarray(high)
    out["pct"], out["ci_low"], out["ci_high"] = pct, lo, hi
    # Non-cases are checked too: "all but 2 of 40" discloses as much as "2 of 40".
    out["_non_cases"] = out["n"] - out["cases"]
    no_data = out["n"].eq(0).to_numpy()
    out = disclosure.suppress(out, ["n", "cases", "_non_cases"], ["pct", "ci_low", "ci_high"])
    out = out.drop(columns="_non_cases")
    out["missing"] = _mask_small(out["missing"])
    unavailable = out["available"].eq(False) if "available" in out.columns else pd.Series(False, index=out.index)
    out["status"] = np.where(
        unavailable, "unavailable", np.where(no_data, "no_data", np.where(out["suppressed"], "suppressed", "ok"))
    )
    return out


def _mask_small(counts: pd.Series) -> pd.Series:
    """Data-quality counts (missing) are hidden when 1..threshold-1, like any small cell."""
    c = counts.astype("float64")
    return c.mask((c > 0) & (c < disclosure.threshold()))


def _unavailable_rows(base: dict[str, Any]) -> dict[str, Any]:
    return {**base, "n": np.nan, "cases": np.nan, "missing": np.nan, "available": False}


# --------------------------------------------------------------------------- 2. prevalence


def prevalence_table(births: pd.DataFrame, region: str, years: Years = None, config: RiskConfig | None = None) -> pd.DataFrame:
    """Prevalence of each factor, region vs nation (nation = all regions, the region included).

    Columns: factor, label_sv, label_en, area ('region'/'nation'), area_code, area_name, n
    (women with a known value), cases, pct, ci_low, ci_high (Wilson 95 %, percent), missing,
    available, suppressed, status ('ok'/'suppressed'/'unavailable').
    """
    cfg = config or load_config()
    code = _region_code(region)
    sel, codes = _select(births, years)
    flags = factor_flags(sel, cfg)
    avail = factor_availability(sel, cfg).set_index("factor")["available"]
    in_region = (codes == code).to_numpy()
    rows = []
    for f in cfg.factors:
        for area, area_code, name, mask in (
            ("region", code, region_name(code), in_region),
            ("nation", NATION_CODE, NATION_NAME, None),
        ):
            base = {
                "factor": f.key,
                "label_sv": f.label_sv,
                "label_en": f.label_en,
                "area": area,
                "area_code": area_code,
                "area_name": name,
            }
            if not bool(avail[f.key]):
                rows.append(_unavailable_rows(base))
                continue
            flag = flags[f.key] if mask is None else flags[f.key][mask]
            rows.append({**base, **_counts(flag).iloc[0].to_dict(), "available": True})
    return _finish(pd.DataFrame(rows))


def no_risk_share(births: pd.DataFrame, region: str, years: Years = None, config: RiskConfig | None = None) -> pd.DataFrame:
    """Share with none of the configured factors, region vs nation, same columns as prevalence_table.

    Extra column ``definition``: the factor keys actually applied (absent columns dropped).
    """
    cfg = config or load_config()
    code = _region_code(region)
    sel, codes = _select(births, years)
    definition = no_risk_definition(sel, cfg)
    flag = no_risk_flag(factor_flags(sel, cfg), definition["factors"])
    in_region = (codes == code).to_numpy()
    rows = []
    for area, area_code, name, f in (
        ("region", code, region_name(code), flag[in_region]),
        ("nation", NATION_CODE, NATION_NAME, flag),
    ):
        base = {
            "factor": NO_RISK_KEY,
            "label_sv": NO_RISK_LABEL_SV,
            "label_en": NO_RISK_LABEL_EN,
            "area": area,
            "area_code": area_code,
            "area_name": name,
        }
        if not definition["factors"]:
            rows.append(_unavailable_rows(base))
        else:
            rows.append({**base, **_counts(f).iloc[0].to_dict(), "available": True})
    out = _finish(pd.DataFrame(rows))
    out["definition"] = "+".join(definition["factors"])
    return out


def combinations(
    births: pd.DataFrame,
    region: str | None,
    years: Years = None,
    config: RiskConfig | None = None,
    factors: Sequence[str] | None = None,
    top_k: int = 10,
) -> pd.DataFrame:
    """Most common combinations of factors among women with all of them known.

    ``region=None`` means the whole nation. Default factors: the no-risk definition. Only
    combinations with at least ``threshold`` women are listed (top ``top_k``); everything else,
    including small combinations, is pooled in one 'other' row, so no hidden cell can be
    recovered by subtraction. Columns: rank, combination (keys joined by '+', 'none'),
    label_sv, label_en, n_factors, count, share (percent of ``denominator``), denominator,
    excluded_incomplete, hidden_combinations, suppressed.
    """
    cfg = config or load_config()
    sel, codes = _select(births, years)
    keys = list(factors) if factors is not None else no_risk_definition(sel, cfg)["factors"]
    for k in keys:
        cfg.factor(k)
    avail = factor_availability(sel, cfg).set_index("factor")["available"]
    keys = [k for k in keys if bool(avail[k])]
    if region is not None:
        sel = sel[(codes == _region_code(region)).to_numpy()]
    columns = [
        "rank",
        "combination",
        "label_sv",
        "label_en",
        "n_factors",
        "count",
        "share",
        "denominator",
        "excluded_incomplete",
        "hidden_combinations",
        "suppressed",
    ]
    if not keys:
        return pd.DataFrame(columns=columns)
    flags = factor_flags(sel, cfg)[keys]
    complete = flags.notna().all(axis=1)
    known = flags[complete].astype(bool)
    denominator = len(known)
    excluded = int((~complete).sum())
    # Encode each woman's combination as a bit pattern (vectorised; row-wise apply is slow).
    bits = known.to_numpy(dtype=np.int64) @ (np.int64(1) << np.arange(len(keys), dtype=np.int64))
    patterns = pd.Series(bits).value_counts()
    counts = (
        pd.Series(
            patterns.to_numpy(),
            index=["+".join(k for i, k in enumerate(keys) if int(b) >> i & 1) or "none" for b in patterns.index],
        )
        .sort_index()
        .sort_values(ascending=False, kind="stable")
    )  # ties: alphabetical, reproducible
    limit = disclosure.threshold()
    shown = counts[counts >= limit].head(top_k)
    labels = {k: (cfg.factor(k).label_sv, cfg.factor(k).label_en) for k in keys}
    rows = []
    for rank, (name, count) in enumerate(shown.items(), start=1):
        parts = [] if name == "none" else name.split("+")
        rows.append(
            {
                "rank": rank,
                "combination": name,
                "label_sv": " + ".join(labels[p][0] for p in parts) or NO_RISK_LABEL_SV,
                "label_en": " + ".join(labels[p][1] for p in parts) or NO_RISK_LABEL_EN,
                "n_factors": len(parts),
                "count": int(count),
                "hidden_combinations": 0,
            }
        )
    rest = denominator - int(shown.sum())
    hidden = int(len(counts) - len(shown))
    if hidden:
        rows.append(
            {
                "rank": np.nan,
                "combination": "other",
                "label_sv": "Övriga kombinationer",
                "label_en": "Other combinations",
                "n_factors": np.nan,
                "count": rest,
                "hidden_combinations": hidden,
            }
        )
    derived = ("share", "denominator", "excluded_incomplete", "suppressed")
    out = pd.DataFrame(rows, columns=[c for c in columns if c not in derived])
    out["share"] = 100 * out["count"] / denominator if denominator else np.nan
    out["denominator"] = denominator
    out["excluded_incomplete"] = excluded
    out = disclosure.suppress(out, ["count"], ["share"])
    return out[columns]


# --------------------------------------------------------------------------- 3. standardisation


@dataclass(frozen=True)
class StandardisationResult:
    """Direct standardisation of one outcome; rates in percent.

    gap_explained_by_structure = crude - standardised: the part of the crude gap to the
    nation that disappears once the region is given the national age/parity structure.
    """

    outcome: str
    label_sv: str
    label_en: str
    region: str
    by: tuple[str, ...]
    standard: str
    n_region: float
    cases_region: float
    excluded_region: int
    crude: float
    standardised: float
    ci_low: float
    ci_high: float
    ci_method: str
    national: float
    crude_gap: float
    standardised_gap: float
    gap_explained_by_structure: float
    share_of_gap_explained: float
    dropped_standard_weight: float
    suppressed: bool
    strata: pd.DataFrame = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (NaN -> None), without the strata table."""
        return _jsonable({k: getattr(self, k) for k in self.__dataclass_fields__ if k != "strata"})

    def as_frame(self) -> pd.DataFrame:
        """Three bars for a chart: crude and standardised region rate, national rate."""
        return pd.DataFrame(
            {
                "measure": ["crude", "standardised", "national"],
                "measure_sv": ["Region, ojusterad", "Region, standardiserad", "Riket"],
                "measure_en": ["Region, crude", "Region, standardised", "Nation"],
                "pct": [self.crude, self.standardised, self.national],
                "ci_low": [np.nan, self.ci_low, np.nan],
                "ci_high": [np.nan, self.ci_high, np.nan],
            }
        )


def _outcome_flag(sel: pd.DataFrame, outcome: str, cfg: RiskConfig) -> tuple[pd.Series, str, str]:
    if outcome == NO_RISK_KEY:
        flag = no_risk_flag(factor_flags(sel, cfg), no_risk_definition(sel, cfg)["factors"])
        return flag, NO_RISK_LABEL_SV, NO_RISK_LABEL_EN
    f = cfg.factor(outcome)
    return factor_flags(sel, cfg)[outcome], f.label_sv, f.label_en


def direct_standardise(
    births: pd.DataFrame,
    region: str,
    outcome: str,
    years: Years = None,
    config: RiskConfig | None = None,
    by: Sequence[str] = ("age_group", "parity_group"),
    standard: Literal["nation"] | pd.DataFrame = "nation",
    ci_method: Literal["normal", "gamma"] = "normal",
    alpha: float = 0.05,
) -> StandardisationResult:
    """Directly standardise the region's rate of ``outcome`` (a factor key or 'no_risk_factor').

    Standard population: national deliveries with known outcome and strata (weights N_s/N),
    or a frame with the ``by`` columns and ``weight``. Strata absent from the region are
    dropped and their weight reported (``dropped_standard_weight``); remaining weights are
    rescaled to 1. CI: 'normal' uses Var = sum(w_s^2 p_s (1-p_s) / n_s) (binomial stratum
    variances, suits common outcomes); 'gamma' is Fay & Feuer (1997), conservative.
    """
    cfg = config or load_config()
    code = _region_code(region)
    sel, codes = _select(births, years)
    flag, label_sv, label_en = _outcome_flag(sel, outcome, cfg)
    data = add_strata(sel, cfg) if {"age_group", "parity_group"} & set(by) else sel.copy()
    missing_cols = [c for c in by if c not in data.columns]
    if missing_cols:
        raise KeyError(f"direct_standardise: stratum column(s) {missing_cols} not in data")
    frame = data[list(by)].astype("string").copy()
    frame["y"] = flag.to_numpy()
    frame["in_region"] = (codes == code).to_numpy()
    usable = frame["y"].notna() & frame[list(by)].notna().all(axis=1)
    excluded_region = int((frame["in_region"] & ~usable).sum())
    frame = frame[usable]
    frame["y"] = frame["y"].astype(bool).astype(int)

    reg = frame[frame["in_region"]].groupby(list(by), observed=True)["y"].agg(n_region="size", cases_region="sum")
    nat = frame.groupby(list(by), observed=True)["y"].agg(n_nation="size", cases_nation="sum")
    if isinstance(standard, pd.DataFrame):
        if "weight" not in standard.columns or any(c not in standard.columns for c in by):
            raise KeyError(f"standard population needs columns {list(by)} and 'weight'")
        w = standard.astype({c: "string" for c in by}).set_index(list(by))["weight"].astype(float)
        standard_name = "custom"
    elif standard == "nation":
        w = nat["n_nation"].astype(float)
        standard_name = "nation"
    else:
        raise ValueError(f"standard must be 'nation' or a DataFrame, got {standard!r}")
    strata = pd.concat([nat, reg], axis=1).join(w.rename("weight"), how="outer")
    strata[["n_nation", "cases_nation", "n_region", "cases_region"]] = strata[
        ["n_nation", "cases_nation", "n_region", "cases_region"]
    ].fillna(0)
    strata["weight"] = strata["weight"].fillna(0.0) / strata["weight"].sum()
    present = strata["n_region"] > 0
    dropped = float(strata.loc[~present, "weight"].sum())
    w_used = strata["weight"].where(present, 0.0)
    w_used = w_used / w_used.sum() if w_used.sum() > 0 else w_used
    p_region = (strata["cases_region"] / strata["n_region"]).where(present)
    n_r, x_r = float(strata["n_region"].sum()), float(strata["cases_region"].sum())
    N, X = float(strata["n_nation"].sum()), float(strata["cases_nation"].sum())

    std = float((w_used * p_region.fillna(0)).sum()) if n_r else math.nan
    crude = x_r / n_r if n_r else math.nan
    national = X / N if N else math.nan
    if ci_method == "normal":
        p = p_region.fillna(0)
        var = float((w_used**2 * p * (1 - p) / strata["n_region"].where(present)).fillna(0).sum())
        z = stats.norm.ppf(1 - alpha / 2)
        lo, hi = max(0.0, std - z * math.sqrt(var)), min(1.0, std + z * math.sqrt(var))
    elif ci_method == "gamma":
        lo, hi = _fay_feuer(
            w_used[present].to_numpy(),
            strata.loc[present, "n_region"].to_numpy(),
            strata.loc[present, "cases_region"].to_numpy(),
            alpha,
        )
    else:
        raise ValueError(f"ci_method must be 'normal' or 'gamma', got {ci_method!r}")

    limit = disclosure.threshold()
    hide = n_r < limit or x_r < limit or (n_r - x_r) < limit
    crude_gap = crude - national
    explained = crude - std
    share = explained / crude_gap if crude_gap and not math.isnan(crude_gap) else math.nan
    table = strata.reset_index()
    table["pct_region"] = 100 * p_region.to_numpy()
    table["pct_nation"] = (100 * strata["cases_nation"] / strata["n_nation"].where(strata["n_nation"] > 0)).to_numpy()
    table = disclosure.suppress(table, ["n_region", "cases_region"], ["pct_region"], flag_column="suppressed_region")
    table = disclosure.suppress(table, ["n_nation", "cases_nation"], ["pct_nation"], flag_column="suppressed_nation")
    nan = math.nan

    def pct(v: float) -> float:
        return nan if hide else 100 * v

    return StandardisationResult(
        outcome=outcome,
        label_sv=label_sv,
        label_en=label_en,
        region=code,
        by=tuple(by),
        standard=standard_name,
        n_region=nan if hide else n_r,
        cases_region=nan if hide else x_r,
        excluded_region=excluded_region,
        crude=pct(crude),
        standardised=pct(std),
        ci_low=pct(lo),
        ci_high=pct(hi),
        ci_method=ci_method,
        national=100 * national,
        crude_gap=pct(crude_gap),
        standardised_gap=pct(std - national),
        gap_explained_by_structure=pct(explained),
        share_of_gap_explained=nan if hide else share,
        dropped_standard_weight=dropped,
        suppressed=hide,
        strata=table,
    )


def _fay_feuer(w: np.ndarray, n: np.ndarray, x: np.ndarray, alpha: float) -> tuple[float, float]:
    """Fay & Feuer (1997) gamma interval for a directly standardised rate (as a proportion)."""
    wi = w / n
    y = float((wi * x).sum())
    v = float((wi**2 * x).sum())
    wm = float(wi.max())
    lower = 0.0 if y == 0 else v / (2 * y) * stats.chi2.ppf(alpha / 2, 2 * y**2 / v)
    upper = (v + wm**2) / (2 * (y + wm)) * stats.chi2.ppf(1 - alpha / 2, 2 * (y + wm) ** 2 / (v + wm**2))
    return float(lower), float(upper)


# --------------------------------------------------------------------------- 4. municipalities


def by_municipality(
    births: pd.DataFrame,
    region: str,
    years: Years = None,
    config: RiskConfig | None = None,
    factors: Sequence[str] | None = None,
    municipalities: Sequence[str] | None = None,
    include_no_risk: bool = True,
) -> pd.DataFrame:
    """Each factor by municipality of residence within the region, small cells suppressed.

    ``municipalities`` lists codes to show even without deliveries (they appear suppressed),
    so a map has a row for every polygon. Unavailable factors are left out (see
    prevalence_table). Columns: municipality (4-digit text), factor, label_sv, label_en, n,
    cases, pct, ci_low, ci_high, missing, suppressed, status.
    """
    cfg = config or load_config()
    code = _region_code(region)
    sel, codes = _select(births, years)
    if "municipality" not in sel.columns:
        raise KeyError("births lacks required column 'municipality'")
    avail = factor_availability(sel, cfg).set_index("factor")["available"]
    used = no_risk_definition(sel, cfg)["factors"]
    sel = sel[(codes == code).to_numpy()]
    muni = _municipality_codes(sel["municipality"])
    keep = muni.notna().to_numpy()
    sel, muni = sel[keep], muni[keep]
    order = sorted(set(muni.dropna()) | {str(m).zfill(4) for m in (municipalities or [])})
    groups = pd.Series(pd.Categorical(muni.to_numpy(), categories=order), index=sel.index)
    keys = [k for k in (factors or cfg.keys) if bool(avail[cfg.factor(k).key])]
    flags = factor_flags(sel, cfg)
    series: list[tuple[str, str, str, pd.Series]] = [(k, cfg.factor(k).label_sv, cfg.factor(k).label_en, flags[k]) for k in keys]
    if include_no_risk:
        if used:
            series.append((NO_RISK_KEY, NO_RISK_LABEL_SV, NO_RISK_LABEL_EN, no_risk_flag(flags, used)))
    parts = []
    for key, lsv, len_, flag in series:
        counts = _counts(flag, groups).reindex(order, fill_value=0)
        counts.index.name = "municipality"
        counts = counts.reset_index()
        counts.insert(1, "factor", key)
        counts.insert(2, "label_sv", lsv)
        counts.insert(3, "label_en", len_)
        parts.append(counts)
    if not parts:
        return pd.DataFrame(columns=["municipality", "factor", "label_sv", "label_en", *PREVALENCE_COLUMNS])
    out = _finish(pd.concat(parts, ignore_index=True))
    out["municipality"] = out["municipality"].astype(str)
    return out


def municipality_map_frame(
    table: pd.DataFrame, boundaries: gpd.GeoDataFrame, factor: str, code_column: str = "kommun_kod"
) -> gpd.GeoDataFrame:
    """Join one factor of ``by_municipality`` onto boundary polygons for a choropleth.

    Suppressed municipalities keep their polygon with pct NaN and label '<5' so the map shows
    that something was hidden; polygons without a row get status 'no data'.
    """
    rows = table[table["factor"] == factor]
    if rows.empty:
        raise ValueError(f"factor {factor!r} not in the municipality table")
    geo = boundaries.copy()
    geo["municipality"] = geo[code_column].astype(str).str.zfill(4)
    keep = ["municipality", "label_sv", "label_en", "n", "cases", "pct", "ci_low", "ci_high", "suppressed", "status"]
    merged = geo.merge(rows[keep], on="municipality", how="left")
    merged["status"] = merged["status"].fillna("no data")
    merged["suppressed"] = merged["suppressed"].fillna(False).astype(bool)
    merged["label"] = np.where(
        merged["suppressed"],
        f"<{disclosure.threshold()}",
        np.where(merged["pct"].notna(), merged["pct"].map(lambda v: f"{v:.1f} %"), "no data"),
    )
    return merged


# --------------------------------------------------------------------------- 5. origin and education


def _strata_labels(by: str, cfg: RiskConfig) -> list[Category]:
    if by == "age_group":
        return list(cfg.age_groups)
    if by == "parity_group":
        return list(cfg.parity_groups)
    return list(cfg.categories.get(by, ()))


def stratified(
    births: pd.DataFrame,
    region: str,
    by: str,
    years: Years = None,
    config: RiskConfig | None = None,
    factors: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Factors by country-of-birth group or education (or age/parity group), region vs nation.

    Factors that read the ``by`` column are skipped (born outside Europe by country of birth
    is 0 or 100 % by construction). If ``by`` is absent from the data an empty table is
    returned. Columns: by, stratum, stratum_sv, stratum_en, area, area_code, factor,
    label_sv, label_en, n, cases, pct, ci_low, ci_high, missing, stratum_missing,
    suppressed, status.
    """
    cfg = config or load_config()
    code = _region_code(region)
    sel, codes = _select(births, years)
    columns = [
        "by",
        "stratum",
        "stratum_sv",
        "stratum_en",
        "area",
        "area_code",
        "factor",
        "label_sv",
        "label_en",
        "n",
        "cases",
        "pct",
        "ci_low",
        "ci_high",
        "missing",
        "stratum_missing",
        "suppressed",
        "status",
    ]
    if by in ("age_group", "parity_group"):
        sel = add_strata(sel, cfg)
        stratum = sel[by].astype("string")
    elif by in sel.columns and not _all_missing(sel[by]):
        stratum = _categorical(sel[by], by)
    else:
        return pd.DataFrame(columns=columns)
    cats = _strata_labels(by, cfg)
    order = [c.key for c in cats] + sorted(set(stratum.dropna()) - {c.key for c in cats})
    names = {c.key: (c.label_sv, c.label_en) for c in cats}
    avail = factor_availability(sel, cfg).set_index("factor")["available"]
    source_column = {"age_group": "maternal_age", "parity_group": "parity"}.get(by, by)
    keys = [k for k in (factors or cfg.keys) if bool(avail[cfg.factor(k).key]) and source_column not in cfg.factor(k).requires]
    flags = factor_flags(sel, cfg)
    in_region = (codes == code).to_numpy()
    parts = []
    for area, area_code, mask in (("region", code, in_region), ("nation", NATION_CODE, np.ones(len(sel), bool))):
        s = stratum[mask]
        groups = pd.Series(pd.Categorical(s.to_numpy(), categories=order), index=s.index)
        for k in keys:
            counts = _counts(flags[k][mask], groups).reindex(order, fill_value=0)
            counts.index.name = "stratum"
            counts = counts.reset_index()
            counts["area"], counts["area_code"], counts["factor"] = area, area_code, k
            counts["label_sv"], counts["label_en"] = cfg.factor(k).label_sv, cfg.factor(k).label_en
            counts["stratum_missing"] = int(s.isna().sum())
            parts.append(counts)
    if not parts:
        return pd.DataFrame(columns=columns)
    out = _finish(pd.concat(parts, ignore_index=True))
    out["stratum_missing"] = _mask_small(out["stratum_missing"])
    out["by"] = by
    out["stratum_sv"] = out["stratum"].map(lambda c: names.get(c, (c, c))[0])
    out["stratum_en"] = out["stratum"].map(lambda c: names.get(c, (c, c))[1])
    return out[columns]


# --------------------------------------------------------------------------- 1. published comparison


def _with_region_codes(indicators: pd.DataFrame) -> pd.DataFrame:
    """Accept analysis.common.published.indicators() or the reference CSV (names only)."""
    df = indicators.copy()
    if "region_code" not in df.columns:
        lookup = dict(zip(regions()["name_mfr"], regions()["code"]))
        lookup[NATION_NAME] = NATION_CODE
        unknown = sorted(set(df["region"]) - set(lookup))
        if unknown:
            raise ValueError(f"unknown region name(s) in indicators: {unknown}")
        df["region_code"] = df["region"].map(lookup)
    df["region_code"] = df["region_code"].astype(str).str.zfill(2)
    df["year"] = df["year"].astype(str)
    return df


def published_ranking(
    indicators_df: pd.DataFrame,
    indicator: str,
    year: str = "2023",
    highlight_region: str = "19",
    baseline_year: str = "2018",
) -> pd.DataFrame:
    """The 21 regions ranked on a published indicator (rank 1 = highest value).

    Columns: indicator, year, rank, n_ranked, region_code, region, value, unit,
    national_value, diff_national, highlight, baseline_year, baseline_value, change
    (value - baseline_value, NaN unless both years are published), source, quality.
    """
    df = _with_region_codes(indicators_df)
    code = _region_code(highlight_region)
    this = df[(df["indicator"] == indicator) & (df["year"] == str(year))]
    if this.empty:
        years = sorted(df.loc[df["indicator"] == indicator, "year"].unique())
        raise ValueError(f"indicator {indicator!r} has no value for {year}; published years: {years}")
    if this["region_code"].duplicated().any():
        raise ValueError(f"indicator {indicator!r} {year}: more than one value per region")
    nat = this.loc[this["region_code"] == NATION_CODE, "value"]
    national = float(nat.iloc[0]) if len(nat) else math.nan
    base = df[(df["indicator"] == indicator) & (df["year"] == str(baseline_year))].set_index("region_code")["value"]
    out = pd.DataFrame({"region_code": region_codes()})
    out["region"] = out["region_code"].map(region_name)
    vals = this.set_index("region_code")
    out["value"] = out["region_code"].map(vals["value"]).astype(float)
    out["unit"] = out["region_code"].map(vals["unit"]) if "unit" in vals else None
    out["source"] = out["region_code"].map(vals["source"]) if "source" in vals else None
    out["quality"] = out["region_code"].map(vals["quality"]) if "quality" in vals else None
    out["rank"] = out["value"].rank(ascending=False, method="min")
    out["n_ranked"] = int(out["value"].notna().sum())
    out["national_value"] = national
    out["diff_national"] = out["value"] - national
    out["highlight"] = out["region_code"] == code
    out["baseline_year"] = str(baseline_year)
    out["baseline_value"] = out["region_code"].map(base).astype(float)
    out["change"] = out["value"] - out["baseline_value"]
    out["indicator"], out["year"] = indicator, str(year)
    out = out.sort_values(["rank", "region"], na_position="last").reset_index(drop=True)
    return out[
        [
            "indicator",
            "year",
            "rank",
            "n_ranked",
            "region_code",
            "region",
            "value",
            "unit",
            "national_value",
            "diff_national",
            "highlight",
            "baseline_year",
            "baseline_value",
            "change",
            "source",
            "quality",
        ]
    ]


def published_overview(
    indicators_df: pd.DataFrame,
    year: str = "2023",
    highlight_region: str = "19",
    config: RiskConfig | None = None,
    baseline_year: str = "2018",
) -> pd.DataFrame:
    """published_ranking for every configured indicator that has data for ``year``, stacked."""
    cfg = config or load_config()
    df = _with_region_codes(indicators_df)
    parts = []
    for ind in cfg.published_indicators:
        if ((df["indicator"] == ind.key) & (df["year"] == str(year))).any():
            part = published_ranking(df, ind.key, year, highlight_region, baseline_year)
            part.insert(1, "label_sv", ind.label_sv)
            part.insert(2, "label_en", ind.label_en)
            parts.append(part)
    if not parts:
        raise ValueError(f"none of the configured published indicators has data for {year}")
    return pd.concat(parts, ignore_index=True)


# --------------------------------------------------------------------------- 6. key figures


def _jsonable(value: Any) -> Any:
    """Plain Python values for json.dump (NaN -> None, numpy scalars -> float/int)."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(float(value)) else round(float(value), 4)
    if value is pd.NA or value is None:
        return None
    return value


PUBLISHED_NO_RISK_INDICATOR = "no_risk_factors_at_pregnancy_start_pct"


def _published_no_risk(indicators_df: pd.DataFrame, code: str) -> dict[str, Any]:
    """The register's own no-risk share (region vs nation) when present, with its quality flag.

    It comes second-hand (the region's report quoting Graviditetsregistret) and its
    definition is not published, so the book shows it beside, not instead of, the cohort's.
    """
    df = _with_region_codes(indicators_df)
    rows = df[df["indicator"] == PUBLISHED_NO_RISK_INDICATOR]
    out: dict[str, Any] = {}
    for area, area_code in (("region", code), ("nation", NATION_CODE)):
        hit = rows[rows["region_code"] == area_code]
        if len(hit):
            r = hit.sort_values("year").iloc[-1]
            out[area] = {
                "year": str(r["year"]),
                "value": float(r["value"]),
                "quality": str(r.get("quality", "")),
                "source": str(r.get("source", "")),
            }
    return out


def key_figures(
    births: pd.DataFrame,
    region: str,
    years: Years = None,
    config: RiskConfig | None = None,
    indicators_df: pd.DataFrame | None = None,
    published_year: str = "2023",
) -> dict[str, Any]:
    """Headline numbers for ``_build/results/riskmix.json`` (JSON-serialisable, NaN -> None)."""
    cfg = config or load_config()
    code = _region_code(region)
    sel, codes = _select(births, years)
    prev = prevalence_table(births, code, years, cfg)
    share = no_risk_share(births, code, years, cfg).set_index("area")
    factors: dict[str, Any] = {}
    for key, grp in prev.groupby("factor", sort=False):
        r = grp.set_index("area")
        factors[str(key)] = {
            "available": bool(r.loc["region", "available"]),
            "region_pct": r.loc["region", "pct"],
            "region_ci": [r.loc["region", "ci_low"], r.loc["region", "ci_high"]],
            "region_missing": r.loc["region", "missing"],
            "nation_pct": r.loc["nation", "pct"],
            "nation_ci": [r.loc["nation", "ci_low"], r.loc["nation", "ci_high"]],
        }
    definition = no_risk_definition(sel, cfg)
    standardised = {}
    for outcome in (NO_RISK_KEY, "bmi_ge30"):
        if outcome == NO_RISK_KEY and not definition["factors"]:
            continue
        if outcome != NO_RISK_KEY and (outcome not in cfg.keys or not factors[outcome]["available"]):
            continue
        standardised[outcome] = direct_standardise(births, code, outcome, years, cfg).to_dict()
    result: dict[str, Any] = {
        "region": code,
        "region_name": region_name(code),
        "years": sorted({int(y) for y in sel["year"]}),
        "deliveries_region": int((codes == code).sum()),
        "deliveries_nation": len(sel),
        "no_risk_definition": definition["factors"],
        "no_risk_unavailable": definition["unavailable"],
        "no_risk_description_sv": definition["description_sv"],
        "no_risk_region_pct": share.loc["region", "pct"],
        "no_risk_region_ci": [share.loc["region", "ci_low"], share.loc["region", "ci_high"]],
        "no_risk_nation_pct": share.loc["nation", "pct"],
        "no_risk_nation_ci": [share.loc["nation", "ci_low"], share.loc["nation", "ci_high"]],
        "factors": factors,
        "standardised": standardised,
    }
    if indicators_df is not None:
        published = {}
        overview = published_overview(indicators_df, published_year, code, cfg)
        for key, grp in overview.groupby("indicator", sort=False):
            row = grp[grp["highlight"]].iloc[0]
            published[str(key)] = {
                "year": str(published_year),
                "value": row["value"],
                "national_value": row["national_value"],
                "rank": None if pd.isna(row["rank"]) else int(row["rank"]),
                "of": int(row["n_ranked"]),
                "change_since_baseline": row["change"],
                "baseline_year": row["baseline_year"],
                "unit": row["unit"],
                "source": row["source"],
            }
        result["published"] = published
        result["published_no_risk"] = _published_no_risk(indicators_df, code)
    return _jsonable(result)


def standardisation_sentence(result: StandardisationResult, label_sv: str) -> str:
    """A Swedish sentence that reads a direct standardisation the right way round.

    If standardising moves the region *towards* the nation, age and parity explain that part
    of the gap; if it moves it *away*, the age/parity structure was hiding part of the gap.
    """
    from analysis.common.formatting import sv_number, sv_pct

    crude_gap, std_gap = result.crude_gap, result.standardised_gap
    if any(pd.isna(v) for v in (crude_gap, std_gap)):
        return f"{label_sv}: för få kvinnor för att standardisera."
    moved = abs(crude_gap) - abs(std_gap)
    head = (
        f"{label_sv}: {sv_pct(result.crude)} ojusterat och {sv_pct(result.standardised)} standardiserat, "
        f"mot {sv_pct(result.national)} i riket"
    )
    if abs(moved) < 0.05:
        return f"{head}; ålders- och paritetsstrukturen förklarar ingenting av skillnaden."
    if moved > 0:
        return (
            f"{head}. Skillnaden mot riket krymper från {sv_number(abs(crude_gap), 1)} till {sv_number(abs(std_gap), 1)} "
            f"procentenheter: ålder och paritet förklarar {sv_number(moved, 1)} procentenheter."
        )
    return (
        f"{head}. Skillnaden mot riket växer från {sv_number(abs(crude_gap), 1)} till {sv_number(abs(std_gap), 1)} "
        f"procentenheter: regionens ålders- och paritetsstruktur döljer {sv_number(-moved, 1)} procentenheter – "
        f"med rikets struktur hade skillnaden varit större."
    )
