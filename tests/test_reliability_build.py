"""Build reliability: one build at a time, a book that is never missing, records written only after
publishing, provenance from those records (escaped, no paths, disclosure threshold), clean exits."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from .conftest import own_traceback, run_cli
from .test_births_validate import VALID_CSV
from .test_runner import _write_template

BIRTHS_TEMPLATE = """# Sida med data
births: str = ""  # births file
import hashlib, pathlib, time
from analysis.render import page
time.sleep({sleep})
print("reading", births)
page.save_results("{name}", {{"sha": hashlib.sha256(pathlib.Path(births).read_bytes()).hexdigest()}})
"""


def _births_plan(root: Path, names: tuple[str, ...] = ("tiny",), sleep: float = 0) -> Path:
    lines = ["pages:"]
    for name in names:
        _write_template(root / "notebooks" / f"{name}.ipynb", BIRTHS_TEMPLATE.format(name=name, sleep=sleep))
        lines += [f"  - name: {name}", f"    template: notebooks/{name}.ipynb", f"    output: book/generated/{name}.ipynb"]
    plan = root / "plan.yml"
    plan.write_text("\n".join(lines) + "\n")
    return plan


def _births(tmp_path: Path, name: str = "births.csv", extra_row: str = "") -> Path:
    path = tmp_path / "data dir" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(VALID_CSV + extra_row, encoding="utf-8")
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _popen_build(root: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "ANALYSIS_ROOT": str(root)}
    env.pop("ANALYSIS_RESULTS_DIR", None)
    return subprocess.Popen(
        [sys.executable, "-m", "analysis", "build", *args],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(proc: subprocess.Popen[str], word: str, timeout: float = 60) -> None:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if word in line:
            return
        if not line and proc.poll() is not None:
            raise AssertionError(f"build ended before {word!r}: {proc.stderr.read() if proc.stderr else ''}")
    raise AssertionError(f"no {word!r} within {timeout} s")


# --------------------------------------------------------------------------- B: one build at a time


@pytest.mark.slow
def test_second_build_exits_at_once_naming_the_running_builds_pid(project_copy: Path, tmp_path: Path) -> None:
    root = project_copy
    births = _births(tmp_path)
    plan = _births_plan(root, sleep=4)
    first = _popen_build(root, "--plan", str(plan), "--births", str(births), "--no-html")
    try:
        _wait_for(first, "running")
        started = time.monotonic()
        second = run_cli(root, "build", "--plan", str(plan), "--births", str(births), "--no-html")
        assert time.monotonic() - started < 15
        assert second.returncode != 0
        lines = second.stderr.strip().splitlines()
        assert len(lines) == 1 and f"pid {first.pid}" in lines[0], second.stderr
        _, err = first.communicate(timeout=300)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, err
    assert json.loads((root / "_build" / "results" / "tiny.json").read_text())["sha"] == _sha(births)
    assert not list((root / "_build").glob("stage*")), "each build removes its own staging folder"


@pytest.mark.slow
def test_stale_lock_from_dead_process_is_taken_over(project_copy: Path, tmp_path: Path) -> None:
    root = project_copy
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (root / "_build").mkdir()
    (root / "_build" / "build.lock").write_text(f"{dead.pid}\n")
    result = run_cli(root, "build", "--plan", str(_births_plan(root)), "--births", str(_births(tmp_path)), "--no-html")
    assert result.returncode == 0, result.stderr
    assert f"stale build lock left by pid {dead.pid}" in result.stdout


def test_html_switch_never_leaves_the_book_missing(project_copy: Path) -> None:
    from analysis.pipeline import runner

    os.environ["ANALYSIS_ROOT"] = str(project_copy)
    try:
        base = project_copy / "_build"
        legacy = base / "html"
        legacy.mkdir(parents=True)
        (legacy / "index.html").write_text("legacy book")
        missing: list[int] = []
        stop = threading.Event()

        def watch() -> None:
            while not stop.is_set():
                if not (base / "html" / "index.html").exists():
                    missing.append(1)

        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            for i in range(60):
                version = base / runner.HTML_VERSIONS / f"v{i}"
                version.mkdir(parents=True)
                (version / "index.html").write_text(f"book {i}")
                runner.switch_html(version, f"b{i}")
                time.sleep(0.02)  # builds are minutes apart; a reader is never two switches behind
        finally:
            stop.set()
            watcher.join()
        assert not missing, f"_build/html/index.html was missing {len(missing)} time(s)"
        assert (base / "html").is_symlink()
        assert (base / "html" / "index.html").read_text() == "book 59"
        kept = sorted(p.name for p in (base / runner.HTML_VERSIONS).iterdir())
        assert kept == ["v58", "v59"], "the current and the previous version are kept, older ones removed"
    finally:
        os.environ.pop("ANALYSIS_ROOT", None)


# --------------------------------------------------------------------------- C: records after publishing


@pytest.mark.slow
def test_interrupted_publish_never_reuses_a_stale_page(
    project_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analysis.pipeline import cli, runner, runplan

    root = project_copy
    monkeypatch.setenv("ANALYSIS_ROOT", str(root))
    births_a = _births(tmp_path, "a.csv")
    births_b = _births(
        tmp_path,
        "b.csv",
        extra_row="D7,2023,01,,0,30,1,cephalic,40,0,spontaneous,spontaneous_vaginal,,,,,,,,3300,0,300,30,Stockholm\n",
    )
    plan = str(_births_plan(root))
    assert cli.main(["build", "--plan", plan, "--births", str(births_a), "--no-html"]) == 0

    real_write = runner._write_atomic
    calls = {"n": 0}

    def interrupted(target: Path, data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # the notebook is in place, its results are not
            raise KeyboardInterrupt
        real_write(target, data)

    monkeypatch.setattr(runner, "_write_atomic", interrupted)
    assert cli.main(["build", "--plan", plan, "--births", str(births_b), "--no-html"]) == 130
    monkeypatch.setattr(runner, "_write_atomic", real_write)
    assert runner.published_record(runplan.load(Path(plan))[0]) is None, "no record for a half-published page"

    assert cli.main(["build", "--plan", plan, "--births", str(births_a), "--no-html"]) == 0
    nb = (root / "book" / "generated" / "tiny.ipynb").read_text()
    assert "a.csv" in nb and "b.csv" not in nb, "the page shown must be the one computed from the data named"
    assert json.loads((root / "_build" / "results" / "tiny.json").read_text())["sha"] == _sha(births_a)


@pytest.mark.slow
def test_provenance_comes_from_the_published_records(project_copy: Path, tmp_path: Path) -> None:
    root = project_copy
    births_a = _births(tmp_path, "a.csv")
    births_b = _births(tmp_path, "b.csv", extra_row="\n")
    plan = str(_births_plan(root, names=("one", "two")))
    assert run_cli(root, "build", "--plan", plan, "--births", str(births_a), "--no-html").returncode == 0
    text = (root / "book" / "generated" / "provenance.md").read_text()
    assert _sha(births_a) in text and "olika underlag" not in text
    record = json.loads((root / "_build" / "cache" / "one.json").read_text())
    assert record["births_sha256"] == _sha(births_a) and record["births_file"] == "a.csv"

    result = run_cli(root, "build", "--plan", plan, "--births", str(births_b), "--pages", "two", "--no-html")
    assert result.returncode == 0, result.stderr
    text = (root / "book" / "generated" / "provenance.md").read_text()
    assert "olika underlag" in text and _sha(births_a) in text and _sha(births_b) in text


# --------------------------------------------------------------------------- A: disclosure threshold


@pytest.mark.slow
def test_threshold_on_provenance_and_loud_warning_below_five(project_copy: Path, tmp_path: Path) -> None:
    root = project_copy
    births = _births(tmp_path)
    plan = str(_births_plan(root))
    normal = run_cli(root, "build", "--plan", plan, "--births", str(births), "--no-html")
    assert normal.returncode == 0 and "NOT FOR PUBLICATION" not in normal.stderr
    text = (root / "book" / "generated" / "provenance.md").read_text()
    assert "| Röjandeskydd: minsta redovisade antal | 5 |" in text and "EJ FÖR PUBLICERING" not in text

    low = run_cli(root, "build", "--plan", plan, "--births", str(births), "--no-html", env={"ANALYSIS_MIN_CELL": "3"})
    assert low.returncode == 0, low.stderr
    assert "NOT FOR PUBLICATION" in low.stderr and "ANALYSIS_MIN_CELL=3" in low.stderr
    assert "tiny: done" in low.stdout, "another threshold never reuses a page"
    text = (root / "book" / "generated" / "provenance.md").read_text()
    assert "EJ FÖR PUBLICERING" in text and "| Röjandeskydd: minsta redovisade antal | 3 – **ej för publicering** |" in text

    bad = run_cli(root, "build", "--plan", plan, "--births", str(births), "--no-html", env={"ANALYSIS_MIN_CELL": "0"})
    assert bad.returncode != 0 and "ANALYSIS_MIN_CELL" in bad.stderr and not own_traceback(bad.stderr)


# --------------------------------------------------------------------------- D: escaping, no paths


@pytest.mark.slow
def test_hostile_births_name_is_escaped_and_no_path_is_published(project_copy: Path, tmp_path: Path) -> None:
    root = project_copy
    name = "x`{glue:}`y <img src=x onerror=alert(1)> |*_[a](b)&amp;.csv"
    births = _births(tmp_path, name)
    result = run_cli(root, "build", "--plan", str(_births_plan(root)), "--births", str(births), "--no-html")
    assert result.returncode == 0, result.stderr
    markdown = (root / "book" / "generated" / "provenance.md").read_text()
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    assert "<img" not in html and "<a href" not in html and "<code>{glue" not in html
    assert "x`{glue:}`y &lt;img src=x onerror=alert(1)&gt; |*_[a](b)&amp;amp;.csv" in html
    assert "|*_" not in markdown.split("Förlossningsdata |", 1)[1].splitlines()[0], "the table cell is not split"
    published = [
        root / "book" / "generated" / "provenance.md",
        root / "book" / "generated" / "tiny.ipynb",
        root / "_build" / "provenance.json",
    ]
    for path in published:
        text = path.read_text()
        assert str(births.parent) not in text and str(root) not in text, path
    assert "reading" in (root / "book" / "generated" / "tiny.ipynb").read_text()


# --------------------------------------------------------------------------- E: clean exits


@pytest.mark.slow
def test_sigint_during_build_one_line_no_traceback(project_copy: Path, tmp_path: Path) -> None:
    root = project_copy
    (root / "book" / "generated").mkdir(parents=True)
    (root / "book" / "generated" / "tiny.ipynb").write_text("previous page")
    proc = _popen_build(root, "--plan", str(_births_plan(root, sleep=3)), "--births", str(_births(tmp_path)), "--no-html")
    try:
        _wait_for(proc, "running")
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert not own_traceback(err) and "interrupted" in err
    ours = [line for line in err.splitlines() if line.strip() and not line.startswith("[IPKernelApp]")]
    assert len(ours) == 1, err
    assert (root / "book" / "generated" / "tiny.ipynb").read_text() == "previous page"


@pytest.mark.slow
def test_unwritable_build_folder_one_line_no_traceback(project_copy: Path, tmp_path: Path) -> None:
    root = project_copy
    build = root / "_build"
    if os.geteuid() == 0:  # root ignores permissions: a file where the folder should be is as unwritable
        build.write_text("not a folder")
    else:
        build.mkdir()
        build.chmod(0o555)
    try:
        result = run_cli(root, "build", "--plan", str(_births_plan(root)), "--births", str(_births(tmp_path)), "--no-html")
    finally:
        if build.is_dir():
            build.chmod(0o755)
            shutil.rmtree(build)
    assert result.returncode != 0
    assert not own_traceback(result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1 and "_build" in result.stderr, result.stderr


@pytest.mark.slow
def test_built_book_publishes_no_absolute_path(small_book: Path) -> None:
    """Rendered pages, ``_sources`` and the executed notebooks name the births file, never its folder."""
    root = small_book
    html = root / "_build" / "html"
    assert (html / "index.html").exists() and html.is_symlink()
    births = next((root / "_build" / "data").glob("synthetic_births_*.parquet"))
    text = (html / "book" / "generated" / "provenance.html").read_text(encoding="utf-8")
    assert births.name.replace("_", "") in text.replace("_", "").replace("\\", "")
    leaks = [
        str(path.relative_to(html))
        for path in html.rglob("*")
        if path.is_file()
        and path.suffix in (".html", ".ipynb", ".md", ".txt", ".json")
        and str(root) in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert not leaks, f"absolute project path published in {leaks[:10]}"
    for nb in (root / "book" / "generated").glob("*.ipynb"):
        assert str(root) not in nb.read_text(encoding="utf-8"), nb.name


@pytest.mark.slow
def test_failed_publish_never_leaves_stale_results_under_a_new_label(project_copy: Path, tmp_path: Path) -> None:
    """Page 'a' is published, then publishing page 'b' fails: a later build must not reuse 'a' with old results."""
    root = project_copy
    births_a = _births(tmp_path, "a.csv")
    births_b = _births(tmp_path, "b.csv", extra_row="\n")
    for name in ("a", "b"):
        _write_template(root / "notebooks" / f"{name}.ipynb", BIRTHS_TEMPLATE.format(name=name, sleep=0))
    plan = root / "plan.yml"
    plan.write_text(
        "pages:\n"
        "  - name: a\n    template: notebooks/a.ipynb\n    output: book/generated/a.ipynb\n"
        "  - name: b\n    template: notebooks/b.ipynb\n    output: book/generated/sub/b.ipynb\n"
    )
    args = ("build", "--plan", str(plan), "--no-html", "--jobs", "1")
    assert run_cli(root, *args, "--births", str(births_a)).returncode == 0
    (root / "book" / "generated" / "sub" / "b.ipynb").unlink()
    (root / "book" / "generated" / "sub").rmdir()
    (root / "book" / "generated" / "sub").write_text("a file where a folder should be: publishing 'b' fails")
    failed = run_cli(root, *args, "--births", str(births_b))
    assert failed.returncode != 0 and not own_traceback(failed.stderr)
    (root / "book" / "generated" / "sub").unlink()
    again = run_cli(root, *args, "--births", str(births_b))
    assert again.returncode == 0, again.stderr
    for name in ("a", "b"):
        assert json.loads((root / "_build" / "results" / f"{name}.json").read_text())["sha"] == _sha(births_b), name
    provenance = (root / "book" / "generated" / "provenance.md").read_text()
    assert _sha(births_b) in provenance and _sha(births_a) not in provenance
