"""Build the book: validate, execute pages with papermill, then publish atomically.

Order of work, and why:
1. validate the run plan and a given births file first, so bad input never starts a build
   (the default cohort, when it must be generated, is generated and checked as a job beside
   the pages that read no births);
2. execute pages into a staging folder, in parallel on warm kernels reused from page to page
   (:mod:`analysis.pipeline.kernels`), after the shared steps they need
   (:mod:`analysis.pipeline.steps`), skipping pages whose inputs are unchanged (content hash
   of template, parameters, package code and data, the births file for pages that read it,
   and the results of pages they depend on);
3. stop at the first failing page with its name, cell and error, and leave the
   published book untouched: a page with a traceback is never published;
4. only then copy executed notebooks and results into place, recording each page's
   cache entry (with the births file's name, hash and synthetic flag) only once the page
   is published, and run Jupyter Book into a fresh versioned folder; ``_build/html`` is a
   symlink switched to it atomically, so the published book is never missing.

One build at a time: :func:`build_lock` holds ``_build/build.lock`` (an ``flock``, released
by the kernel when the process dies, so a stale lock is simply taken over). Each build
stages into its own ``_build/stage-<id>`` and ``_build/jb-<id>`` folders.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.common.disclosure import stream_tracebacks
from analysis.common.paths import PACKAGE_DIR, build_dir, project_root
from analysis.common.paths import write_atomic as _write_atomic
from analysis.pipeline.files import births_known_valid, remember_valid_births  # noqa: F401  (the build's API)
from analysis.pipeline.files import hash_files as _hash_files
from analysis.pipeline.params import read_template
from analysis.pipeline.runplan import Page, SharedTask
from analysis.pipeline.scheduler import run_in_dependency_order

if TYPE_CHECKING:
    from analysis.pipeline.kernels import KernelPool

KERNEL = "python3"
EXECUTION_TIMEOUT_S = 1800
KERNEL_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


class PageFailed(RuntimeError):
    """A page's notebook raised; the message names the page, the cell and the error."""


class BuildLocked(RuntimeError):
    """Another build holds ``_build/build.lock``; the message names its pid."""


@dataclass
class PageOutcome:
    page: Page
    status: str  # "ran" | "cached"
    seconds: float
    key: str = ""
    last_run_seconds: float | None = None  # a reused page: how long it took when it last ran

    @property
    def run_seconds(self) -> float | None:
        """How long the page takes to execute (this build's run, else the recorded one): the scheduler's estimate."""
        return self.seconds if self.status == "ran" else self.last_run_seconds


@dataclass(frozen=True)
class BuildInputs:
    """What the pages of one build were computed from; recorded with every published page.

    Only the births file's *name* and hash are kept: its absolute path is never published.
    """

    births: Path | None
    synthetic: bool
    min_cell: int
    births_sha256: str | None = field(default=None)

    @classmethod
    def of(cls, births: Path | None, synthetic: bool, min_cell: int) -> BuildInputs:
        digest = hashlib.sha256(births.read_bytes()).hexdigest() if births is not None else None
        return cls(births, synthetic, min_cell, digest)

    def record(self, key: str) -> dict[str, Any]:
        return {
            "key": key,
            "births_file": self.births.name if self.births is not None else None,
            "births_sha256": self.births_sha256,
            "synthetic": self.synthetic if self.births is not None else None,
            "min_cell": self.min_cell,
        }


# --------------------------------------------------------------------------- one build at a time


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read_pid(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


@contextlib.contextmanager
def build_lock() -> Iterator[str]:
    """Hold ``_build/build.lock`` for the whole build; yield this build's id.

    A second build fails at once with :class:`BuildLocked` naming the holder's pid. The lock is an
    ``flock`` on the file, so the kernel frees it when its holder dies: a lock file left by a dead
    process is taken over (and said so).
    """
    path = build_dir() / "build.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        holder = None
        for _ in range(20):  # the holder writes its pid right after locking
            holder = _read_pid(path)
            if holder:
                break
            time.sleep(0.05)
        raise BuildLocked(
            f"another build (pid {holder or 'unknown'}) is already running in {project_root()}; "
            f"wait for it to finish (lock file {path})"
        ) from None
    previous = _read_pid(path)
    if previous and previous != os.getpid() and not _pid_alive(previous):
        _log(f"taking over a stale build lock left by pid {previous} (no longer running)")
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    build_id = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
    try:
        _remove_leftovers()
        yield build_id
    finally:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)  # releases the flock


def _remove_leftovers() -> None:
    """Staging folders of earlier builds that died (safe: we hold the lock, no other build runs)."""
    base = build_dir()
    for pattern in ("stage", "jb", "stage-*", "jb-*", ".html-*.tmp", "html.old"):
        for path in base.glob(pattern):
            if path.is_symlink() or path.is_file():
                path.unlink()
            else:
                shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def sigint_deferred() -> Iterator[None]:
    """Let a critical step (publishing files) finish before a Ctrl-C takes effect."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


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


def page_key(page: Page, fingerprint: str, results: Path, births_sha256: str | None = None) -> str:
    """A page's cache key: the inputs' fingerprint, its template and parameters, the results of the pages it
    depends on, and the births file's hash for a page that reads it."""
    root = project_root()
    h = hashlib.sha256()
    h.update(fingerprint.encode())
    if page.uses_births:
        h.update(f"births={births_sha256}".encode())
    h.update(hashlib.sha256((root / page.template).read_bytes()).digest())
    h.update(json.dumps(page.params, sort_keys=True, default=str).encode())
    for dep in page.depends_on:
        dep_file = results / f"{dep}.json"
        h.update(dep_file.read_bytes() if dep_file.exists() else b"missing")
    return h.hexdigest()


def _cache_file(page: Page) -> Path:
    return build_dir() / "cache" / f"{page.name}.json"


def _recorded_seconds(record: dict[str, Any] | None) -> float | None:
    value = (record or {}).get("seconds")
    return float(value) if isinstance(value, (int, float)) else None


def published_record(page: Page) -> dict[str, Any] | None:
    """The record written when ``page`` was last published (key, births name and hash, synthetic, threshold)."""
    path = _cache_file(page)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _notebook_errors(path: Path) -> list[str]:
    """Error outputs left in an executed notebook (belt and braces after papermill)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(f"{out.get('ename')}: {out.get('evalue')}")
    return found


def _execute(page: Page, out_path: Path, births: Path | None, pool: KernelPool | None = None) -> float:
    """Execute ``page`` with papermill into ``out_path``: on a warm kernel from ``pool``, else a fresh one.

    Returns the page's execution seconds: from its kernel being ready (started and warmed up) to its
    notebook written; with a fresh kernel, including the kernel's start."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    root = project_root()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {
        "parameters": page.params,
        "kernel_name": KERNEL,
        "cwd": str(root),
        "progress_bar": False,
        "log_output": False,
        "execution_timeout": EXECUTION_TIMEOUT_S,
        "request_save_on_cell_execute": False,  # written once at the end (or with the error), not twice per cell
    }
    started = time.perf_counter()
    try:
        if pool is None:
            pm.execute_notebook(read_template(root / page.template), str(out_path), **options)
        else:
            from analysis.pipeline.warm_engine import ENGINE

            with pool.kernel() as kernel:
                started = time.perf_counter()
                pm.execute_notebook(
                    read_template(root / page.template),
                    str(out_path),
                    engine_name=ENGINE,
                    km=kernel.km,
                    kc=kernel.client(),
                    **options,
                )
    except PapermillExecutionError as exc:
        source = (exc.source or "").strip().splitlines()
        first = source[0] if source else ""
        raise PageFailed(
            f"page {page.name!r} ({page.template}) failed in cell {exc.exec_count} [{first[:80]}]: {exc.ename}: {exc.evalue}"
        ) from None
    errors = _notebook_errors(out_path) + stream_tracebacks(out_path)
    if errors:
        raise PageFailed(f"page {page.name!r}: executed notebook contains error output(s): {errors[:3]}")
    _finalise_notebook(out_path, page.params, births)
    return time.perf_counter() - started


def _scrub_paths(text: str, births: Path | None) -> str:
    """Replace absolute paths in a notebook's JSON text: the births file by its name, the project root by ``.``.

    Executed notebooks are published (Jupyter Book copies them to ``_sources``); the injected
    parameters and papermill's metadata would otherwise show where the data lives.
    """

    def escaped(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)[1:-1]

    if births is not None:
        text = text.replace(escaped(str(births)), escaped(births.name))
    root = str(project_root())
    if len(root) > 1:
        text = text.replace(escaped(root), ".")
    return text


def _finalise_notebook(path: Path, params: dict[str, Any], births: Path | None = None) -> None:
    """Fill ``{{name}}`` parameter markers in markdown (titles of per-option pages), hide
    papermill's parameter cells from readers (reviewers keep them in the .ipynb) and remove
    absolute paths (:func:`_scrub_paths`)."""
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
    path.write_text(_scrub_paths(json.dumps(nb, ensure_ascii=False, indent=1), births) + "\n", encoding="utf-8")


def _log(message: str) -> None:
    print(message, flush=True)


def limit_kernel_threads() -> None:
    """One BLAS/OpenMP thread per kernel (the kernels inherit this environment; a value the user set is kept).

    The build already runs one kernel per core, and on the pages' small matrices OpenBLAS's extra threads
    mostly wait for each other: the case-mix page took twice the CPU time with them on a busy machine.
    """
    for variable in KERNEL_THREAD_VARIABLES:
        os.environ.setdefault(variable, "1")


def execute_pages(
    pages: list[Page],
    inputs: BuildInputs,
    build_id: str,
    force: bool = False,
    jobs: int | None = None,
    tasks: Sequence[SharedTask] = (),
    pool: KernelPool | None = None,
    prepare_births: Callable[[], BuildInputs] | None = None,
) -> tuple[list[PageOutcome], Path, Path]:
    """Run every page (and the shared ``tasks`` they need first) into this build's own staging folder; return
    the pages' outcomes and the staged notebook/results dirs.

    ``prepare_births`` (the default cohort still to be generated and checked) runs in this process while the
    pages that do not read births already run; the pages that do wait for it, and ``inputs`` is its result."""
    from analysis.pipeline import steps

    root = project_root()
    births = inputs.births
    stage = build_dir() / f"stage-{build_id}"
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
    limit_kernel_threads()
    fingerprint = input_fingerprint(None)  # the births file's hash enters the keys of the pages that read it
    state = {"inputs": inputs}
    shared_dir = steps.share_intermediates(build_dir(), fingerprint, force)
    variables = ("ANALYSIS_RESULTS_DIR", "ANALYSIS_ROOT", steps.shared.DIR_VARIABLE, steps.shared.KEY_VARIABLE)
    jobs = jobs or max(1, os.cpu_count() or 1)
    total = len(pages)
    outcomes: list[PageOutcome] = []
    counter = {"done": 0}
    lock = threading.Lock()

    def run_job(node: steps.Node[Any]) -> PageOutcome | float | None:
        if node.item is steps.BIRTHS and prepare_births is not None:
            state["inputs"] = steps.prepare_births(prepare_births, _log)
            return None
        if isinstance(node.item, SharedTask):
            return steps.run_step(node.item, kernels, steps.marker_check(shared_dir, fingerprint), force, _log)
        return run_one(node.item)

    def run_one(page: Page) -> PageOutcome:
        inputs = state["inputs"]
        key = page_key(page, fingerprint, stage_results, inputs.births_sha256)
        record = published_record(page)
        published_nb = root / page.output
        staged_nb = stage_nb / page.output.name
        if (
            not force
            and record is not None
            and record.get("key") == key
            and (not page.uses_births or record.get("births_sha256") == inputs.births_sha256)
            and published_nb.exists()
            and (published_results / f"{page.name}.json").exists()
        ):
            staged_nb.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(published_nb, staged_nb)
            with lock:
                counter["done"] += 1
                _log(f"[{counter['done']}/{total}] {page.name}: unchanged, reused")
            return PageOutcome(page, "cached", 0.0, key, _recorded_seconds(record))
        _log(f"[ .. /{total}] {page.name}: running {page.template} {page.params}")
        start = time.perf_counter()
        seconds = _execute(page, staged_nb, births, kernels)
        waited = time.perf_counter() - start - seconds
        if not (stage_results / f"{page.name}.json").exists():
            raise PageFailed(f"page {page.name!r} ran but wrote no results file {page.name}.json")
        with lock:
            counter["done"] += 1
            wait = f" (after {waited:.1f} s for its kernel to start)" if waited >= 0.1 else ""
            _log(f"[{counter['done']}/{total}] {page.name}: done in {seconds:.1f} s{wait}")
        return PageOutcome(page, "ran", seconds, key)

    nodes = steps.schedule(pages, tasks, births_first=prepare_births is not None)
    estimate = {p.name: _recorded_seconds(published_record(p)) or 10.0 for p in pages}
    estimate.update({t.name: steps.STEP_ESTIMATE_S for t in tasks} | {steps.BIRTHS: steps.STEP_ESTIMATE_S})
    own_pool = pool is None
    kernels = pool or steps.KernelPool(min(jobs, len(nodes)), root, KERNEL)  # they start when a job has to run
    kernels.set_environment({name: os.environ[name] for name in variables})
    try:
        by_name = run_in_dependency_order(nodes, run_job, jobs, estimate)
    finally:
        if own_pool:
            kernels.close()
    for p in pages:
        outcome = by_name[p.name]
        assert isinstance(outcome, PageOutcome)
        outcomes.append(outcome)
    return outcomes, stage_nb, stage_results


def publish(outcomes: list[PageOutcome], stage_nb: Path, stage_results: Path, inputs: BuildInputs) -> None:
    """Copy staged notebooks and results into the book (only called after every page succeeded).

    A page's record (cache key, births name and hash, synthetic flag, threshold) is removed before
    its files are replaced and written only once they are in place, so an interrupted publish can
    never leave a record that vouches for files it does not describe. Ctrl-C waits for the end.
    """
    root = project_root()
    results = build_dir() / "results"
    with sigint_deferred():
        for outcome in outcomes:
            page = outcome.page
            _cache_file(page).unlink(missing_ok=True)
            _write_atomic(root / page.output, (stage_nb / page.output.name).read_bytes())
            staged = stage_results / f"{page.name}.json"
            _write_atomic(results / staged.name, staged.read_bytes())
        for f in stage_results.glob("*.json"):
            if not (results / f.name).exists() or (results / f.name).read_bytes() != f.read_bytes():
                _write_atomic(results / f.name, f.read_bytes())
        for outcome in outcomes:
            record = json.dumps({**inputs.record(outcome.key), "seconds": outcome.run_seconds}, indent=1) + "\n"
            _write_atomic(_cache_file(outcome.page), record.encode("utf-8"))


def remove_staging(build_id: str) -> None:
    for name in (f"stage-{build_id}", f"jb-{build_id}"):
        shutil.rmtree(build_dir() / name, ignore_errors=True)


# The provenance page's build-time line changes every minute; it alone does not make the HTML stale.
_VOLATILE_LINE_PREFIXES = (b"| Byggdatum |",)


def html_inputs_digest() -> str:
    """Hash of everything Jupyter Book reads: its configuration, the ToC, every file under ``book/``
    (pages, executed notebooks, static files, the provenance page without its build time) and the lock file."""
    root = project_root()
    h = hashlib.sha256()
    files = [root / "_config.yml", root / "_toc.yml", root / "requirements.lock", *(root / "book").rglob("*")]
    for path in sorted(files):
        if not path.is_file() or "__pycache__" in path.parts or ".ipynb_checkpoints" in path.parts or path.suffix == ".mo":
            continue
        data = path.read_bytes()
        if path.name == "provenance.md":
            data = b"\n".join(line for line in data.split(b"\n") if not line.startswith(_VOLATILE_LINE_PREFIXES))
        h.update(str(path.relative_to(root)).encode())
        h.update(hashlib.sha256(data).digest())
    return h.hexdigest()


def _html_record_file() -> Path:
    return build_dir() / "cache" / "html.json"


def html_is_current(digest: str) -> bool:
    """True when ``_build/html`` is the book Jupyter Book built from exactly these inputs (``digest``)."""
    try:
        record = json.loads(_html_record_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    target = build_dir() / "html"
    return (
        isinstance(record, dict)
        and record.get("digest") == digest
        and target.is_symlink()
        and Path(os.readlink(target)).name == record.get("version")
        and (target / "index.html").exists()
    )


def build_html(build_id: str) -> Path:
    """Run Jupyter Book (warnings are errors) into a fresh versioned folder, then switch ``_build/html`` to it.

    The inputs' digest is recorded with the version, so that a rebuild with nothing changed can skip
    Jupyter Book (:func:`html_is_current`). The record is removed first and written only after the switch.
    """
    from analysis.render.charts import write_vega_bundle

    root = project_root()
    write_vega_bundle(root / "book" / "_static")
    _html_record_file().unlink(missing_ok=True)
    digest = html_inputs_digest()
    work = build_dir() / f"jb-{build_id}"
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
    versions = build_dir() / HTML_VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    version = versions / build_id
    (work / "_build" / "html").rename(version)
    shutil.rmtree(work, ignore_errors=True)
    target = switch_html(version, build_id)
    _write_atomic(_html_record_file(), (json.dumps({"digest": digest, "version": version.name}) + "\n").encode())
    return target


HTML_VERSIONS = "html-versions"


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    import ctypes
    import ctypes.util

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def switch_html(version: Path, build_id: str) -> Path:
    """Point ``_build/html`` at ``version`` atomically (a symlink replaced with ``os.replace``).

    There is never a moment without a book: the old link stays until the new one replaces it.
    A real ``_build/html`` folder from an older build is moved aside into the versions and the
    link put in its place in one atomic exchange where Linux offers it (else moved aside and the
    link put in its place at once, moved back if that fails). The previous version is kept (a
    reader may be inside it); older ones are removed.
    """
    base = build_dir()
    target = base / "html"
    link = base / f".html-{build_id}.tmp"
    previous = Path(os.readlink(target)).name if target.is_symlink() else None
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(version, base), link, target_is_directory=True)
    try:
        os.replace(link, target)
    except OSError:
        if not target.is_dir() or target.is_symlink():
            link.unlink(missing_ok=True)
            raise
        legacy = base / HTML_VERSIONS / f"legacy-{build_id}"
        if _exchange(link, target):  # the folder now sits at ``link``; the book was never missing
            link.rename(legacy)
        else:
            target.rename(legacy)
            try:
                os.replace(link, target)
            except OSError:
                legacy.rename(target)
                link.unlink(missing_ok=True)
                raise
    for old in (base / HTML_VERSIONS).iterdir():
        if old.name not in (version.name, previous):  # a reader may still be inside the previous one
            shutil.rmtree(old, ignore_errors=True)
    return target


def timing_summary(outcomes: list[PageOutcome]) -> str:
    lines = ["page timings:"]
    for o in sorted(outcomes, key=lambda o: -o.seconds):
        lines.append(f"  {o.page.name:<28} {o.status:<7} {o.seconds:7.1f} s")
    lines.append(f"  {'total (sum over pages)':<28} {'':<7} {sum(o.seconds for o in outcomes):7.1f} s")
    return "\n".join(lines)
