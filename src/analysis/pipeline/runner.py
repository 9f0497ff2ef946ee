"""Build the book: validate, execute pages with papermill, then publish atomically.

Order of work, and why:
1. validate the run plan and the births data first, so bad input never starts a build;
2. execute pages into a staging folder, in parallel (one kernel per core), skipping
   pages whose inputs are unchanged (content hash of template, parameters, data,
   package code and the results of pages they depend on);
3. stop at the first failing page with its name, cell and error, and leave the
   published book untouched: a page with a traceback is never published;
4. only then copy executed notebooks and results into place and run Jupyter Book
   into a fresh folder that replaces ``_build/html`` when it succeeds.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.common.paths import PACKAGE_DIR, build_dir, project_root
from analysis.pipeline.params import read_template
from analysis.pipeline.runplan import Page, waves

KERNEL = "python3"
EXECUTION_TIMEOUT_S = 1800


class PageFailed(RuntimeError):
    """A page's notebook raised; the message names the page, the cell and the error."""


@dataclass
class PageOutcome:
    page: Page
    status: str  # "ran" | "cached"
    seconds: float


def _hash_files(paths: list[Path], h: hashlib._Hash, root: Path) -> None:
    for path in sorted(paths):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(root) if path.is_relative_to(root) else path).encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())


def input_fingerprint(births: Path | None) -> str:
    """Hash of everything a page may read besides its template: package code and data, geodata, births."""
    root = project_root()
    h = hashlib.sha256()
    _hash_files(list(PACKAGE_DIR.rglob("*")), h, root)
    _hash_files(list((root / "geodata").rglob("*")), h, root)
    _hash_files(list((root / "book" / "text").rglob("*")), h, root)  # the chapters' sentence templates
    _hash_files([root / "requirements.lock"], h, root)
    # The disclosure threshold changes what a page may show: a page built with another threshold is never reused.
    h.update(f"min_cell={os.environ.get('ANALYSIS_MIN_CELL', '')}".encode())
    if births is not None:
        _hash_files([births], h, root)
    return h.hexdigest()


def page_key(page: Page, fingerprint: str, results: Path) -> str:
    root = project_root()
    h = hashlib.sha256()
    h.update(fingerprint.encode())
    h.update(hashlib.sha256((root / page.template).read_bytes()).digest())
    h.update(json.dumps(page.params, sort_keys=True, default=str).encode())
    for dep in page.depends_on:
        dep_file = results / f"{dep}.json"
        h.update(dep_file.read_bytes() if dep_file.exists() else b"missing")
    return h.hexdigest()


def _cache_file(page: Page) -> Path:
    return build_dir() / "cache" / f"{page.name}.json"


def _notebook_errors(path: Path) -> list[str]:
    """Error outputs left in an executed notebook (belt and braces after papermill)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(f"{out.get('ename')}: {out.get('evalue')}")
    return found


def _execute(page: Page, out_path: Path) -> None:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    root = project_root()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        pm.execute_notebook(
            read_template(root / page.template),
            str(out_path),
            parameters=page.params,
            kernel_name=KERNEL,
            cwd=str(root),
            progress_bar=False,
            log_output=False,
            execution_timeout=EXECUTION_TIMEOUT_S,
        )
    except PapermillExecutionError as exc:
        source = (exc.source or "").strip().splitlines()
        first = source[0] if source else ""
        raise PageFailed(
            f"page {page.name!r} ({page.template}) failed in cell {exc.exec_count} [{first[:80]}]: {exc.ename}: {exc.evalue}"
        ) from None
    errors = _notebook_errors(out_path)
    if errors:
        raise PageFailed(f"page {page.name!r}: executed notebook contains error output(s): {errors[:3]}")
    _finalise_notebook(out_path, page.params)


def _finalise_notebook(path: Path, params: dict[str, Any]) -> None:
    """Fill ``{{name}}`` parameter markers in markdown (titles of per-option pages) and hide
    papermill's parameter cells from readers (reviewers keep them in the .ipynb)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for name, value in params.items():
                text = text.replace("{{" + name + "}}", str(value))
            cell["source"] = text
        tags = cell.get("metadata", {}).get("tags", [])
        if ("parameters" in tags or "injected-parameters" in tags) and "remove-cell" not in tags:
            cell["metadata"]["tags"] = [*tags, "remove-cell"]
    path.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _log(message: str) -> None:
    print(message, flush=True)


def execute_pages(
    pages: list[Page], births: Path | None, force: bool = False, jobs: int | None = None
) -> tuple[list[PageOutcome], Path, Path]:
    """Run every page into a fresh staging folder; return outcomes and the staged notebook/results dirs."""
    root = project_root()
    stage = build_dir() / "stage"
    if stage.exists():
        shutil.rmtree(stage)
    stage_nb = stage / "notebooks"
    stage_results = stage / "results"
    stage_results.mkdir(parents=True)
    published_results = build_dir() / "results"
    if published_results.exists():
        for f in published_results.glob("*.json"):
            shutil.copy2(f, stage_results / f.name)

    os.environ["ANALYSIS_RESULTS_DIR"] = str(stage_results)
    os.environ["ANALYSIS_ROOT"] = str(root)
    fingerprint = input_fingerprint(births)
    jobs = jobs or max(1, os.cpu_count() or 1)
    total = len(pages)
    outcomes: list[PageOutcome] = []
    counter = {"done": 0}
    lock = threading.Lock()

    def run_one(page: Page) -> PageOutcome:
        key = page_key(page, fingerprint, stage_results)
        cache = _cache_file(page)
        published_nb = root / page.output
        staged_nb = stage_nb / page.output.name
        if (
            not force
            and cache.exists()
            and json.loads(cache.read_text()).get("key") == key
            and published_nb.exists()
            and (published_results / f"{page.name}.json").exists()
        ):
            staged_nb.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(published_nb, staged_nb)
            with lock:
                counter["done"] += 1
                _log(f"[{counter['done']}/{total}] {page.name}: unchanged, reused")
            return PageOutcome(page, "cached", 0.0)
        _log(f"[ .. /{total}] {page.name}: running {page.template} {page.params}")
        start = time.perf_counter()
        _execute(page, staged_nb)
        seconds = time.perf_counter() - start
        if not (stage_results / f"{page.name}.json").exists():
            raise PageFailed(f"page {page.name!r} ran but wrote no results file {page.name}.json")
        with lock:
            counter["done"] += 1
            _log(f"[{counter['done']}/{total}] {page.name}: done in {seconds:.1f} s")
        return PageOutcome(page, "ran", seconds)

    for wave in waves(pages):
        with ThreadPoolExecutor(max_workers=min(jobs, len(wave))) as pool:
            futures = [pool.submit(run_one, p) for p in wave]
            done, pending = wait(futures, return_when=FIRST_EXCEPTION)
            for f in pending:
                f.cancel()
            for f in futures:
                if f.done() and f.exception() is not None:
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise f.exception()  # type: ignore[misc]
            outcomes.extend(f.result() for f in futures)
    # Keys are stored only after every page succeeded and is about to be published.
    for outcome in outcomes:
        key = page_key(outcome.page, fingerprint, stage_results)
        _cache_file(outcome.page).parent.mkdir(parents=True, exist_ok=True)
        _cache_file(outcome.page).write_text(json.dumps({"key": key}))
    return outcomes, stage_nb, stage_results


def publish(pages: list[Page], stage_nb: Path, stage_results: Path) -> None:
    """Copy staged notebooks and results into the book (only called after every page succeeded)."""
    root = project_root()
    for page in pages:
        target = root / page.output
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(stage_nb / page.output.name, target)
    results = build_dir() / "results"
    results.mkdir(parents=True, exist_ok=True)
    for f in stage_results.glob("*.json"):
        shutil.copy2(f, results / f.name)


def build_html() -> Path:
    """Run Jupyter Book (warnings are errors) into a fresh folder, then swap it into ``_build/html``."""
    from analysis.render.charts import write_vega_bundle

    root = project_root()
    write_vega_bundle(root / "book" / "_static")
    work = build_dir() / "jb"
    if work.exists():
        shutil.rmtree(work)
    cmd = [
        str(Path(sys.executable).parent / "jupyter-book"),
        "build",
        str(root),
        "--path-output",
        str(work),
        "-W",
        "-n",
        "--keep-going",
        "--builder",
        "html",
    ]
    _log("jupyter-book: building HTML")
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-40:])
        raise RuntimeError(f"jupyter-book build failed (exit {proc.returncode}); the published book is unchanged:\n{tail}")
    new_html = work / "_build" / "html"
    target = build_dir() / "html"
    old = build_dir() / "html.old"
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    new_html.rename(target)
    if old.exists():
        shutil.rmtree(old)
    shutil.rmtree(work, ignore_errors=True)
    return target


def timing_summary(outcomes: list[PageOutcome]) -> str:
    lines = ["page timings:"]
    for o in sorted(outcomes, key=lambda o: -o.seconds):
        lines.append(f"  {o.page.name:<28} {o.status:<7} {o.seconds:7.1f} s")
    lines.append(f"  {'total (sum over pages)':<28} {'':<7} {sum(o.seconds for o in outcomes):7.1f} s")
    return "\n".join(lines)
