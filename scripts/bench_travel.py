"""Benchmark: the road model's calibration (with leave-one-municipality-out), all 1 km cells × all sites (the
book's model), p-median and maximal coverage for p = 1…6, and the whole travel page computation.

Run: .venv/bin/python scripts/bench_travel.py
"""

from __future__ import annotations

import time

import pandas as pd

from analysis.chapters.travel import page
from analysis.chapters.travel.model import (
    cost_model,
    default_candidates,
    optimise_hubs,
    region_origins,
    site_set,
    town_sites,
)
from analysis.chapters.travel.model.calibration import calibrate
from analysis.common import geodata


def main() -> float:
    timings: dict[str, float] = {}
    start = time.perf_counter()
    localities = geodata.localities()
    origins = region_origins()
    candidates = default_candidates(localities)
    sites = pd.concat(
        [town_sites(list(localities["locality"]), localities), site_set("hospitals"), site_set("bmm")], ignore_index=True
    )
    timings["inputs (origins, sites)"] = time.perf_counter() - start
    t = time.perf_counter()
    cal = calibrate()
    timings[f"calibration + LOMO ({cal.n_observations} cell-hub times)"] = time.perf_counter() - t
    t = time.perf_counter()
    tm = cost_model("graph").matrix(origins, sites)
    timings[f"region + calibrated matrix {tm.minutes.shape[0]} origins × {tm.minutes.shape[1]} sites"] = time.perf_counter() - t
    t = time.perf_counter()
    milp = optimise_hubs(tm, origins, candidates, method="milp")
    timings[f"MILP (HiGHS) p-median + max coverage, p = 1…6, {len(candidates)} candidates"] = time.perf_counter() - t
    t = time.perf_counter()
    enum = optimise_hubs(tm, origins, candidates, method="enumeration")
    timings["exact enumeration, same models"] = time.perf_counter() - t
    t = time.perf_counter()
    page.compute()
    timings["travel page compute() (includes its own calibration + LOMO)"] = time.perf_counter() - t
    total = time.perf_counter() - start
    for name, seconds in timings.items():
        print(f"{seconds:7.3f} s  {name}")
    print(f"{total:7.3f} s  total")
    same = (milp["mean_minutes"].round(9) == enum["mean_minutes"].round(9)).all()
    print(f"MILP and enumeration agree on every optimum: {bool(same)}")
    return total


if __name__ == "__main__":
    main()
