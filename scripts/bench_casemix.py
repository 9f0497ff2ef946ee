"""Benchmark: case-mix models fitted on covariate-pattern counts vs one row per delivery.

Not a test (it takes tens of seconds). Builds a synthetic cohort of N deliveries
(default 500,000; all 21 regions, about 45 % nulliparous), fits every outcome's
national model both ways, and reports wall time, peak traced memory and the
largest absolute coefficient difference. Targets: collapsed total <= 5 s,
>= 20x faster than row level, max |diff| < 1e-6.

    .venv/bin/python scripts/bench_casemix.py [--n 500000] [--seed 1] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from analysis.chapters.nullipara import casemix as cm
from analysis.common.regions import region_codes


def make_cohort(n: int, seed: int) -> pd.DataFrame:
    """Deliveries following the data contract, outcomes loosely tied to age, BMI and birthweight."""
    rng = np.random.default_rng(seed)
    codes = region_codes()
    size = rng.uniform(0.3, 3.0, len(codes))
    region = rng.choice(codes, size=n, p=size / size.sum())
    age = np.clip(np.rint(rng.normal(30.5, 5.2, n)), 15, 50).astype(int)
    bmi = np.exp(rng.normal(np.log(24.5), 0.19, n))
    bmi[rng.random(n) < 0.05] = np.nan
    smoking = pd.array(rng.random(n) < 0.04, dtype="boolean")
    smoking[rng.random(n) < 0.03] = pd.NA
    country = rng.choice(["sweden", "nordic", "europe", "outside_europe"], n, p=[0.71, 0.03, 0.09, 0.17]).astype(object)
    country[rng.random(n) < 0.01] = None
    education = rng.choice(["compulsory", "upper_secondary", "tertiary"], n, p=[0.11, 0.36, 0.53]).astype(object)
    education[rng.random(n) < 0.03] = None
    parity = np.where(rng.random(n) < 0.45, 0, rng.integers(1, 4, n))
    plurality = np.where(rng.random(n) < 0.015, 2, 1)
    weeks = np.clip(np.rint(rng.normal(39.3, 1.6, n)), 24, 43).astype(int)
    birthweight = np.rint(rng.normal(3500 + 60 * (np.nan_to_num(bmi, nan=24.5) - 24.5), 480))
    risk = 0.04 * (age - 30) + 0.06 * (np.nan_to_num(bmi, nan=24.5) - 24.5)
    onset = np.where(rng.random(n) < 1 / (1 + np.exp(-(-1.0 + risk))), "induced", "spontaneous").astype(object)
    planned = rng.random(n) < 1 / (1 + np.exp(-(-2.8 + risk)))
    onset[planned] = "prelabour_cs"
    emergency = ~planned & (rng.random(n) < 1 / (1 + np.exp(-(-1.7 + risk + 0.5 * (onset == "induced")))))
    instrumental = ~planned & ~emergency & (rng.random(n) < 0.13)
    mode = np.select(
        [planned, emergency, instrumental & (rng.random(n) < 0.95), instrumental],
        ["planned_cs", "emergency_cs", "vacuum", "forceps"],
        "spontaneous_vaginal",
    )
    vaginal = ~planned & ~emergency
    oasis_p = 1 / (1 + np.exp(-(-3.2 + 0.0015 * (birthweight - 3500) + 0.9 * instrumental)))
    oasis = pd.array(np.where(vaginal, rng.random(n) < oasis_p, pd.NA), dtype="boolean")
    pph = rng.lognormal(np.log(400) + 0.5 * (planned | emergency) + 0.01 * risk, 0.55)
    return pd.DataFrame(
        {
            "year": rng.integers(2019, 2024, n),
            "region": region,
            "municipality": "0000",
            "parity": parity,
            "maternal_age": age,
            "plurality": plurality,
            "presentation": rng.choice(["cephalic", "breech", "other"], n, p=[0.955, 0.04, 0.005]),
            "gestational_weeks": weeks,
            "previous_cs": (parity > 0) & (rng.random(n) < 0.12),
            "onset": onset,
            "mode": mode,
            "bmi": bmi,
            "smoking": smoking,
            "country_of_birth": country,
            "education": education,
            "diabetes": rng.random(n) < 0.01,
            "hypertension": rng.random(n) < 0.02,
            "birthweight_g": birthweight,
            "oasis": oasis,
            "pph_ml": pph,
        }
    )


def collapsed_fits(births: pd.DataFrame) -> dict[str, cm.CasemixFit]:
    coded = cm.code_covariates(births)
    return {key: cm.fit_national(cm.prepare_outcome(births, key, coded=coded)) for key in cm.OUTCOME_KEYS}


def row_fits(births: pd.DataFrame) -> dict[str, cm.CasemixFit]:
    coded = cm.code_covariates(births)
    cfg = cm.load_outcome_config()
    fits = {}
    for key in cm.OUTCOME_KEYS:
        covs = [c for c in cfg.outcomes[key].covariates if c in coded.covariates]
        fits[key] = cm.fit_rows(coded, cm.outcome_rows(births, key), covs)
    return fits


def timed(func: Callable[[pd.DataFrame], Any], births: pd.DataFrame, repeats: int) -> tuple[float, Any]:
    """Best of ``repeats`` wall-clock runs (the first run also warms caches)."""
    best = float("inf")
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func(births)
        best = min(best, time.perf_counter() - start)
    return best, result


def peak_mib(func: Callable[[pd.DataFrame], Any], births: pd.DataFrame) -> float:
    """Peak memory allocated during one run (tracemalloc sees numpy and pandas buffers)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    func(births)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3, help="timing repeats for the collapsed fit")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args(argv)

    births = make_cohort(args.n, args.seed)
    t_collapsed, collapsed = timed(collapsed_fits, births, args.repeats)
    t_rows, rows = timed(row_fits, births, 1)
    mem_collapsed = peak_mib(collapsed_fits, births)
    mem_rows = peak_mib(row_fits, births)

    per_outcome = {}
    max_diff = 0.0
    for key in cm.OUTCOME_KEYS:
        a, b = collapsed[key], rows[key]
        if a.names != b.names:
            raise SystemExit(f"{key}: terms differ between collapsed and row-level fits")
        diff = float(np.max(np.abs(a.params - b.params)))
        max_diff = max(max_diff, diff)
        per_outcome[key] = {"n": a.n, "events": a.events, "patterns": a.n_patterns, "params": len(a.params), "max_abs_diff": diff}

    figures = {
        "deliveries": args.n,
        "collapsed_seconds": round(t_collapsed, 3),
        "row_level_seconds": round(t_rows, 3),
        "speedup": round(t_rows / t_collapsed, 1),
        "collapsed_peak_mib": round(mem_collapsed, 1),
        "row_level_peak_mib": round(mem_rows, 1),
        "max_abs_coef_diff": max_diff,
        "targets_met": {
            "collapsed_le_5s": t_collapsed <= 5.0,
            "speedup_ge_20": t_rows / t_collapsed >= 20.0,
            "coef_diff_lt_1e-6": max_diff < 1e-6,
        },
        "outcomes": per_outcome,
    }
    print(f"{'outcome':14s} {'n':>8s} {'events':>7s} {'patterns':>8s} {'params':>6s} {'max|diff|':>10s}")
    for key, row in per_outcome.items():
        print(f"{key:14s} {row['n']:8d} {row['events']:7d} {row['patterns']:8d} {row['params']:6d} {row['max_abs_diff']:10.2e}")
    print(
        f"collapsed {t_collapsed:.2f} s / {mem_collapsed:.0f} MiB peak; "
        f"row level {t_rows:.2f} s / {mem_rows:.0f} MiB peak; speed-up {t_rows / t_collapsed:.0f}x; "
        f"max |coef diff| {max_diff:.2e}"
    )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(figures, handle, indent=2)
    return 0 if all(figures["targets_met"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
