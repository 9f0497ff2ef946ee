"""Benchmark: generate, validate and load a synthetic births file; report seconds and peak memory.

Target on the project machine (2 cores): under 30 s and under 2 GB for 500,000 deliveries.
Usage: python scripts/bench_births.py [--rows 500000] [--seed 1] [--csv]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from analysis.births import generate, load_births, validate, write


def _peak_mb() -> float:
    """Peak resident set size of this process (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=500_000, help="approximate number of deliveries")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--csv", action="store_true", help="write CSV instead of Parquet")
    args = parser.parse_args(argv)
    years = list(range(2019, 2024))
    scale = args.rows / (100_000 * len(years))
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / ("births.csv" if args.csv else "births.parquet")
        t0 = time.perf_counter()
        result = generate(years=years, seed=args.seed, scale=scale)
        write(result, out)
        timings["generate+write"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        report = validate(out)
        timings["validate"] = time.perf_counter() - t1
        t2 = time.perf_counter()
        frame = load_births(out)
        timings["load"] = time.perf_counter() - t2
        size_mb = out.stat().st_size / 1e6
    total = sum(timings.values())
    print(f"rows: {len(frame):,}  file: {size_mb:.1f} MB ({out.suffix})  valid: {report.ok}")
    for step, seconds in timings.items():
        print(f"  {step:<15} {seconds:6.2f} s")
    print(f"  {'total':<15} {total:6.2f} s   peak memory {_peak_mb():.0f} MB")
    ok = report.ok and total < 30 and _peak_mb() < 2048
    print("target (< 30 s, < 2 GB):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
