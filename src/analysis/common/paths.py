"""Where things live, so no module hard-codes a path relative to its caller.

The project root is found from the package location (editable install) and can
be overridden with ``ANALYSIS_ROOT`` for tests that build in a temporary copy.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DATA = PACKAGE_DIR / "data"


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file and a rename: a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def project_root() -> Path:
    """The repository root (holds ``_config.yml``)."""
    env = os.environ.get("ANALYSIS_ROOT")
    if env:
        return Path(env).resolve()
    candidate = PACKAGE_DIR.parent.parent
    if (candidate / "_config.yml").exists() or (candidate / "pyproject.toml").exists():
        return candidate
    return Path.cwd().resolve()


def geodata_dir() -> Path:
    return project_root() / "geodata"


def build_dir() -> Path:
    return project_root() / "_build"


def results_dir() -> Path:
    """Key-figure JSON files, one per page (``_build/results/<page>.json``).

    The runner points ``ANALYSIS_RESULTS_DIR`` at a staging folder while pages
    execute so a failed build never overwrites the published results.
    """
    env = os.environ.get("ANALYSIS_RESULTS_DIR")
    return Path(env) if env else build_dir() / "results"
