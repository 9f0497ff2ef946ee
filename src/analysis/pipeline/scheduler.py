"""Run pages as soon as their own dependencies are done, longest chain of waiting pages first.

Replaces running the plan in waves: a page that needs only one upstream page starts when that page
is done, not when every page of the wave is. ``estimate`` (seconds per page, from the last recorded
run) orders the ready pages so the pages others wait for are not queued behind independent ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TypeVar

from analysis.pipeline.runplan import J, Job, check_acyclic

T = TypeVar("T")


def _critical_path(pages: Sequence[Job], estimate: Mapping[str, float]) -> dict[str, float]:
    """Each page's own estimated time plus the longest chain of pages that wait for it."""
    dependents: dict[str, list[str]] = {p.name: [] for p in pages}
    for p in pages:
        for dep in p.depends_on:
            if dep in dependents:
                dependents[dep].append(p.name)
    memo: dict[str, float] = {}

    def length(name: str) -> float:
        if name not in memo:
            memo[name] = estimate[name] + max((length(d) for d in dependents[name]), default=0.0)
        return memo[name]

    return {p.name: length(p.name) for p in pages}


def run_in_dependency_order(
    pages: Sequence[J], run_one: Callable[[J], T], jobs: int, estimate: Mapping[str, float] | None = None
) -> dict[str, T]:
    """Run every page as soon as the pages it depends on are done (not in waves), ``jobs`` at a time.

    Ready pages start longest chain first (``estimate``: seconds per page; 10 s when unknown), so the
    pages that others wait for are not queued behind independent ones. A dependency outside
    ``pages`` (a partial build with ``--pages``) is already built. The first failure stops the
    build: no further page starts, running ones are waited for, the error is raised.
    """
    check_acyclic(pages)
    names = {p.name for p in pages}
    waiting = {p.name: set(p.depends_on) & names for p in pages}
    chain = _critical_path(pages, {p.name: (estimate or {}).get(p.name, 10.0) for p in pages})
    order = {p.name: i for i, p in enumerate(pages)}
    by_name = {p.name: p for p in pages}
    done: dict[str, T] = {}
    running: dict[Future[T], str] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, min(jobs, len(pages))))
    try:
        while len(done) < len(pages):
            ready = sorted(
                (n for n, deps in waiting.items() if not deps and n not in done and n not in running.values()),
                key=lambda n: (-chain[n], order[n]),
            )
            for name in ready[: max(0, jobs - len(running))]:
                running[pool.submit(run_one, by_name[name])] = name
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                name = running.pop(future)
                error = future.exception()
                if error is not None:
                    for other in running:
                        other.cancel()
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise error
                done[name] = future.result()
                for deps in waiting.values():
                    deps.discard(name)
    except BaseException:  # Ctrl-C (or a failure): start no further page
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return done
