"""Rule evaluation: one nullable-boolean flag per factor and woman, the no-risk flag, strata and row selection.

Missing values follow Kleene's three-valued logic: a flag is NA where the answer depends on
a missing value, so that woman drops out of that factor's denominator.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from analysis.chapters.riskmix.config import (
    COMBINATORS,
    COMPARISON_OPS,
    FIXED_CATEGORIES,
    NUMERIC_COLUMNS,
    SET_OPS,
    TRUTH_VALUES,
    Category,
    RiskConfig,
    Rule,
    Years,
    load_config,
)
from analysis.common.regions import region_codes

T = TypeVar("T")
# Results shared inside ``shared_work()``: key -> (the frame they were computed from, result).
_SHARED: dict[tuple[Any, ...], tuple[pd.DataFrame, Any]] | None = None


@contextmanager
def shared_work() -> Iterator[None]:
    """Inside this block the row selection, factor flags, availability and strata of a births frame are computed
    once and shared by every table of the page (a page computes a dozen tables from the same frame).

    Only for code that does not modify the frames it is given or gets back; outside the block nothing is kept.
    """
    global _SHARED
    outer = _SHARED
    _SHARED = {} if outer is None else outer
    try:
        yield
    finally:
        _SHARED = outer


def shared(name: str, frame: pd.DataFrame, extra: Any, compute: Callable[[], T]) -> T:
    """``compute()``, or inside ``shared_work()`` the value already computed for this frame, ``name`` and ``extra``."""
    if _SHARED is None:
        return compute()
    key = (name, id(frame), extra)
    hit = _SHARED.get(key)
    if hit is not None and hit[0] is frame:
        return hit[1]  # type: ignore[no-any-return]
    value = compute()
    _SHARED[key] = (frame, value)  # the frame is kept alive, so its id cannot be reused meanwhile
    return value


def as_text(s: pd.Series, strip: bool = True) -> pd.Series:
    """``s`` as pandas' nullable string dtype (stripped by default).

    Same values as ``s.astype("string")``, but a categorical of text converts its few categories once instead of
    every row (numeric categories keep the plain conversion, which writes 1 as "1.0" when a value is missing).
    """
    if isinstance(s.dtype, pd.CategoricalDtype) and pd.api.types.is_string_dtype(s.cat.categories.dtype):
        categories = pd.Series(s.cat.categories).astype("string")
        if strip:
            categories = categories.str.strip()
        return pd.Series(categories.array.take(s.cat.codes.to_numpy(), allow_fill=True), index=s.index, name=s.name)
    text = s.astype("string")
    return text.str.strip() if strip else text


def numeric(s: pd.Series, column: str) -> pd.Series:
    if pd.api.types.is_numeric_dtype(s):  # nothing to coerce: no value can be non-numeric text
        return s.astype("float64")
    x = pd.to_numeric(s, errors="coerce")
    bad = x.isna() & s.notna() & (as_text(s) != "")
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
        text = as_text(s).str.lower()
        mapped = text.map(TRUTH_VALUES)
        bad = text.notna() & (text != "") & mapped.isna()
    if bad.any():
        raise ValueError(f"column {column!r}: not a yes/no value: {s[bad].unique()[:5].tolist()}")
    return mapped.astype("boolean")


def categorical(s: pd.Series, column: str) -> pd.Series:
    """Lower-case text, empty as missing; a value outside the column's fixed categories raises.

    A categorical of text is cleaned on its few categories, then every row looks its category up (the same values).
    """
    allowed = FIXED_CATEGORIES.get(column)
    if isinstance(s.dtype, pd.CategoricalDtype) and pd.api.types.is_string_dtype(s.cat.categories.dtype):
        names = categorical(pd.Series(s.cat.categories.astype(str), dtype="string"), "")  # no check on the names
        codes = s.cat.codes.to_numpy()
        text = pd.Series(names.array.take(codes, allow_fill=True), index=s.index, name=s.name)
        if allowed is not None:
            bad_name = (names.notna() & ~names.isin(allowed)).to_numpy(dtype=bool)
            bad = pd.Series(np.append(bad_name, False)[codes], index=s.index)  # code -1 (missing) is never bad
            if bad.any():
                raise ValueError(
                    f"column {column!r}: unknown value(s) {text[bad].unique()[:5].tolist()} (allowed: {sorted(allowed)})"
                )
        return text
    text = as_text(s).str.lower()
    text = text.mask(text == "")
    if allowed is not None:
        bad = text.notna() & ~text.isin(allowed)
        if bad.any():
            raise ValueError(
                f"column {column!r}: unknown value(s) {text[bad].unique()[:5].tolist()} (allowed: {sorted(allowed)})"
            )
    return text


def evaluate(rule: Rule, births: pd.DataFrame) -> pd.Series:
    """Kleene three-valued result: NA where the answer depends on a missing value."""
    if rule.op in COMBINATORS:
        parts = [evaluate(r, births) for r in rule.rules]
        out = parts[0]
        for p in parts[1:]:
            out = (out & p) if rule.op == "all" else (out | p)
        return out
    column = str(rule.column)
    if rule.op in COMPARISON_OPS:
        x = numeric(births[column], column)
        result = pd.array(COMPARISON_OPS[rule.op](x.to_numpy(), float(rule.value)), dtype="boolean")
        result[x.isna().to_numpy()] = pd.NA
        return pd.Series(result, index=births.index)
    if rule.op in SET_OPS:
        raw = births[column]
        text = numeric(raw, column) if column in NUMERIC_COLUMNS else categorical(raw, column)
        values = [float(v) for v in rule.value] if column in NUMERIC_COLUMNS else [str(v) for v in rule.value]
        hit = pd.array(text.isin(values).to_numpy(), dtype="boolean")
        if rule.op == "not_in":
            hit = ~hit
        hit[text.isna().to_numpy()] = pd.NA
        return pd.Series(hit, index=births.index)
    flag = _boolean(births[column], column)
    return flag if rule.op == "is_true" else ~flag


def all_missing(s: pd.Series) -> bool:
    if s.isna().all():
        return True
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        return False
    return bool((as_text(s).fillna("") == "").all())


def factor_availability(births: pd.DataFrame, config: RiskConfig | None = None) -> pd.DataFrame:
    """Which factors the data can support.

    A needed column that is absent, or present but entirely empty (the births loader adds
    absent optional columns as all-missing), makes the factor unavailable.
    """
    cfg = config or load_config()
    return shared("availability", births, id(cfg), lambda: _availability(births, cfg))


def _availability(births: pd.DataFrame, cfg: RiskConfig) -> pd.DataFrame:
    rows = []
    for f in cfg.factors:
        reasons = [
            f"{c} (absent)" if c not in births.columns else f"{c} (all missing)"
            for c in f.requires
            if c not in births.columns or all_missing(births[c])
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
    return shared("flags", births, id(cfg), lambda: _flags(births, cfg))


def _flags(births: pd.DataFrame, cfg: RiskConfig) -> pd.DataFrame:
    out = {}
    for f in cfg.factors:
        if all(c in births.columns for c in f.requires) and len(births):
            out[f.key] = evaluate(f.rule, births).astype("boolean")
        else:
            out[f.key] = pd.Series(pd.array([pd.NA] * len(births), dtype="boolean"), index=births.index)
    return pd.DataFrame(out, index=births.index)


@dataclass(frozen=True)
class NoRiskDefinition:
    """The no-risk definition actually applied to a data set."""

    factors: tuple[str, ...]
    unavailable: tuple[str, ...]
    labels_sv: tuple[str, ...]
    labels_en: tuple[str, ...]
    description_sv: str
    description_en: str


def no_risk_definition(births: pd.DataFrame, config: RiskConfig | None = None) -> NoRiskDefinition:
    """The definition actually applied: factors the data lacks are dropped and listed, not fatal."""
    cfg = config or load_config()
    avail = factor_availability(births, cfg).set_index("factor")["available"]
    used = tuple(k for k in cfg.no_risk_factors if bool(avail[k]))
    return NoRiskDefinition(
        factors=used,
        unavailable=tuple(k for k in cfg.no_risk_factors if not bool(avail[k])),
        labels_sv=tuple(cfg.factor(k).label_sv for k in used),
        labels_en=tuple(cfg.factor(k).label_en for k in used),
        description_sv=cfg.no_risk_description_sv,
        description_en=cfg.no_risk_description_en,
    )


def no_risk_flag(flags: pd.DataFrame, factors: Sequence[str]) -> pd.Series:
    """True = none of ``factors``; False = at least one; NA = any of them unknown (complete cases only).

    Complete-case rule: a woman with a missing factor is left out whether or not another factor
    is known. Keeping incomplete records that show a risk factor while dropping incomplete ones
    that show none would bias the no-risk share downwards; complete cases are unbiased when the
    values are missing completely at random, and under MAR given the factors that are observed only
    if missingness does not depend on the no-risk status itself. The share of incomplete records
    is reported beside the share (``missing`` in ``no_risk_share``).
    """
    if not factors:
        return pd.Series(pd.array([pd.NA] * len(flags), dtype="boolean"), index=flags.index)
    sub = flags[list(factors)]
    any_true = sub.fillna(False).astype(bool).any(axis=1).to_numpy(dtype=bool)
    all_known = sub.notna().all(axis=1).to_numpy(dtype=bool)
    # built at once: True where known and no factor, False where known and a factor, NA (value False) elsewhere
    values = pd.arrays.BooleanArray(all_known & ~any_true, ~all_known)
    return pd.Series(values, index=flags.index)


def add_strata(births: pd.DataFrame, config: RiskConfig | None = None) -> pd.DataFrame:
    """Add ``age_group`` and ``parity_group`` (ordered categoricals from the config bands)."""
    cfg = config or load_config()
    return shared("strata", births, id(cfg), lambda: _with_strata(births, cfg))


def _with_strata(births: pd.DataFrame, cfg: RiskConfig) -> pd.DataFrame:
    out = births.copy()
    out["age_group"] = _band(numeric(births["maternal_age"], "maternal_age"), cfg.age_groups)
    out["parity_group"] = _band(numeric(births["parity"], "parity"), cfg.parity_groups)
    return out


def _band(x: pd.Series, bands: Sequence[Category]) -> pd.Series:
    edges = [-math.inf if bands[0].lower is None else bands[0].lower] + [math.inf if b.upper is None else b.upper for b in bands]
    return pd.cut(x, bins=edges, right=False, labels=[b.key for b in bands], ordered=True)


# --------------------------------------------------------------------------- row selection


def year_key(years: Years) -> tuple[int, ...] | None:
    """The selected years as a hashable key (None: all years)."""
    ys = _years(years)
    return None if ys is None else tuple(ys)


def _years(years: Years) -> list[int] | None:
    if years is None:
        return None
    if isinstance(years, (int, np.integer)):
        return [int(years)]
    return sorted({int(y) for y in years})


def region_code(region: str) -> str:
    code = str(region).zfill(2)
    if code not in region_codes():
        raise ValueError(f"unknown region code {region!r}; allowed: {', '.join(region_codes())}")
    return code


def select(births: pd.DataFrame, years: Years) -> tuple[pd.DataFrame, pd.Series]:
    """Rows of the chosen years and a normalised 2-digit region code per row."""
    missing = [c for c in ("year", "region") if c not in births.columns]
    if missing:
        raise KeyError(f"births lacks required column(s) {missing}")
    ys = _years(years)
    return shared("select", births, year_key(ys), lambda: _select(births, ys))


def _select(births: pd.DataFrame, ys: list[int] | None) -> tuple[pd.DataFrame, pd.Series]:
    sel = births if ys is None else births[births["year"].astype(int).isin(ys)]
    if sel.empty:
        raise ValueError(f"no deliveries in the selected years {ys}")
    codes = as_text(sel["region"]).str.zfill(2)
    return sel, codes


def municipality_codes(s: pd.Series) -> pd.Series:
    text = s.astype("string").str.strip()
    text = text.mask(text == "")
    text = text.str.replace(r"\.0$", "", regex=True).str.zfill(4)
    bad = text.notna() & ~text.str.fullmatch(r"\d{4}").fillna(False)
    if bad.any():
        raise ValueError(f"municipality codes must be 4 digits: {text[bad].unique()[:5].tolist()}")
    return text
