"""Covariate coding, collapsing to covariate patterns and the national logistic case-mix model.

Models are fitted on covariate-pattern counts (identical pre-labour profiles
collapsed, binomial GLM with counts): the likelihood is the same as one row per
delivery, so the estimates are identical, at a fraction of the time and memory.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.genmod.families import Binomial
from statsmodels.genmod.generalized_linear_model import GLM

from analysis.chapters.nullipara.outcomes import (
    CovariateSpec,
    OutcomeConfig,
    OutcomeRows,
    OutcomeSpec,
    OutcomeUnavailable,
    outcome_rows,
    resolve_config,
)

# --------------------------------------------------------------------------- coding


@dataclass(frozen=True)
class CodedCovariates:
    """Integer-coded classes per covariate; ``levels[name][code]`` is the class label."""

    codes: Mapping[str, np.ndarray]
    levels: Mapping[str, tuple[str, ...]]
    covariates: tuple[str, ...]
    absent: tuple[str, ...]
    missing: Mapping[str, int]
    missing_label: str = "missing"
    _groups: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, compare=False, repr=False)

    def group_codes(self, births: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
        """Integer codes and sorted labels of a grouping column, computed once per coded frame.

        Every outcome collapses by region; factorising half a million strings once instead of
        six times is most of the collapse's cost.
        """
        if column not in self._groups:
            self._groups[column] = _text_codes(births[column])
        return self._groups[column]

    def frame(self, mask: np.ndarray | None = None) -> pd.DataFrame:
        """Categorical columns (reference level first) for display or truth comparison."""
        cols = {}
        for name in self.covariates:
            c = self.codes[name] if mask is None else self.codes[name][mask]
            cols[name] = pd.Categorical.from_codes(c, categories=list(self.levels[name]))
        return pd.DataFrame(cols)


def _text_categorical(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.CategoricalDtype) and pd.api.types.is_string_dtype(series.cat.categories.dtype)


def _text_codes(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(series.astype(str), sort=True)`` (missing: -1): a categorical of text is done on its categories."""
    if _text_categorical(series):
        row_codes = series.cat.codes.to_numpy()
        used = np.unique(row_codes[row_codes >= 0])
        names = np.asarray(series.cat.categories.astype(str), dtype=object)[used]
        order = np.argsort(names, kind="stable")  # the labels sorted as factorize(sort=True) sorts them
        lookup = np.full(len(series.cat.categories) + 1, -1, dtype=np.int64)  # the last entry: code -1 stays -1
        lookup[used[order]] = np.arange(len(used))
        return lookup[row_codes], names[order].astype(str)
    codes, labels = pd.factorize(series.astype(str).to_numpy(), sort=True)
    return codes.astype(np.int64), np.asarray(labels).astype(str)


def text_values(series: pd.Series, missing: str) -> np.ndarray:
    """``series.astype("string").fillna(missing)`` as an object array of Python strings; a categorical of text
    converts its few categories once instead of every row."""
    if _text_categorical(series):
        names = np.append(np.asarray(series.cat.categories.astype(str), dtype=object), missing)
        return names[series.cat.codes.to_numpy()]  # code -1 (missing) picks the appended ``missing``
    return np.asarray(series.astype("string").fillna(missing).to_numpy(dtype=object), dtype=object)


def is_value(series: pd.Series, value: str) -> np.ndarray:
    """``(series.astype(str) == value).to_numpy()`` (a missing value is never equal), the test for a region's rows."""
    if _text_categorical(series):
        hit = np.append(np.asarray(series.cat.categories.astype(str), dtype=object) == value, False)
        return np.asarray(hit[series.cat.codes.to_numpy()], dtype=bool)
    return np.asarray((series.astype(str) == value).to_numpy(), dtype=bool)


def _code_one(series: pd.Series, spec: CovariateSpec, missing_label: str) -> np.ndarray:
    levels = spec.levels(missing_label)
    position = {lab: levels.index(lab) for lab in spec.labels}
    missing_code = len(levels) - 1
    if spec.kind == "bins":
        values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
        natural = np.searchsorted(np.asarray(spec.breaks), values, side="right")
        remap = np.array([position[lab] for lab in spec.labels], dtype=np.int16)
        codes = remap[np.clip(natural, 0, len(spec.labels) - 1)]
        codes[np.isnan(values)] = missing_code
        return codes.astype(np.int16)
    if spec.kind == "boolean":
        flags = series.astype("boolean")
        codes = np.where(flags.fillna(False).to_numpy(dtype=bool), position[spec.labels[1]], position[spec.labels[0]])
        codes[flags.isna().to_numpy()] = missing_code
        return codes.astype(np.int16)
    if _text_categorical(series):  # classify the few categories, then look every row up by its category code
        row_codes = series.cat.codes.to_numpy()
        used = np.zeros(len(series.cat.categories), dtype=bool)
        used[row_codes[row_codes >= 0]] = True  # an unused category is not checked, as no row has it
        per_category = _code_one(pd.Series(series.cat.categories).where(used), spec, missing_label)
        return np.where(row_codes < 0, missing_code, per_category[row_codes]).astype(np.int16)
    text = series.astype("string")
    unknown = text.notna() & ~text.isin(list(spec.labels))
    if unknown.any():
        bad = sorted(set(text[unknown].astype(str)))[:5]
        raise ValueError(f"code_covariates: {spec.source} has values outside {list(spec.labels)}: {bad}")
    # Categorical coding is a vectorised lookup (Series.map with a dict is several times slower).
    natural = pd.Categorical(text, categories=list(spec.labels)).codes
    remap = np.array([position[lab] for lab in spec.labels] + [missing_code], dtype=np.int16)
    return remap[np.where(natural < 0, len(spec.labels), natural)]


def code_covariates(
    births: pd.DataFrame,
    covariates: Sequence[str] | None = None,
    config: OutcomeConfig | None = None,
) -> CodedCovariates:
    """Class every requested covariate; absent source columns are left out and listed in ``absent``.

    Default covariates: every configured covariate, birthweight class included.
    A column that is present but has values outside its labels raises, because
    a silent recode would change the model without anyone noticing.
    """
    cfg = resolve_config(config)
    names = list(cfg.covariates) if covariates is None else list(covariates)
    codes: dict[str, np.ndarray] = {}
    levels: dict[str, tuple[str, ...]] = {}
    missing: dict[str, int] = {}
    used: list[str] = []
    absent: list[str] = []
    for name in names:
        spec = cfg.covariates[name]
        if spec.source not in births.columns:
            absent.append(name)
            continue
        coded = _code_one(births[spec.source], spec, cfg.missing_label)
        codes[name] = coded
        levels[name] = spec.levels(cfg.missing_label)
        missing[name] = int((coded == len(levels[name]) - 1).sum())
        used.append(name)
    return CodedCovariates(codes, levels, tuple(used), tuple(absent), missing, cfg.missing_label)


# --------------------------------------------------------------------------- collapsing


def collapse(
    coded: CodedCovariates,
    event: np.ndarray,
    mask: np.ndarray | None = None,
    covariates: Sequence[str] | None = None,
    group: np.ndarray | None = None,
    group_name: str = "region",
    group_codes: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Counts per covariate pattern (and group): one row per distinct profile with ``n`` and ``events``.

    The group is given either as raw values (``group``) or pre-factorised (``group_codes``:
    integer codes per row and the labels they index).

    Uses a mixed-radix integer key and ``bincount`` so half a million rows
    collapse in milliseconds.
    """
    covs = list(coded.covariates if covariates is None else covariates)
    idx = np.flatnonzero(mask) if mask is not None else np.arange(len(event))
    key = np.zeros(len(idx), dtype=np.int64)
    radix = 1
    radices = []
    for name in covs:
        size = len(coded.levels[name])
        key += coded.codes[name][idx].astype(np.int64) * radix
        radices.append((name, radix, size))
        radix *= size
    group_values: np.ndarray | None = None
    if group_codes is not None:
        all_codes, group_values = group_codes
        key += all_codes[idx] * radix
        group = group_values  # marks that a group column is wanted
    elif group is not None:
        gcodes, group_values = pd.factorize(np.asarray(group)[idx], sort=True)
        key += gcodes.astype(np.int64) * radix
    ids, keys = pd.factorize(key, sort=True)
    n = np.bincount(ids, minlength=len(keys))
    ev = np.bincount(ids, weights=np.asarray(event, dtype=float)[idx], minlength=len(keys))
    keys = np.asarray(keys, dtype=np.int64)
    out: dict[str, Any] = {}
    for name, r, size in radices:
        out[name] = pd.Categorical.from_codes((keys // r) % size, categories=list(coded.levels[name]))
    if group is not None and group_values is not None:
        out[group_name] = np.asarray(group_values)[keys // radix].astype(str)
    out["n"] = n.astype(np.int64)
    out["events"] = np.rint(ev).astype(np.int64)
    return pd.DataFrame(out)


def aggregate(patterns: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Sum ``n`` and ``events`` over everything not in ``keys`` (e.g. drop the region)."""
    return patterns.groupby(list(keys), observed=True, sort=False)[["n", "events"]].sum().reset_index()


# --------------------------------------------------------------------------- model


def design_matrix(frame: pd.DataFrame, terms: Sequence[tuple[str, str]], extra: np.ndarray | None = None) -> np.ndarray:
    cols = [np.ones(len(frame))]
    for cov, level in terms:
        cat = frame[cov].cat
        cols.append((cat.codes.to_numpy() == list(cat.categories).index(level)).astype(float))
    if extra is not None:
        cols.append(np.asarray(extra, dtype=float))
    return np.column_stack(cols)


def model_terms(frame: pd.DataFrame, covariates: Sequence[str], weight: np.ndarray) -> list[tuple[str, str]]:
    """Non-reference levels that occur among the fitted women (empty levels are not estimable)."""
    terms: list[tuple[str, str]] = []
    for cov in covariates:
        cat = frame[cov].cat
        counts = np.bincount(cat.codes.to_numpy(), weights=weight, minlength=len(cat.categories))
        terms.extend((cov, lev) for i, lev in enumerate(cat.categories) if i > 0 and counts[i] > 0)
    return terms


def fit_glm(endog: np.ndarray, exog: np.ndarray, offset: np.ndarray | None = None) -> tuple[Any, tuple[str, ...]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = GLM(endog, exog, family=Binomial(), offset=offset)  # not statsmodels.api: it imports every model
        result = model.fit(tol=1e-10, maxiter=100)
    return result, tuple(sorted({str(w.message).splitlines()[0] for w in caught}))


@dataclass(frozen=True)
class CasemixFit:
    """A fitted national case-mix model: coefficients on the logit scale with their covariance."""

    outcome: str
    covariates: tuple[str, ...]
    terms: tuple[tuple[str, str], ...]
    params: np.ndarray
    cov: np.ndarray
    n: int
    events: int
    n_patterns: int
    deviance: float
    null_deviance: float
    converged: bool
    iterations: int
    warnings: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return ["Intercept", *[f"{c}[{lev}]" for c, lev in self.terms]]

    def params_series(self) -> pd.Series:
        return pd.Series(self.params, index=self.names)

    def design(self, frame: pd.DataFrame) -> np.ndarray:
        """Design matrix for new patterns; a level the model never saw raises rather than acting as reference."""
        seen = {c: {lev for cc, lev in self.terms if cc == c} for c in self.covariates}
        for cov in self.covariates:
            cat = frame[cov].cat
            present = set(np.asarray(cat.categories)[np.unique(cat.codes.to_numpy())])
            unknown = present - seen[cov] - {cat.categories[0]}
            if unknown:
                raise ValueError(f"{self.outcome}: level(s) {sorted(unknown)} of {cov} not in the fitted model")
        return design_matrix(frame, self.terms)

    def linear_predictor(self, frame: pd.DataFrame, params: np.ndarray | None = None) -> np.ndarray:
        return self.design(frame) @ (self.params if params is None else params).T

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return 1 / (1 + np.exp(-self.linear_predictor(frame)))

    def coefficients(self, alpha: float = 0.05) -> pd.DataFrame:
        """Log-odds, SE, Wald CI, odds ratios and p-values per term."""
        se = np.sqrt(np.diag(self.cov))
        z = stats.norm.ppf(1 - alpha / 2)
        names = self.names
        covs = ["(intercept)", *[c for c, _ in self.terms]]
        levels = ["", *[lev for _, lev in self.terms]]
        with np.errstate(over="ignore"):
            return pd.DataFrame(
                {
                    "term": names,
                    "covariate": covs,
                    "level": levels,
                    "estimate": self.params,
                    "se": se,
                    "low": self.params - z * se,
                    "high": self.params + z * se,
                    "odds_ratio": np.exp(self.params),
                    "or_low": np.exp(self.params - z * se),
                    "or_high": np.exp(self.params + z * se),
                    "p_value": 2 * stats.norm.sf(np.abs(self.params / se)),
                }
            )


def fit_patterns(patterns: pd.DataFrame, covariates: Sequence[str], outcome: str = "") -> CasemixFit:
    """Binomial GLM on pattern counts (events, n - events): same likelihood as row-level data."""
    covs = tuple(covariates)
    national = aggregate(patterns, covs) if covs else patterns[["n", "events"]].sum().to_frame().T
    n = national["n"].to_numpy(dtype=float)
    ev = national["events"].to_numpy(dtype=float)
    terms = model_terms(national, covs, n) if covs else []
    exog = design_matrix(national, terms) if covs else np.ones((1, 1))
    result, caught = fit_glm(np.column_stack([ev, n - ev]), exog)
    return CasemixFit(
        outcome=outcome,
        covariates=covs,
        terms=tuple(terms),
        params=np.asarray(result.params, dtype=float),
        cov=np.asarray(result.cov_params(), dtype=float),
        n=int(n.sum()),
        events=int(ev.sum()),
        n_patterns=len(national),
        deviance=float(result.deviance),
        null_deviance=float(result.null_deviance),
        converged=bool(result.converged),
        iterations=int(result.fit_history["iteration"]),
        warnings=caught,
    )


def fit_rows(coded: CodedCovariates, rows: OutcomeRows, covariates: Sequence[str] | None = None) -> CasemixFit:
    """Row-level (one row per delivery) fit of the same model, kept for benchmarks and equality checks."""
    covs = tuple(coded.covariates if covariates is None else covariates)
    mask = rows.in_denominator
    frame = coded.frame(mask)[list(covs)]
    y = rows.event[mask].astype(float)
    terms = model_terms(frame, covs, np.ones(len(frame)))
    result, caught = fit_glm(y, design_matrix(frame, terms))
    return CasemixFit(
        outcome=rows.key,
        covariates=covs,
        terms=tuple(terms),
        params=np.asarray(result.params, dtype=float),
        cov=np.asarray(result.cov_params(), dtype=float),
        n=len(y),
        events=int(y.sum()),
        n_patterns=len(y),
        deviance=float(result.deviance),
        null_deviance=float(result.null_deviance),
        converged=bool(result.converged),
        iterations=int(result.fit_history["iteration"]),
        warnings=caught,
    )


# --------------------------------------------------------------------------- preparation


@dataclass(frozen=True)
class PreparedOutcome:
    """One outcome's region-by-pattern counts plus what was left out or coded missing."""

    spec: OutcomeSpec
    patterns: pd.DataFrame
    covariates: tuple[str, ...]
    absent: tuple[str, ...]
    missing: Mapping[str, int]
    n_population: int
    n_rule_missing: int
    n_outcome_missing: int

    @property
    def n(self) -> int:
        return int(self.patterns["n"].sum())

    @property
    def events(self) -> int:
        return int(self.patterns["events"].sum())

    @property
    def national_rate(self) -> float:
        return self.events / self.n


def prepare_outcome(
    births: pd.DataFrame,
    outcome: str,
    config: OutcomeConfig | None = None,
    coded: CodedCovariates | None = None,
    region_column: str = "region",
) -> PreparedOutcome:
    """Outcome flags + coded covariates collapsed to (region, pattern) counts."""
    cfg = resolve_config(config)
    spec = cfg.outcomes[outcome]
    rows = outcome_rows(births, outcome, cfg)
    if coded is None:
        coded = code_covariates(births, spec.covariates, cfg)
    covs = tuple(c for c in spec.covariates if c in coded.covariates)
    absent = tuple(c for c in spec.covariates if c not in coded.covariates)
    mask = rows.in_denominator
    if not mask.any():
        raise OutcomeUnavailable(f"{outcome}: no deliveries in the denominator")
    patterns = collapse(coded, rows.event, mask, covs, group_codes=coded.group_codes(births, region_column))
    # counted on the collapsed patterns (a few thousand rows), not on every delivery
    missing = {c: int(patterns["n"].to_numpy()[patterns[c].cat.codes.to_numpy() == len(coded.levels[c]) - 1].sum()) for c in covs}
    return PreparedOutcome(spec, patterns, covs, absent, missing, rows.n_population, rows.n_rule_missing, rows.n_outcome_missing)


def fit_national(prepared: PreparedOutcome) -> CasemixFit:
    """The national reference model (all regions pooled, no region terms), as in the NMPA."""
    return fit_patterns(prepared.patterns, prepared.covariates, prepared.spec.key)
