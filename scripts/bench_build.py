"""Build-speed benchmark: clean build, no-op rebuild, one-page edit, and Jupyter Book's own serial execution.

Run on an idle machine (a script, not a timed test):

    .venv/bin/python scripts/bench_build.py [--scale 1.0] [--skip-jb]

Everything runs in a throw-away copy of the project. Printed:
- cohort generation on its own, and the clean build: nothing built before, so it generates the cohort, runs
  every page and builds the HTML;
- a no-op rebuild (nothing changed) and a one-page text edit (a sentence in the Länet i dag template);
- the PDF editions from that HTML, on their own (they follow the HTML in ``make book``);
- Jupyter Book executing the same pages serially itself (``execute_notebooks: force`` on the executed pages with
  their outputs stripped, as a project without papermill would: one fresh kernel per page and nothing shared
  between pages), and the ratio to the clean build;
- per-page execution times of the clean build, slowest first, with the slowest page named.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The targets (idle 2-core machine, default scale 1.0).
JB_TIMEOUT_S = 1800
EDIT_ANCHOR = "# Länet i dag"  # the one-page edit adds a sentence under this heading
PAGE_TARGET_S, CLEAN_TARGET_S, NOOP_TARGET_S, EDIT_TARGET_S, RATIO_TARGET = 5.0, 40.0, 2.0, 10.0, 3.0
sys.path.insert(0, str(REPO))

from tests.conftest import make_project_copy, run_cli  # noqa: E402

CPU: dict[str, float] = {}  # CPU seconds (user + system) of every process a step started: robust on a busy machine


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(root: Path, *args: str, label: str = "") -> tuple[float, str]:
    start, cpu = time.perf_counter(), _children_cpu()
    result = run_cli(root, *args)
    seconds = time.perf_counter() - start
    CPU[label or " ".join(args)] = _children_cpu() - cpu
    if result.returncode != 0:
        raise SystemExit(f"`analysis {' '.join(args)}` failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return seconds, result.stdout


def _page_times(stdout: str) -> dict[str, float]:
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"\[\s*\d+/\d+\] (\S+): done in ([\d.]+) s", stdout)}


def _step_times(stdout: str) -> dict[str, float]:
    """The shared steps' and the cohort job's times (not pages: they run before the pages that need them)."""
    found = re.finditer(r"\[(?:shared|data)\] (.+?): (?:done|ready) in ([\d.]+) s", stdout)
    return {m.group(1): float(m.group(2)) for m in found}


def _jupyter_book_serial(root: Path) -> float:
    """Jupyter Book executes the already executed pages again, serially, from stripped copies."""
    work = root.parent / "jb_serial"
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(root, work, ignore=shutil.ignore_patterns("_build"))
    for nb_path in (work / "book" / "generated").glob("*.ipynb"):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                cell["outputs"], cell["execution_count"] = [], None
        nb_path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    config = work / "_config.yml"
    text = config.read_text(encoding="utf-8").replace('execute_notebooks: "off"', 'execute_notebooks: "force"')
    # myst-nb's default cell timeout (30 s) would stop the slowest pages early and only warn: a fair baseline
    # runs every page to the end, and a page that fails to execute stops the benchmark.
    config.write_text(
        text.replace("  allow_errors: false", f"  allow_errors: false\n  timeout: {JB_TIMEOUT_S}"), encoding="utf-8"
    )
    # the pages read the cohort and upstream results where the runner left them
    shutil.copytree(root / "_build" / "data", work / "_build" / "data")
    # the published notebooks name the births file without its folder (no absolute path is published) and
    # Jupyter Book executes each page in the page's own folder: the cohort has to be found there
    for data in (root / "_build" / "data").iterdir():
        shutil.copy2(data, work / "book" / "generated" / data.name)
    shutil.copytree(root / "_build" / "results", work / "_build" / "results")
    jb = Path(sys.executable).parent / "jupyter-book"
    start, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.run(
        [str(jb), "build", str(work), "--path-output", str(work / "_build" / "jb")],
        cwd=work,
        capture_output=True,
        text=True,
        env={**os.environ, "ANALYSIS_ROOT": str(work), "ANALYSIS_RESULTS_DIR": str(work / "_build" / "results")},
    )
    seconds = time.perf_counter() - start
    CPU["jupyter-book"] = _children_cpu() - cpu
    output = proc.stdout + proc.stderr
    if proc.returncode != 0 or "Executing notebook failed" in output:
        raise SystemExit(f"jupyter-book serial execution failed:\n{output[-4000:]}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="1.0", help="synthetic cohort scale (1.0 = the default book)")
    parser.add_argument("--skip-jb", action="store_true", help="leave out Jupyter Book's serial execution")
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        root = make_project_copy(Path(tmp) / "project")
        plan = root / "book" / "runplan.yml"
        plan.write_text(plan.read_text(encoding="utf-8").replace("scale: 1.0", f"scale: {args.scale}"), encoding="utf-8")
        cohort, _ = _timed(root, "synth", "--scale", args.scale, "--out", str(Path(tmp) / "probe.parquet"))
        shutil.rmtree(root / "_build", ignore_errors=True)
        # the clean build: nothing built before, the cohort generated inside it, every page, the HTML
        clean, out = _timed(root, "build", "--no-pdf", label="clean")
        pages, shared_steps = _page_times(out), _step_times(out)
        noop, _ = _timed(root, "build", "--no-pdf")
        template = root / "notebooks" / "lanet.md"
        before = template.read_text(encoding="utf-8")
        edited = before.replace(EDIT_ANCHOR, f"{EDIT_ANCHOR}\n\nEn ändrad mening.", 1)
        if edited == before:
            raise SystemExit(f"the one-page edit found no {EDIT_ANCHOR!r} in {template}")
        template.write_text(edited, encoding="utf-8")
        edit, edit_out = _timed(root, "build", "--no-pdf")
        if "lanet: done in" not in edit_out:
            raise SystemExit("the one-page edit did not run the edited page")
        pdf = _timed(root, "pdf")[0] if shutil.which("chromium") else None
        serial = None if args.skip_jb else _jupyter_book_serial(root)
    load_after = os.getloadavg()
    print(
        f"load average (1, 5, 15 min) before: {load_before[0]:.1f} {load_before[1]:.1f} {load_before[2]:.1f}, "
        f"after: {load_after[0]:.1f} {load_after[1]:.1f} {load_after[2]:.1f} ({os.cpu_count()} cores)"
    )
    print(f"CPU seconds: clean build {CPU.get('clean', 0):.1f}, Jupyter Book serial {CPU.get('jupyter-book', float('nan')):.1f}")
    print(f"cohort generation (scale {args.scale}):   {cohort:6.1f} s")
    print(f"clean build (cohort, pages, HTML):    {clean:6.1f} s")
    print(f"no-op rebuild:                        {noop:6.1f} s")
    print(f"one-page text edit:                   {edit:6.1f} s")
    if pdf is not None:
        print(f"PDF editions (after the HTML):        {pdf:6.1f} s")
    if serial is not None:
        print(f"Jupyter Book serial execution:        {serial:6.1f} s  (clean build is {serial / clean:.2f}× faster)")
    print("page execution times (clean build):")
    for name, seconds in sorted(pages.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<14} {seconds:6.1f} s")
    if pages:
        slowest = max(pages, key=lambda k: pages[k])
        print(f"slowest page: {slowest} ({pages[slowest]:.1f} s)")
    print("jobs before the pages (clean build): the cohort, and the run plan's shared steps")
    for name, seconds in sorted(shared_steps.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<14} {seconds:6.1f} s")
    print("targets (idle 2-core machine):")
    for name, ok in _targets(pages, clean, noop, edit, serial):
        print(f"  {'met    ' if ok else 'NOT MET'}  {name}")
    return 0


def _targets(pages: dict[str, float], clean: float, noop: float, edit: float, serial: float | None) -> list[tuple[str, bool]]:
    """The issue's targets, each with whether this run met it (ratio only when Jupyter Book ran)."""
    slowest = max(pages.values(), default=0.0)
    out = [
        (f"every page <= {PAGE_TARGET_S:g} s (slowest {slowest:.1f} s)", slowest <= PAGE_TARGET_S),
        (f"clean build <= {CLEAN_TARGET_S:g} s ({clean:.1f} s)", clean <= CLEAN_TARGET_S),
        (f"no-op rebuild <= {NOOP_TARGET_S:g} s ({noop:.1f} s)", noop <= NOOP_TARGET_S),
        (f"one-page text edit <= {EDIT_TARGET_S:g} s ({edit:.1f} s)", edit <= EDIT_TARGET_S),
    ]
    if serial is not None:
        out.append(
            (
                f"clean build >= {RATIO_TARGET:g}x faster than Jupyter Book serial ({serial / clean:.2f}x)",
                serial / clean >= RATIO_TARGET,
            )
        )
    return out


if __name__ == "__main__":
    raise SystemExit(main())
