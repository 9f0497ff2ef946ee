"""Build speed: pages start as soon as their own dependencies are done (longest chain first), a rebuild
with nothing changed skips Jupyter Book, a validated births file is not reread, and option access is
memoised by the assumptions it reads without changing any figure."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from analysis.pipeline import runner
from analysis.pipeline.runplan import Page, RunPlanError
from analysis.pipeline.scheduler import run_in_dependency_order


def _page(name: str, *deps: str) -> Page:
    return Page(
        name=name, template=Path(f"notebooks/{name}.md"), output=Path(f"book/generated/{name}.ipynb"), params={}, depends_on=deps
    )


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ANALYSIS_ROOT", str(tmp_path))
    return tmp_path


def test_dependent_page_starts_when_its_own_dependency_is_done_not_after_a_wave(root: Path) -> None:
    # slow and fast have no dependencies; after_fast waits only for fast
    pages = [_page("slow"), _page("fast"), _page("after_fast", "fast")]
    durations = {"slow": 0.6, "fast": 0.05, "after_fast": 0.05}
    started: dict[str, float] = {}
    finished: dict[str, float] = {}
    t0 = time.perf_counter()

    def run_one(page: Page) -> runner.PageOutcome:
        started[page.name] = time.perf_counter() - t0
        time.sleep(durations[page.name])
        finished[page.name] = time.perf_counter() - t0
        return runner.PageOutcome(page, "ran", durations[page.name])

    done = run_in_dependency_order(pages, run_one, jobs=2)
    assert set(done) == {"slow", "fast", "after_fast"}
    assert started["after_fast"] >= finished["fast"]
    assert finished["after_fast"] < finished["slow"], "after_fast must not wait for the unrelated slow page"


def test_longest_chain_starts_first() -> None:
    # with one worker the order is the schedule: the page others wait for (by estimated time) goes first
    pages = [_page("leaf"), _page("upstream"), _page("downstream", "upstream")]
    order: list[str] = []
    lock = threading.Lock()

    def run_one(page: Page) -> runner.PageOutcome:
        with lock:
            order.append(page.name)
        return runner.PageOutcome(page, "ran", 0.0)

    run_in_dependency_order(pages, run_one, jobs=1, estimate={"upstream": 30.0, "leaf": 5.0, "downstream": 20.0})
    assert order == ["upstream", "downstream", "leaf"]


def test_first_failure_stops_the_build_and_starts_no_dependent(root: Path) -> None:
    pages = [_page("bad"), _page("child", "bad")]
    ran: list[str] = []

    def run_one(page: Page) -> runner.PageOutcome:
        ran.append(page.name)
        if page.name == "bad":
            raise runner.PageFailed("planted")
        return runner.PageOutcome(page, "ran", 0.0)

    with pytest.raises(runner.PageFailed, match="planted"):
        run_in_dependency_order(pages, run_one, jobs=2)
    assert ran == ["bad"]


def test_circular_dependencies_are_refused(root: Path) -> None:
    with pytest.raises(RunPlanError, match="circular"):
        run_in_dependency_order([_page("a", "b"), _page("b", "a")], lambda p: runner.PageOutcome(p, "ran", 0.0), 2)


def test_html_is_current_only_for_the_recorded_inputs(root: Path) -> None:
    (root / "_config.yml").write_text("title: x\n")
    (root / "_toc.yml").write_text("root: book/intro\n")
    (root / "requirements.lock").write_text("")
    (root / "book" / "generated").mkdir(parents=True)
    (root / "book" / "intro.md").write_text("# Intro\n")
    prov = root / "book" / "generated" / "provenance.md"
    prov.write_text("| Byggdatum | 2026-01-01 10:00 UTC |\n| Git-commit | abc |\n")
    digest = runner.html_inputs_digest()
    assert not runner.html_is_current(digest), "no record, no current book"
    version = root / "_build" / runner.HTML_VERSIONS / "v1"
    version.mkdir(parents=True)
    (version / "index.html").write_text("book")
    runner.switch_html(version, "v1")
    runner._write_atomic(runner._html_record_file(), json.dumps({"digest": digest, "version": "v1"}).encode())
    assert runner.html_is_current(digest)

    prov.write_text("| Byggdatum | 2026-01-01 10:07 UTC |\n| Git-commit | abc |\n")
    assert runner.html_is_current(runner.html_inputs_digest()), "the build time alone does not make the book stale"
    prov.write_text("| Byggdatum | 2026-01-01 10:07 UTC |\n| Git-commit | def |\n")
    assert not runner.html_is_current(runner.html_inputs_digest()), "another commit on the provenance page is a change"
    (root / "book" / "intro.md").write_text("# Intro, edited\n")
    assert not runner.html_is_current(runner.html_inputs_digest())


def test_validated_births_file_is_remembered_by_content(root: Path) -> None:
    births = root / "births.csv"
    births.write_text("a,b\n1,2\n")
    assert not runner.births_known_valid(births)
    runner.remember_valid_births(births)
    assert runner.births_known_valid(births)
    births.write_text("a,b\n1,3\n")
    assert not runner.births_known_valid(births), "a changed file is validated again"
    assert not runner.births_known_valid(root / "missing.csv")


def test_access_memo_reuses_only_when_the_read_assumptions_agree() -> None:
    from analysis.chapters.options import figures

    calls: list[float] = []

    def compute(values: object) -> float:
        calls.append(1)
        return float(values["a"]) * 2  # type: ignore[index]

    key = ("test-memo", object())
    assert figures._memo_by_reads(key, {"a": 1.0, "b": 5.0}, compute) == 2.0
    assert figures._memo_by_reads(key, {"a": 1.0, "b": 6.0}, compute) == 2.0, "b is never read: reused"
    assert len(calls) == 1
    assert figures._memo_by_reads(key, {"a": 2.0, "b": 6.0}, compute) == 4.0
    assert len(calls) == 2

    walked: list[int] = []

    def walks(values: object) -> float:
        walked.append(1)
        return float(sum(dict(values).values()))  # type: ignore[call-overload]

    key2 = ("test-memo-walk", object())
    assert figures._memo_by_reads(key2, {"a": 1.0, "b": 2.0}, walks) == 3.0
    assert figures._memo_by_reads(key2, {"a": 1.0, "b": 3.0}, walks) == 4.0, "a walked mapping is keyed by every value"
    assert figures._memo_by_reads(key2, {"a": 1.0, "b": 2.0}, walks) == 3.0
    assert len(walked) == 2
