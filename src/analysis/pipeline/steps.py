"""The run plan's shared steps in the page schedule: each runs once in a warm kernel before the pages that need it.

A shared step (:class:`~analysis.pipeline.runplan.SharedTask`) stores intermediate values with
:mod:`analysis.common.shared`, keyed by the build's input fingerprint. It is skipped when it already ran
for these inputs (a no-op rebuild never starts a kernel for it) or when none of its pages is in the build.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from analysis.common import shared
from analysis.pipeline.kernels import KernelPool
from analysis.pipeline.runner import PageFailed
from analysis.pipeline.runplan import Page, SharedTask

P = TypeVar("P")
T = TypeVar("T")

STEP_TIMEOUT_S = 1800
STEP_ESTIMATE_S = 3.0  # seconds, for ordering the schedule (a step is on the path of every page that needs it)


class StepFailed(PageFailed):
    """A shared step raised; the message names the step, its call and the error."""


@dataclass(frozen=True)
class Node(Generic[P]):
    """A job of the schedule: a page (``item`` a :class:`Page`) or a shared step (a :class:`SharedTask`)."""

    name: str
    depends_on: tuple[str, ...]
    item: P


# The job that generates and checks the default cohort while other pages run (see :func:`prepare_births`).
BIRTHS = "births data"


def prepare_births(prepare: Callable[[], T], log: Callable[[str], None]) -> T:
    """Run ``prepare`` (generate and check the default cohort) as a job of the schedule, timed in the log."""
    start = time.perf_counter()
    out = prepare()
    log(f"[data] {BIRTHS}: ready in {time.perf_counter() - start:.1f} s")
    return out


def schedule(pages: Sequence[Page], tasks: Sequence[SharedTask], births_first: bool = False) -> list[Node[Any]]:
    """Pages and the shared steps some of them need, each page also waiting for its steps; with ``births_first``
    a job that prepares the births data comes first and the pages that read births wait for it."""
    names = {p.name for p in pages}
    wanted = [t for t in tasks if names & set(t.needed_by)]
    extra: dict[str, list[str]] = {}
    for t in wanted:
        for page in t.needed_by:
            extra.setdefault(page, []).append(t.name)
    if births_first:
        for p in pages:
            if p.uses_births:
                extra.setdefault(p.name, []).append(BIRTHS)
    nodes: list[Node[Any]] = [Node(BIRTHS, (), BIRTHS)] if births_first else []
    nodes += [Node(t.name, (*t.depends_on, *((BIRTHS,) if births_first and t.uses_births else ())), t) for t in wanted]
    nodes += [Node(p.name, (*p.depends_on, *extra.get(p.name, ())), p) for p in pages]
    return nodes


def run_step(
    task: SharedTask, pool: KernelPool, done: Callable[[str], bool], force: bool, log: Callable[[str], None]
) -> float | None:
    """Run ``task`` in a warm kernel unless ``done(task.name)`` (and not ``force``); its seconds, or None when skipped."""
    if not force and done(task.name):
        log(f"[shared] {task.name}: unchanged, reused")
        return None
    code = f"from analysis.common import shared as _shared\n_shared.run_step({task.name!r}, {task.call!r}, {task.params!r})\n"
    with pool.kernel() as kernel:
        start = time.perf_counter()  # from its kernel being ready, like a page
        error = kernel.run(code, STEP_TIMEOUT_S)
        if error is not None:
            raise StepFailed(f"shared step {task.name!r} ({task.call} {task.params}) failed: {error}")
    seconds = time.perf_counter() - start
    log(f"[shared] {task.name}: done in {seconds:.1f} s")
    return seconds


def marker_check(base: Path, fingerprint: str) -> Callable[[str], bool]:
    return lambda name: shared.step_done(base, fingerprint, name)


def share_intermediates(build: Path, fingerprint: str, force: bool) -> Path:
    """Let the pages share intermediate results (:mod:`analysis.common.shared`) under ``_build/cache/shared``,
    keyed by the inputs' fingerprint like the pages; results of other inputs are removed, and all of them
    when the build is forced."""

    folder = build / "cache" / "shared"
    shared.prune(folder, "" if force else fingerprint)
    os.environ[shared.DIR_VARIABLE] = str(folder)
    os.environ[shared.KEY_VARIABLE] = fingerprint
    return folder
