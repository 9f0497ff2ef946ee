"""The embedded default data: the synthetic national cohort, generated on demand and reused.

The cohort is not committed (it is derived data). It is regenerated whenever the
generator's code or configuration changes, so a build never runs on a stale cohort.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from analysis.common.paths import PACKAGE_DATA, PACKAGE_DIR, build_dir


def _generator_fingerprint() -> str:
    h = hashlib.sha256()
    inputs = [*sorted((PACKAGE_DIR / "births").glob("*.py")), PACKAGE_DATA / "synth_config.yml"]
    for path in [*inputs, PACKAGE_DATA / "published_indicators.csv"]:
        h.update(path.read_bytes())
    geodata = PACKAGE_DIR.parent.parent / "geodata" / "municipalities.csv"
    if geodata.exists():
        h.update(geodata.read_bytes())
    return h.hexdigest()[:12]


def write(out: Path, years: str = "2019-2023", seed: int = 1, scale: float = 1.0) -> Path:
    """Generate the cohort to ``out`` (Parquet, or CSV by suffix) with its truth file beside it."""
    from analysis.births import parse_years, synth

    out.parent.mkdir(parents=True, exist_ok=True)
    synth(out, parse_years(years), seed=seed, scale=scale)
    return out


def target(years: str = "2019-2023", seed: int = 1, scale: float = 1.0) -> Path:
    """Where the default cohort of these settings and this generator code lives (it may not exist yet)."""
    tag = f"{years}_seed{seed}_scale{scale:g}_{_generator_fingerprint()}"
    return build_dir() / "data" / f"synthetic_births_{tag}.parquet"


def is_ready(path: Path) -> bool:
    """Whether the cohort at ``path`` (from :func:`target`) is complete: the file and its truth file."""
    return path.exists() and Path(str(path) + ".truth.json").exists()


def ensure(years: str = "2019-2023", seed: int = 1, scale: float = 1.0) -> Path:
    """Path to the default cohort, generating it only when missing or out of date."""
    path = target(years, seed, scale)
    if is_ready(path):
        return path
    for old in (build_dir() / "data").glob("synthetic_births_*"):
        old.unlink()
    print(f"generating the synthetic cohort ({years}, seed {seed}, scale {scale:g}) -> {path}", flush=True)
    return write(path, years=years, seed=seed, scale=scale)
