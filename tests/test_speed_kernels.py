"""Warm kernels reused across pages, and intermediate results shared by the pages of a build."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from analysis.common import shared
from analysis.pipeline import runplan, steps
from analysis.pipeline.kernels import KernelPool
from analysis.pipeline.warm_engine import ENGINE

from .conftest import REPO


def _notebook(path: Path, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def _run(pool: KernelPool, src: Path, out: Path) -> nbformat.NotebookNode:
    with pool.kernel() as kernel:
        pm.execute_notebook(
            str(src), str(out), engine_name=ENGINE, km=kernel.km, kc=kernel.client(), kernel_name="python3", progress_bar=False
        )
    return nbformat.read(out, as_version=4)


def _text(nb: nbformat.NotebookNode, cell: int) -> str:
    return "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in nb.cells[cell].outputs)


@pytest.mark.e2e
def test_reused_kernel_starts_each_page_clean_and_failed_kernel_is_replaced(tmp_path: Path) -> None:
    first = _notebook(tmp_path / "a.ipynb", "import os\nleft_over = 1\nprint(os.getpid())", "2 + 2")
    second = _notebook(tmp_path / "b.ipynb", "import os\nprint(os.getpid(), 'left_over' in globals())", "3 + 3")
    failing = _notebook(tmp_path / "c.ipynb", "raise ValueError('boom')")
    pool = KernelPool(1, tmp_path)
    try:
        a = _run(pool, first, tmp_path / "a.out.ipynb")
        b = _run(pool, second, tmp_path / "b.out.ipynb")
        pid_a = _text(a, 0).split()[0]
        pid_b, leaked = _text(b, 0).split()
        assert pid_a == pid_b, "the second page ran in the same kernel"
        assert leaked == "False", "the first page's variables are gone"
        # execution counts restart, as in a fresh kernel: the published notebook is the same
        assert [c.execution_count for c in a.cells] == [c.execution_count for c in b.cells] == [1, 2]
        assert _text(b, 1) == "6"
        with pytest.raises(pm.PapermillExecutionError):
            _run(pool, failing, tmp_path / "c.out.ipynb")
        again = _run(pool, second, tmp_path / "d.out.ipynb")
        assert _text(again, 0).split()[0] != pid_a, "a kernel whose page failed is replaced"
    finally:
        pool.close()


@pytest.mark.e2e
def test_a_page_whose_kernel_dies_fails_at_once_instead_of_waiting(tmp_path: Path) -> None:
    """The pool's client checks the kernel between waits: a killed kernel ends its page within seconds (Ctrl-C)."""
    dying = _notebook(tmp_path / "d.ipynb", "import os, time\ntime.sleep(0.5)\nos._exit(1)")
    pool = KernelPool(1, tmp_path)
    errors: list[BaseException] = []

    def page() -> None:
        try:
            _run(pool, dying, tmp_path / "d.out.ipynb")
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=page, daemon=True)
    worker.start()
    worker.join(30)
    pool.close()
    assert not worker.is_alive(), "the page still waits for a dead kernel"
    assert len(errors) == 1 and "died" in str(errors[0])


@pytest.fixture
def shared_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(shared.DIR_VARIABLE, str(tmp_path / "shared"))
    monkeypatch.setenv(shared.KEY_VARIABLE, "a" * 64)
    monkeypatch.setattr(shared, "_memo", {})
    return tmp_path / "shared"


def test_without_a_build_every_value_is_computed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(shared.DIR_VARIABLE, raising=False)
    calls: list[int] = []
    for _ in range(2):
        assert shared.value("x", [1], lambda: calls.append(1) or 7) == 7
    assert calls == [1, 1]


def test_value_is_computed_once_per_inputs_and_read_back(shared_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    assert shared.value("x", ["A", 1], lambda: calls.append("A") or {"v": 1.5}) == {"v": 1.5}
    monkeypatch.setattr(shared, "_memo", {})  # another kernel: reads the file
    assert shared.value("x", ["A", 1], lambda: calls.append("again") or {"v": 0}) == {"v": 1.5}
    assert shared.value("x", ["B", 1], lambda: calls.append("B") or 2) == 2  # other arguments
    monkeypatch.setenv(shared.KEY_VARIABLE, "b" * 64)  # other inputs: computed again
    assert shared.value("x", ["A", 1], lambda: calls.append("new inputs") or 3) == 3
    assert calls == ["A", "B", "new inputs"]
    shared.prune(shared_dir, "b" * 64)
    assert [p.name for p in shared_dir.iterdir()] == ["b" * 16]


def test_items_another_kernel_computes_are_waited_for_last(shared_dir: Path) -> None:
    """Item 0 is being computed elsewhere (its lock is held): this kernel does item 1 first, then reads item 0."""
    order: list[str] = []
    path0 = shared._path(shared_dir / ("a" * 16), "x", [0])
    path0.parent.mkdir(parents=True)
    fd = os.open(path0.with_suffix(".lock"), os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    result: list[list[int]] = []
    worker = threading.Thread(
        target=lambda: result.append(
            shared.values("x", [([0], lambda: order.append("0") or 0), ([1], lambda: order.append("1") or 1)])
        )
    )
    worker.start()
    deadline = time.monotonic() + 10
    while order != ["1"] and time.monotonic() < deadline:
        time.sleep(0.01)
    assert order == ["1"], "the free item is done first"
    shared._store(path0, 100)  # the other kernel finishes item 0
    shared._memo.clear()
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)
    worker.join(10)
    assert result == [[100, 1]] and order == ["1"], "item 0 is read, not computed again"


# --------------------------------------------------------------------------- the run plan's shared steps


def test_the_book_plan_has_one_scenarios_step_per_option_before_the_option_pages() -> None:
    tasks = runplan.load_shared(REPO / "book" / "runplan.yml")
    assert [t.name for t in tasks] == ["scenarios_a", "scenarios_b", "scenarios_c", "scenarios_d", "casemix"]
    assert tasks[3].params == {"option": "D"} and tasks[0].call == "analysis.chapters.options.scorecard:prepare_scenarios"
    pages = runplan.load(REPO / "book" / "runplan.yml")
    nullipara = next(p for p in pages if p.name == "nullipara")
    assert tasks[4].params == nullipara.params and tasks[4].uses_births, "the case-mix step takes the page's parameters"
    nodes = {n.name: n for n in steps.schedule(pages, tasks, births_first=True)}
    assert set(nodes["comparison"].depends_on) == {"riskmix", "nullipara", "travel", *(t.name for t in tasks[:4])}
    assert set(nodes["casemix"].depends_on) == {steps.BIRTHS} and "casemix" in nodes["nullipara"].depends_on
    assert nodes["lanet"].depends_on == ()
    only_lanet = steps.schedule([p for p in pages if p.name == "lanet"], tasks)
    assert [n.name for n in only_lanet] == ["lanet"], "a step none of whose pages is built is left out"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("  - {name: s, call: 'm:f'}", "missing key 'needed_by'"),
        ("  - {name: s, call: 'm.f', needed_by: [lanet]}", "call must be 'module:function'"),
        ("  - {name: s, call: 'm:f', needed_by: [nowhere]}", "needed by unknown page(s) ['nowhere']"),
        ("  - {name: lanet, call: 'm:f', needed_by: [lanet]}", "the name is already used"),
    ],
)
def test_a_malformed_shared_step_names_the_plan_and_the_step(tmp_path: Path, entry: str, message: str) -> None:
    plan = tmp_path / "plan.yml"
    original = (REPO / "book" / "runplan.yml").read_text(encoding="utf-8")
    plan.write_text(original.split("shared:")[0] + "shared:\n" + entry + "\n\npages:" + original.split("\npages:")[1])
    with pytest.raises(runplan.RunPlanError) as err:
        runplan.load_shared(plan, runplan.load(REPO / "book" / "runplan.yml"))
    assert str(plan) in str(err.value) and message in str(err.value)


def test_a_stored_step_is_not_run_again(shared_dir: Path) -> None:
    task = runplan.SharedTask("s", "m:f", {}, ("lanet",))
    logged: list[str] = []

    class NoKernels:
        def kernel(self) -> None:
            raise AssertionError("no kernel is started for a step already done")

    assert steps.run_step(task, NoKernels(), lambda name: name == "s", False, logged.append) is None  # type: ignore[arg-type]
    assert logged == ["[shared] s: unchanged, reused"]
    shared.run_step("s", "analysis.common.shared:_folder", {})  # any importable function; the marker is written
    assert shared.step_done(shared_dir, "a" * 64, "s") and not shared.step_done(shared_dir, "b" * 64, "s")


def test_pages_that_read_births_wait_for_the_cohort_job_and_the_others_do_not() -> None:
    pages = runplan.load(REPO / "book" / "runplan.yml")
    nodes = {n.name: n for n in steps.schedule(pages, [], births_first=True)}
    assert nodes[steps.BIRTHS].depends_on == ()
    for page in pages:
        assert (steps.BIRTHS in nodes[page.name].depends_on) == page.uses_births, page.name
    assert nodes["nullipara"].depends_on == (steps.BIRTHS,) and nodes["travel"].depends_on == ()


def test_template_parameters_are_parsed_once_per_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis.pipeline import params

    monkeypatch.setenv("ANALYSIS_ROOT", str(tmp_path))
    template = tmp_path / "t.md"
    body = '---\nanalysis:\n  chapter: lanet\n---\n\n```{code-cell}\n:tags: [parameters]\n\nregion: str = "19"  # county\n```\n'
    template.write_text(body, encoding="utf-8")
    first = params.template_parameters(template)
    assert first["region"] == params.Parameter("region", "str", "19", "county")
    params._TEMPLATE_INFO.clear()  # a new build: read back from the record, not parsed
    monkeypatch.setattr(params, "read_template", lambda path: pytest.fail("parsed again"))
    assert params.template_parameters(template) == first
    monkeypatch.undo()
    monkeypatch.setenv("ANALYSIS_ROOT", str(tmp_path))
    template.write_text(body.replace('"19"', '"01"'), encoding="utf-8")  # changed content: parsed again
    params._TEMPLATE_INFO.clear()
    assert params.template_parameters(template)["region"].default == "01"
