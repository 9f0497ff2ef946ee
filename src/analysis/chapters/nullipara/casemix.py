"""Case-mix adjustment of first-time mothers' outcomes, NMPA style.

How much of a region's excess over the nation is case mix and how much is
practice: a national logistic model on pre-labour factors only gives each
region an expected count; observed/expected (O/E) is the practice signal and
(expected rate - national rate) the case-mix part of the gap.

Models are fitted on covariate-pattern counts (identical pre-labour profiles
collapsed, binomial GLM with counts): the likelihood is the same as one row per
delivery, so the estimates are identical, at a fraction of the time and memory.
Outcome definitions and covariate coding live in ``data/outcomes.yml``.
Missing covariate values are coded as an explicit "missing" level; an absent
optional column leaves its covariate out of the model and is reported.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
import yaml
from scipy import special, stats

from analysis.chapters.nullipara.funnel import Funnel, ratio_funnel
from analysis.common.disclosure import suppress, threshold
from analysis.common.paths import PACKAGE_DATA
from analysis.common.regions import HOME_REGION

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


def _config(config: OutcomeConfig | None) -> OutcomeConfig:
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
    cfg = _config(config)
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
            codes, labels = pd.factorize(births[column].astype(str).to_numpy(), sort=True)
            self._groups[column] = (codes.astype(np.int64), np.asarray(labels).astype(str))
        return self._groups[column]

    def frame(self, mask: np.ndarray | None = None) -> pd.DataFrame:
        """Categorical columns (reference level first) for display or truth comparison."""
        cols = {}
        for name in self.covariates:
            c = self.codes[name] if mask is None else self.codes[name][mask]
            cols[name] = pd.Categorical.from_codes(c, categories=list(self.levels[name]))
        return pd.DataFrame(cols)


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
    cfg = _config(config)
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


def _design(frame: pd.DataFrame, terms: Sequence[tuple[str, str]], extra: np.ndarray | None = None) -> np.ndarray:
    cols = [np.ones(len(frame))]
    for cov, level in terms:
        cat = frame[cov].cat
        cols.append((cat.codes.to_numpy() == list(cat.categories).index(level)).astype(float))
    if extra is not None:
        cols.append(np.asarray(extra, dtype=float))
    return np.column_stack(cols)


def _terms(frame: pd.DataFrame, covariates: Sequence[str], weight: np.ndarray) -> list[tuple[str, str]]:
    """Non-reference levels that occur among the fitted women (empty levels are not estimable)."""
    terms = []
    for cov in covariates:
        cat = frame[cov].cat
        counts = np.bincount(cat.codes.to_numpy(), weights=weight, minlength=len(cat.categories))
        terms.extend((cov, lev) for i, lev in enumerate(cat.categories) if i > 0 and counts[i] > 0)
    return terms


def _glm(endog: np.ndarray, exog: np.ndarray, offset: np.ndarray | None = None) -> tuple[Any, tuple[str, ...]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = sm.GLM(endog, exog, family=sm.families.Binomial(), offset=offset)
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
        return _design(frame, self.terms)

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
    terms = _terms(national, covs, n) if covs else []
    exog = _design(national, terms) if covs else np.ones((1, 1))
    result, caught = _glm(np.column_stack([ev, n - ev]), exog)
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
    terms = _terms(frame, covs, np.ones(len(frame)))
    result, caught = _glm(y, _design(frame, terms))
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
    cfg = _config(config)
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


# --------------------------------------------------------------------------- O/E


def poisson_ratio_ci(observed: np.ndarray, expected: np.ndarray, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) Poisson limits for O, divided by a fixed E."""
    o = np.asarray(observed, dtype=float)
    e = np.asarray(expected, dtype=float)
    low = np.where(o > 0, stats.chi2.ppf(alpha / 2, 2 * o) / 2, 0.0) / e
    high = stats.chi2.ppf(1 - alpha / 2, 2 * o + 2) / 2 / e
    return low, high


def clopper_pearson(events: np.ndarray, n: np.ndarray, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Exact binomial interval for a proportion."""
    x = np.asarray(events, dtype=float)
    m = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(x > 0, stats.beta.ppf(alpha / 2, x, m - x + 1), 0.0)
        high = np.where(x < m, stats.beta.ppf(1 - alpha / 2, x + 1, m - x), 1.0)
    return low, high


def observed_expected(
    prepared: PreparedOutcome, fit: CasemixFit, alpha: float = 0.05, region_column: str = "region"
) -> pd.DataFrame:
    """Per region: n, observed, expected (sum of national-model risks), O/E with exact Poisson CI, adjusted rate."""
    pat = prepared.patterns
    expected = pat["n"].to_numpy() * fit.predict(pat)
    table = (
        pd.DataFrame({region_column: pat[region_column], "n": pat["n"], "observed": pat["events"], "expected": expected})
        .groupby(region_column, sort=True)
        .sum()
        .reset_index()
    )
    low, high = poisson_ratio_ci(table["observed"].to_numpy(), table["expected"].to_numpy(), alpha)
    national = prepared.national_rate
    table["oe"] = table["observed"] / table["expected"]
    table["oe_low"] = low
    table["oe_high"] = high
    table["crude_rate"] = table["observed"] / table["n"]
    table["expected_rate"] = table["expected"] / table["n"]
    table["adjusted_rate"] = table["oe"] * national
    table["adjusted_low"] = low * national
    table["adjusted_high"] = high * national
    return table


# --------------------------------------------------------------------------- practice effect


@dataclass(frozen=True)
class PracticeEffect:
    """The region's log-odds shift not explained by case mix, with a Wald CI.

    ``indicator``: adjusted log-OR of the region versus the rest of the nation,
    from the national model refitted with one region indicator (estimand: the
    region's practice effect minus the case-mix-weighted mean of the others).
    ``offset``: one-parameter model on the region's women with the national
    model's linear predictor as offset (a logit O/E).
    """

    region: str
    method: str
    log_odds: float
    se: float
    low: float
    high: float

    @property
    def odds_ratio(self) -> float:
        return float(np.exp(self.log_odds))

    def as_dict(self) -> dict[str, float | str]:
        return {
            "method": self.method,
            "log_odds": self.log_odds,
            "se": self.se,
            "low": self.low,
            "high": self.high,
            "odds_ratio": self.odds_ratio,
            "or_low": float(np.exp(self.low)),
            "or_high": float(np.exp(self.high)),
        }


def practice_effect(
    prepared: PreparedOutcome,
    region: str,
    method: str = "indicator",
    fit: CasemixFit | None = None,
    alpha: float = 0.05,
    region_column: str = "region",
) -> PracticeEffect:
    """Estimate the region's practice effect on the logit scale (see ``PracticeEffect``)."""
    pat = prepared.patterns
    home = (pat[region_column] == region).to_numpy()
    if not home.any():
        raise ValueError(f"practice_effect: region {region!r} has no deliveries for {prepared.spec.key}")
    z = stats.norm.ppf(1 - alpha / 2)
    covs = list(prepared.covariates)
    if method == "indicator":
        data = pat.assign(_home=home.astype(np.int8))
        grouped = aggregate(data, [*covs, "_home"])
        n = grouped["n"].to_numpy(dtype=float)
        ev = grouped["events"].to_numpy(dtype=float)
        terms = _terms(grouped, covs, n)
        exog = _design(grouped, terms, extra=grouped["_home"].to_numpy())
        result, _ = _glm(np.column_stack([ev, n - ev]), exog)
        est = float(result.params[-1])
        se = float(np.sqrt(result.cov_params()[-1, -1]))
    elif method == "offset":
        base = fit if fit is not None else fit_national(prepared)
        sub = pat[home]
        n = sub["n"].to_numpy(dtype=float)
        ev = sub["events"].to_numpy(dtype=float)
        result, _ = _glm(np.column_stack([ev, n - ev]), np.ones((len(sub), 1)), offset=base.linear_predictor(sub))
        est = float(result.params[0])
        se = float(np.sqrt(result.cov_params()[0, 0]))
    else:
        raise ValueError(f"practice_effect: unknown method {method!r}")
    return PracticeEffect(region, method, est, se, est - z * se, est + z * se)


# --------------------------------------------------------------------------- decomposition


@dataclass(frozen=True)
class Decomposition:
    """Region's gap to the nation split into case mix and practice, in percentage points.

    gap = region crude - national crude; casemix_part = E/n - national crude;
    practice_part = (O - E)/n. Intervals: percentile bootstrap that resamples
    the region's women (multinomial over pattern x outcome cells) and draws the
    national coefficients from their sampling distribution; the national crude
    rate is treated as fixed.
    """

    region: str
    n: int
    observed: int
    expected: float
    region_rate: float
    national_rate: float
    gap: float
    gap_low: float
    gap_high: float
    casemix_part: float
    casemix_part_low: float
    casemix_part_high: float
    practice_part: float
    practice_part_low: float
    practice_part_high: float
    n_boot: int

    def as_dict(self) -> dict[str, float | int | str]:
        return {k: (float(v) if isinstance(v, (float, np.floating)) else v) for k, v in self.__dict__.items()}


def decompose(
    prepared: PreparedOutcome,
    fit: CasemixFit,
    region: str,
    n_boot: int = 400,
    seed: int = 20240601,
    alpha: float = 0.05,
    region_column: str = "region",
) -> Decomposition:
    """Gap = case-mix part + practice part for one region, with bootstrap intervals (see ``Decomposition``)."""
    rng = np.random.default_rng(seed)
    pat = prepared.patterns
    sub = pat[(pat[region_column] == region).to_numpy()]
    if sub.empty:
        raise ValueError(f"decompose: region {region!r} has no deliveries for {prepared.spec.key}")
    n_k = sub["n"].to_numpy(dtype=float)
    e_k = sub["events"].to_numpy(dtype=float)
    total = int(n_k.sum())
    exog = fit.design(sub)
    p_k = 1 / (1 + np.exp(-(exog @ fit.params)))
    national = prepared.national_rate
    observed = float(e_k.sum())
    expected = float((n_k * p_k).sum())

    cells = np.concatenate([e_k, n_k - e_k]) / total
    draws = rng.multinomial(total, cells, size=n_boot)
    k = len(n_k)
    ev_b = draws[:, :k]
    n_b = ev_b + draws[:, k:]
    beta_b = rng.multivariate_normal(fit.params, fit.cov, size=n_boot, method="eigh")
    p_b = special.expit(beta_b @ exog.T)
    obs_b = ev_b.sum(axis=1)
    exp_b = (n_b * p_b).sum(axis=1)
    gap_b = obs_b / total - national
    casemix_b = exp_b / total - national
    practice_b = (obs_b - exp_b) / total
    q = [100 * alpha / 2, 100 * (1 - alpha / 2)]

    def pp(x: float) -> float:
        return 100 * float(x)

    g_lo, g_hi = np.percentile(gap_b, q)
    c_lo, c_hi = np.percentile(casemix_b, q)
    p_lo, p_hi = np.percentile(practice_b, q)
    return Decomposition(
        region=region,
        n=total,
        observed=int(observed),
        expected=expected,
        region_rate=observed / total,
        national_rate=national,
        gap=pp(observed / total - national),
        gap_low=pp(g_lo),
        gap_high=pp(g_hi),
        casemix_part=pp(expected / total - national),
        casemix_part_low=pp(c_lo),
        casemix_part_high=pp(c_hi),
        practice_part=pp((observed - expected) / total),
        practice_part_low=pp(p_lo),
        practice_part_high=pp(p_hi),
        n_boot=n_boot,
    )


# --------------------------------------------------------------------------- diagnostics


def auc_from_counts(p: np.ndarray, n: np.ndarray, events: np.ndarray) -> float:
    """Mann-Whitney AUC from pattern counts: P(risk of a case > risk of a non-case), ties count 1/2."""
    p = np.asarray(p, dtype=float)
    pos = np.asarray(events, dtype=float)
    neg = np.asarray(n, dtype=float) - pos
    values, inverse = np.unique(p, return_inverse=True)
    pos_u = np.bincount(inverse, weights=pos, minlength=len(values))
    neg_u = np.bincount(inverse, weights=neg, minlength=len(values))
    neg_below = np.cumsum(neg_u) - neg_u
    total = pos_u.sum() * neg_u.sum()
    if total == 0:
        return float("nan")
    return float((pos_u * (neg_below + 0.5 * neg_u)).sum() / total)


def calibration_table(p: np.ndarray, n: np.ndarray, events: np.ndarray, groups: int = 10) -> pd.DataFrame:
    """Observed vs expected by groups of predicted risk (deciles of women; a pattern is never split).

    A pattern goes to the group holding the midpoint of its women in the
    risk-ordered cumulative count, so groups are near-equal in size.
    """
    p = np.asarray(p, dtype=float)
    n = np.asarray(n, dtype=float)
    events = np.asarray(events, dtype=float)
    order = np.argsort(p, kind="stable")
    cum = np.cumsum(n[order])
    mid = cum - n[order] / 2
    group = np.minimum((mid / cum[-1] * groups).astype(int), groups - 1)
    frame = pd.DataFrame({"group": group + 1, "n": n[order], "observed": events[order], "expected": (n * p)[order]})
    frame["p_min"] = p[order]
    frame["p_max"] = p[order]
    table = frame.groupby("group").agg(
        n=("n", "sum"),
        observed=("observed", "sum"),
        expected=("expected", "sum"),
        p_min=("p_min", "min"),
        p_max=("p_max", "max"),
    )
    table = table.reset_index()
    table["observed_rate"] = table["observed"] / table["n"]
    table["expected_rate"] = table["expected"] / table["n"]
    return table


def hosmer_lemeshow(table: pd.DataFrame) -> tuple[float, int, float]:
    """Hosmer-Lemeshow chi-square over the calibration groups (df = groups - 2)."""
    o = table["observed"].to_numpy(dtype=float)
    e = table["expected"].to_numpy(dtype=float)
    m = table["n"].to_numpy(dtype=float)
    stat = float((((o - e) ** 2) / (e * (1 - e / m))).sum())
    df = max(len(table) - 2, 1)
    return stat, df, float(stats.chi2.sf(stat, df))


@dataclass(frozen=True)
class ModelSummary:
    """What a reviewer needs: coefficients (small cells suppressed), fit statistics, calibration."""

    outcome: str
    coefficients: pd.DataFrame
    statistics: dict[str, Any]
    calibration: pd.DataFrame


def model_summary(prepared: PreparedOutcome, fit: CasemixFit, min_cell: int | None = None) -> ModelSummary:
    """Coefficient table with women/events per level, AUC, Hosmer-Lemeshow, deciles; cells < threshold blanked."""
    national = aggregate(prepared.patterns, prepared.covariates) if prepared.covariates else prepared.patterns
    p = fit.predict(national) if prepared.covariates else np.full(len(national), fit.events / fit.n)
    n = national["n"].to_numpy(dtype=float)
    ev = national["events"].to_numpy(dtype=float)
    coefs = fit.coefficients()
    level_n, level_events = [float(n.sum())], [float(ev.sum())]
    for cov, level in fit.terms:
        at = (national[cov] == level).to_numpy()
        level_n.append(float(n[at].sum()))
        level_events.append(float(ev[at].sum()))
    coefs.insert(3, "n", level_n)
    coefs.insert(4, "events", level_events)
    coefs["non_events"] = np.asarray(level_n) - np.asarray(level_events)
    values = ["estimate", "se", "low", "high", "odds_ratio", "or_low", "or_high", "p_value"]
    coefs = suppress(coefs, ["n", "events", "non_events"], values, min_cell=min_cell).drop(columns="non_events")
    calib = calibration_table(p, n, ev)
    hl_stat, hl_df, hl_p = hosmer_lemeshow(calib)
    calib = suppress(calib, ["n", "observed"], ["expected", "observed_rate", "expected_rate"], min_cell=min_cell)
    statistics = {
        "outcome": prepared.spec.key,
        "n": fit.n,
        "events": fit.events,
        "n_patterns": fit.n_patterns,
        "n_parameters": len(fit.params),
        "covariates": list(fit.covariates),
        "absent_covariates": list(prepared.absent),
        "missing_category": dict(prepared.missing),
        "birthweight_adjusted": prepared.spec.birthweight,
        "deviance": fit.deviance,
        "null_deviance": fit.null_deviance,
        "converged": fit.converged,
        "warnings": list(fit.warnings),
        "auc": auc_from_counts(p, n, ev),
        "hosmer_lemeshow": hl_stat,
        "hosmer_lemeshow_df": hl_df,
        "hosmer_lemeshow_p": hl_p,
    }
    return ModelSummary(prepared.spec.key, coefs, statistics, calib)


# --------------------------------------------------------------------------- crude rates


def crude_rates(
    births: pd.DataFrame,
    region: str = HOME_REGION,
    outcomes: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
    by_year: bool = True,
    config: OutcomeConfig | None = None,
    alpha: float = 0.05,
    region_column: str = "region",
) -> pd.DataFrame:
    """Crude rates among nulliparous women, region vs nation, pooled (``year`` NA) and per year, exact CIs.

    Outcomes whose columns are absent are skipped (``nullipara_results`` reports them).
    Pass the result through ``displayable`` before showing it.
    """
    cfg = _config(config)
    data = births if years is None else births[births["year"].isin(list(years))]
    rows = []
    home = (data[region_column].astype(str) == region).to_numpy()
    year = data["year"].to_numpy()
    for key in outcomes or OUTCOME_KEYS:
        try:
            flags = outcome_rows(data, key, cfg)
        except OutcomeUnavailable:
            continue
        for area, in_area in (("region", home), ("nation", np.ones(len(data), dtype=bool))):
            selected = flags.in_denominator & in_area
            periods: list[tuple[int | None, np.ndarray]] = [(None, selected)]
            if by_year:
                periods += [(int(y), selected & (year == y)) for y in sorted(np.unique(year[selected]))]
            for y, sel in periods:
                rows.append(
                    {
                        "outcome": key,
                        "area": region if area == "region" else "nation",
                        "year": y,
                        "n": int(sel.sum()),
                        "events": int(flags.event[sel].sum()),
                    }
                )
    table = pd.DataFrame(rows, columns=["outcome", "area", "year", "n", "events"])
    table["year"] = table["year"].astype("Int64")
    low, high = clopper_pearson(table["events"].to_numpy(), table["n"].to_numpy(), alpha)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["rate"] = table["events"] / table["n"]
    table["low"] = low
    table["high"] = high
    return table


def displayable(table: pd.DataFrame, min_cell: int | None = None) -> pd.DataFrame:
    """Disclosure control for this module's tables: blank rows resting on fewer than the threshold.

    Counts are ``n``/``events``/``observed`` (and the non-events implied by
    them); every other numeric column is treated as derived and blanked too.
    """
    counts = [c for c in ("n", "events", "observed") if c in table.columns]
    work = table.copy()
    events_col = "events" if "events" in work.columns else ("observed" if "observed" in work.columns else None)
    if events_col is not None and "n" in work.columns:
        work["_non_events"] = work["n"] - work[events_col]
        counts.append("_non_events")
    keep = {"year", "group", "decile"}
    values = [c for c in work.columns if c not in counts and c not in keep and pd.api.types.is_float_dtype(work[c])]
    out = suppress(work, counts, values, min_cell=min_cell)
    return out.drop(columns=[c for c in ("_non_events",) if c in out.columns])


# --------------------------------------------------------------------------- indirect standardisation


def national_reference_rates(
    births: pd.DataFrame,
    outcome: str,
    strata: Sequence[str] = DEFAULT_STRATA,
    config: OutcomeConfig | None = None,
) -> pd.DataFrame:
    """National stratum-specific rates (CSV-able): outcome, strata labels, n, events, rate.

    If the table is published, pass it through ``displayable`` first: strata
    with fewer than five women, events or non-events lose their rate, and a
    region using the published table then reports those women as unmatched.
    """
    cfg = _config(config)
    rows = outcome_rows(births, outcome, cfg)
    coded = code_covariates(births, strata, cfg)
    if coded.absent:
        raise OutcomeUnavailable(f"national_reference_rates: strata columns absent: {list(coded.absent)}")
    table = collapse(coded, rows.event, rows.in_denominator, list(strata))
    for s in strata:
        table[s] = table[s].astype(str)
    table["rate"] = table["events"] / table["n"]
    table.insert(0, "outcome", outcome)
    return table.sort_values(list(strata)).reset_index(drop=True)


@dataclass(frozen=True)
class IndirectStandardisation:
    """Region's observed vs expected from national stratum rates; SR with exact Poisson CI."""

    outcome: str
    strata: tuple[str, ...]
    n: int
    observed: int
    expected: float
    sr: float
    sr_low: float
    sr_high: float
    reference_rate: float
    adjusted_rate: float
    adjusted_low: float
    adjusted_high: float
    n_unmatched: int
    observed_unmatched: int
    by_stratum: pd.DataFrame

    def as_dict(self) -> dict[str, Any]:
        items = ((k, v) for k, v in self.__dict__.items() if k != "by_stratum")
        return {k: (float(v) if isinstance(v, (float, np.floating)) else v) for k, v in items}


def indirect_standardise(
    region_births: pd.DataFrame,
    reference_rates: pd.DataFrame,
    strata: Sequence[str] | None = None,
    outcome: str | None = None,
    config: OutcomeConfig | None = None,
    alpha: float = 0.05,
) -> IndirectStandardisation:
    """Indirect standardisation with only the region's microdata and a national rate table.

    E = sum over strata of (region's women) x (national rate). Women in strata
    the table lacks (or whose rate is suppressed) are excluded from O and E and
    counted in ``n_unmatched``. The adjusted rate is SR x the reference table's
    overall rate.
    """
    cfg = _config(config)
    if outcome is None:
        found = reference_rates["outcome"].unique() if "outcome" in reference_rates.columns else []
        if len(found) != 1:
            raise ValueError("indirect_standardise: pass outcome= (reference table has no single outcome)")
        outcome = str(found[0])
    strata = tuple(strata) if strata is not None else tuple(c for c in reference_rates.columns if c in cfg.covariates)
    rows = outcome_rows(region_births, outcome, cfg)
    coded = code_covariates(region_births, strata, cfg)
    if coded.absent:
        raise OutcomeUnavailable(f"indirect_standardise: strata columns absent: {list(coded.absent)}")
    own = collapse(coded, rows.event, rows.in_denominator, list(strata))
    for s in strata:
        own[s] = own[s].astype(str)
    ref = reference_rates[[*strata, "rate"]].copy()
    for s in strata:
        ref[s] = ref[s].astype(str)
    merged = own.merge(ref, on=list(strata), how="left")
    matched = merged["rate"].notna().to_numpy()
    merged["expected"] = merged["n"] * merged["rate"]
    use = merged[matched]
    observed = int(use["events"].sum())
    expected = float(use["expected"].sum())
    low, high = poisson_ratio_ci(np.array([observed]), np.array([expected]), alpha)
    if {"n", "events"} <= set(reference_rates.columns) and reference_rates["n"].notna().all():
        overall = float(reference_rates["events"].sum() / reference_rates["n"].sum())
    else:
        overall = float("nan")
    sr = observed / expected if expected > 0 else float("nan")
    return IndirectStandardisation(
        outcome=outcome,
        strata=strata,
        n=int(use["n"].sum()),
        observed=observed,
        expected=expected,
        sr=sr,
        sr_low=float(low[0]),
        sr_high=float(high[0]),
        reference_rate=overall,
        adjusted_rate=sr * overall,
        adjusted_low=float(low[0]) * overall,
        adjusted_high=float(high[0]) * overall,
        n_unmatched=int(merged.loc[~matched, "n"].sum()),
        observed_unmatched=int(merged.loc[~matched, "events"].sum()),
        by_stratum=merged.rename(columns={"events": "observed"}),
    )


# --------------------------------------------------------------------------- chapter bundle


@dataclass(frozen=True)
class OutcomeAnalysis:
    """Everything the chapter shows for one outcome."""

    prepared: PreparedOutcome
    fit: CasemixFit
    oe: pd.DataFrame
    funnel: Funnel
    decomposition: Decomposition
    practice: PracticeEffect
    summary: ModelSummary


def analyse_outcome(
    births: pd.DataFrame,
    outcome: str,
    region: str = HOME_REGION,
    config: OutcomeConfig | None = None,
    coded: CodedCovariates | None = None,
    n_boot: int = 400,
    seed: int = 20240601,
) -> OutcomeAnalysis:
    """National fit, O/E for every region, funnel with overdispersion check, decomposition, summary."""
    prepared = prepare_outcome(births, outcome, config, coded)
    fit = fit_national(prepared)
    oe = observed_expected(prepared, fit)
    funnel = ratio_funnel(oe, id_column="region", highlight=region)
    decomposition = decompose(prepared, fit, region, n_boot=n_boot, seed=seed)
    practice = practice_effect(prepared, region, "indicator", fit)
    return OutcomeAnalysis(prepared, fit, oe, funnel, decomposition, practice, model_summary(prepared, fit))


def _plain(value: Any) -> Any:
    """JSON-safe scalar: numpy to Python, NaN/inf to None."""
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return v if np.isfinite(v) else None
    if isinstance(value, (np.bool_,)):
        return bool(value)
    return value


@dataclass(frozen=True)
class NulliparaAnalysis:
    """One run of the chapter: the per-outcome fits and the JSON results made from exactly those fits.

    ``results`` is the plain-JSON structure for ``_build/results/nullipara.json``
    (see ``nullipara_analysis``); ``analyses`` maps each computed outcome to its
    ``OutcomeAnalysis`` (funnels, model summaries), so a page never refits.
    """

    results: dict[str, Any]
    analyses: dict[str, OutcomeAnalysis]


def nullipara_analysis(
    births: pd.DataFrame,
    region: str = HOME_REGION,
    years: Sequence[int] | None = None,
    outcomes: Sequence[str] | None = None,
    n_boot: int = 400,
    seed: int = 20240601,
    config: OutcomeConfig | None = None,
    min_cell: int | None = None,
) -> NulliparaAnalysis:
    """Fit every outcome once and return both the fits and the JSON results structure.

    ``results["outcomes"][key]["regions"][code]`` holds n, observed, expected, oe,
    oe_low, oe_high; the home region adds gap, casemix_part, practice_part (pp)
    with _low/_high. Region rows resting on fewer than ``min_cell`` women, events
    or non-events keep n only (when n itself is large enough) and ``suppressed: true``.
    Outcomes that cannot be computed are listed under ``unavailable`` with the
    reason and have no entry in ``analyses``. No module state is touched, so
    concurrent calls are safe.
    """
    cfg = _config(config)
    limit = threshold() if min_cell is None else min_cell
    data = births if years is None else births[births["year"].isin(list(years))]
    keys = list(outcomes or OUTCOME_KEYS)
    needed = sorted({c for k in keys for c in cfg.outcomes[k].covariates}, key=list(cfg.covariates).index)
    coded = code_covariates(data, needed, cfg)
    out: dict[str, Any] = {
        "home_region": region,
        "years": sorted(int(y) for y in pd.unique(data["year"])),
        "population": cfg.population_label,
        "min_cell": limit,
        "outcomes": {},
        "unavailable": {},
    }
    analyses: dict[str, OutcomeAnalysis] = {}
    for key in keys:
        spec = cfg.outcomes[key]
        try:
            res = analyse_outcome(data, key, region, cfg, coded, n_boot=n_boot, seed=seed)
        except OutcomeUnavailable as exc:
            out["unavailable"][key] = f"missing column or no data: {exc.args[0]}"
            continue
        analyses[key] = res
        regions: dict[str, dict[str, Any]] = {}
        for row in res.oe.itertuples(index=False):
            small = min(row.n, row.observed, row.n - row.observed) < limit
            entry: dict[str, Any] = {
                "n": int(row.n) if row.n >= limit else None,
                "observed": None if small else int(row.observed),
                "expected": None if small else _plain(row.expected),
                "oe": None if small else _plain(row.oe),
                "oe_low": None if small else _plain(row.oe_low),
                "oe_high": None if small else _plain(row.oe_high),
                "suppressed": bool(small),
            }
            if row.region == region:
                d = res.decomposition
                for part in ("gap", "casemix_part", "practice_part"):
                    for suffix in ("", "_low", "_high"):
                        entry[part + suffix] = None if small else _plain(getattr(d, part + suffix))
            regions[str(row.region)] = entry
        stats_ = res.summary.statistics
        home_entry = regions.get(region)
        practice = None
        if home_entry is not None and not home_entry["suppressed"]:
            practice = {k: _plain(v) for k, v in res.practice.as_dict().items()}
        out["outcomes"][key] = {
            "label_en": spec.label_en,
            "label_sv": spec.label_sv,
            "denominator": spec.denominator_label,
            "covariates": list(res.prepared.covariates),
            "absent_covariates": list(res.prepared.absent),
            "birthweight_adjusted": spec.birthweight,
            "missing_category": {k: int(v) for k, v in res.prepared.missing.items()},
            "excluded_missing_outcome": res.prepared.n_outcome_missing,
            "excluded_missing_denominator_rule": res.prepared.n_rule_missing,
            "national": {
                "n": res.prepared.n,
                "observed": res.prepared.events,
                "rate": _plain(res.prepared.national_rate),
            },
            "regions": regions,
            "practice_effect": practice,
            "overdispersion": {k: _plain(v) for k, v in res.funnel.dispersion.as_dict().items()},
            "model": {
                "n": stats_["n"],
                "events": stats_["events"],
                "n_patterns": stats_["n_patterns"],
                "auc": _plain(stats_["auc"]),
                "hosmer_lemeshow_p": _plain(stats_["hosmer_lemeshow_p"]),
                "converged": stats_["converged"],
            },
            "n_boot": n_boot,
        }
    return NulliparaAnalysis(results=out, analyses=analyses)


def nullipara_results(
    births: pd.DataFrame,
    region: str = HOME_REGION,
    years: Sequence[int] | None = None,
    outcomes: Sequence[str] | None = None,
    n_boot: int = 400,
    seed: int = 20240601,
    config: OutcomeConfig | None = None,
    min_cell: int | None = None,
) -> dict[str, Any]:
    """Results structure for ``_build/results/nullipara.json`` only (``nullipara_analysis(...).results``)."""
    return nullipara_analysis(births, region, years, outcomes, n_boot, seed, config, min_cell).results
