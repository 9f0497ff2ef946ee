"""Shared fixtures: a throw-away copy of the project so builds never touch the real book."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
COPY_ITEMS = ("_config.yml", "_toc.yml", "book", "notebooks", "geodata", "requirements.lock")


def make_project_copy(target: Path) -> Path:
    """Copy what a build reads (not src/: the installed package is used) into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for item in COPY_ITEMS:
        src = REPO / item
        if src.is_dir():
            shutil.copytree(src, target / item, ignore=shutil.ignore_patterns("generated", "_build", "vega-bundle.js"))
        else:
            shutil.copy2(src, target / item)
    return target


def run_cli(root: Path, *args: str, env: dict[str, str] | None = None, timeout: int = 1800) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "ANALYSIS_ROOT": str(root), **(env or {})}
    full_env.pop("ANALYSIS_RESULTS_DIR", None)
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args], cwd=root, env=full_env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    return make_project_copy(tmp_path / "project")
