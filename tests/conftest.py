"""Shared fixtures: a throw-away copy of the project so builds never touch the real book."""

from __future__ import annotations

import fcntl
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


# The small fixed cohort every end-to-end and golden test builds on (the run plan's synthetic scale).
SMALL_BOOK_SCALE = "0.05"


def build_small_book(target: Path) -> Path:
    """A throw-away project built on the small fixed synthetic cohort (seed as in the run plan)."""
    root = make_project_copy(target)
    plan = root / "book" / "runplan.yml"
    text = plan.read_text(encoding="utf-8")
    assert "scale: 1.0" in text, "the run plan's synthetic scale moved; update build_small_book"
    plan.write_text(text.replace("scale: 1.0", f"scale: {SMALL_BOOK_SCALE}"), encoding="utf-8")
    result = run_cli(root, "build", "--no-pdf")  # no test reads its PDF; tests/test_pdf.py prints a book of its own
    assert result.returncode == 0, f"build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return root


@pytest.fixture(scope="session")
def small_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole book built once per test run on the small fixed cohort (read-only for the tests).

    With parallel test workers (pytest-xdist) the first worker that needs it builds it in the run's shared
    temporary folder while the others wait on a lock, so it is built once per run, not once per worker.
    """
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the folder all workers of this run share
    target = base / "e2e-small-book" / "project"
    fd = os.open(base / "e2e-small-book.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        done = target.parent / "built"
        if not done.exists():
            shutil.rmtree(target.parent, ignore_errors=True)
            build_small_book(target)
            done.write_text("ok\n")
    finally:
        os.close(fd)
    return target


def own_traceback(stderr: str) -> bool:
    """Whether a CLI run printed a Python traceback of its own.

    Jupyter kernels share the build's stderr, and ipykernel sometimes logs a harmless ZMQ traceback while a kernel
    shuts down; only frames from this project's package or the build process count.
    """
    import re

    frame = re.compile(r'File "[^"]*/analysis/(?:__main__|pipeline|common|chapters|births|render)\b')
    blocks = stderr.split("Traceback (most recent call last):")[1:]
    return any(frame.search(block) for block in blocks)
