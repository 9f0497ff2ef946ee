"""Model diagnostics: AUC, calibration by risk decile, Hosmer-Lemeshow, coefficient table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analysis.chapters.nullipara.model import (
    CasemixFit,
    PreparedOutcome,
    aggregate,
)
from analysis.common.disclosure import suppress

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
