"""The runner: cache hits and misses, failure handling, nothing half-built published."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import run_cli

OK_TEMPLATE = """# Liten sida
x: int = 2  # a number
from analysis.render import page
page.save_results("{name}", {{"x_squared": x * x}})
"""

FAIL_TEMPLATE = """# Trasig sida
x: int = 2  # a number
y = 1
raise ValueError("planted failure for the test")
"""


def _write_template(path: Path, text: str) -> None:
    title, param, *code = text.strip().splitlines()
    nb = {
        "cells": [
            {"cell_type": "markdown", "id": "a", "metadata": {}, "source": [title]},
            {
                "cell_type": "code",
                "id": "b",
                "metadata": {"tags": ["parameters"]},
                "outputs": [],
                "execution_count": None,
                "source": [param],
            },
            {"cell_type": "code", "id": "c", "metadata": {}, "outputs": [], "execution_count": None, "source": ["\n".join(code)]},
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb))


def _plan(root: Path, pages: list[tuple[str, str, dict[str, int]]]) -> Path:
    lines = ["pages:"]
    for name, template, params in pages:
        lines += [f"  - name: {name}", f"    template: {template}", f"    output: book/generated/{name}.ipynb"]
        if params:
            lines.append(f"    params: {json.dumps(params)}")
    plan = root / "plan.yml"
    plan.write_text("\n".join(lines) + "\n")
    return plan


def test_cache_hit_then_misses_on_parameter_and_data_change(project_copy: Path) -> None:
    root = project_copy
    _write_template(root / "notebooks" / "tiny.ipynb", OK_TEMPLATE.format(name="tiny"))
    plan = _plan(root, [("tiny", "notebooks/tiny.ipynb", {"x": 3})])

    first = run_cli(root, "build", "--plan", str(plan), "--no-html")
    assert first.returncode == 0, first.stderr
    assert "tiny: done" in first.stdout
    assert json.loads((root / "_build" / "results" / "tiny.json").read_text()) == {"x_squared": 9}

    second = run_cli(root, "build", "--plan", str(plan), "--no-html")
    assert second.returncode == 0, second.stderr
    assert "tiny: unchanged, reused" in second.stdout

    plan = _plan(root, [("tiny", "notebooks/tiny.ipynb", {"x": 4})])
    third = run_cli(root, "build", "--plan", str(plan), "--no-html")
    assert "tiny: done" in third.stdout
    assert json.loads((root / "_build" / "results" / "tiny.json").read_text()) == {"x_squared": 16}

    with (root / "geodata" / "README.md").open("a") as f:
        f.write("\nchanged input\n")
    fourth = run_cli(root, "build", "--plan", str(plan), "--no-html")
    assert "tiny: done" in fourth.stdout, "a change in geodata/ must invalidate the cache"


def test_failing_page_stops_build_names_page_and_cell_and_keeps_old_book(project_copy: Path) -> None:
    root = project_copy
    _write_template(root / "notebooks" / "tiny.ipynb", OK_TEMPLATE.format(name="tiny"))
    _write_template(root / "notebooks" / "broken.ipynb", FAIL_TEMPLATE)
    old_html = root / "_build" / "html" / "index.html"
    old_html.parent.mkdir(parents=True)
    old_html.write_text("previous book")
    old_nb = root / "book" / "generated" / "tiny.ipynb"
    old_nb.parent.mkdir(parents=True, exist_ok=True)
    old_nb.write_text("previous page")
    plan = _plan(root, [("tiny", "notebooks/tiny.ipynb", {}), ("trasig", "notebooks/broken.ipynb", {})])

    result = run_cli(root, "build", "--plan", str(plan), "--jobs", "1")
    assert result.returncode != 0
    assert "page 'trasig'" in result.stderr
    assert "cell" in result.stderr and "ValueError: planted failure for the test" in result.stderr
    assert old_html.read_text() == "previous book"
    assert old_nb.read_text() == "previous page", "no page may be published when another page failed"
    assert not (root / "book" / "generated" / "broken.ipynb").exists()


def test_unknown_parameter_in_plan_fails_before_running(project_copy: Path) -> None:
    root = project_copy
    _write_template(root / "notebooks" / "tiny.ipynb", OK_TEMPLATE.format(name="tiny"))
    plan = root / "plan.yml"
    plan.write_text(
        "pages:\n  - name: tiny\n    template: notebooks/tiny.ipynb\n    output: book/generated/tiny.ipynb\n    params: {z: 1}\n"
    )
    result = run_cli(root, "build", "--plan", str(plan), "--no-html")
    assert result.returncode == 2
    assert "page 'tiny'" in result.stderr and "unknown parameter 'z'" in result.stderr and "this page takes: x" in result.stderr
    assert "running" not in result.stdout


def test_run_command_validates_and_executes(project_copy: Path) -> None:
    root = project_copy
    _write_template(root / "notebooks" / "tiny.ipynb", OK_TEMPLATE.format(name="tiny"))
    bad = run_cli(root, "run", "notebooks/tiny.ipynb", "-p", "x", "many")
    assert bad.returncode != 0 and "'many' is not a valid int" in bad.stderr
    good = run_cli(root, "run", "notebooks/tiny.ipynb", "-p", "x", "5", "-o", str(root / "out.ipynb"))
    assert good.returncode == 0, good.stderr
    assert (root / "out.ipynb").exists()
