"""Parameter validation and run-plan handling happen before any notebook runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.pipeline import params, runplan
from analysis.pipeline.params import ParameterError

from .conftest import REPO


def _template(path: Path, source: str) -> Path:
    nb = {
        "cells": [
            {"cell_type": "markdown", "id": "t", "metadata": {}, "source": ["# Titel"]},
            {
                "cell_type": "code",
                "id": "p",
                "metadata": {"tags": ["parameters"]},
                "outputs": [],
                "execution_count": None,
                "source": [source],
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb))
    return path


def test_template_parameters_read_types_defaults_and_help(tmp_path: Path) -> None:
    t = _template(tmp_path / "t.ipynb", 'region: str = "19"  # county code\nn: int = 3\nshare: float = 0.5  # a share')
    declared = params.template_parameters(t)
    assert list(declared) == ["region", "n", "share"]
    assert declared["region"].type == "str" and declared["region"].default == "19" and declared["region"].help == "county code"
    assert declared["n"].default == 3 and declared["share"].help == "a share"


def test_parameter_papermill_cannot_read_is_rejected(tmp_path: Path) -> None:
    t = _template(tmp_path / "t.ipynb", 'region: str = "19"\ngrid: str = ""  # empty = embedded data')
    with pytest.raises(ParameterError, match="papermill cannot read parameter.*grid"):
        params.template_parameters(t)


def test_unannotated_parameter_is_rejected(tmp_path: Path) -> None:
    t = _template(tmp_path / "t.ipynb", "region = '19'")
    with pytest.raises(ParameterError, match="name: type = default"):
        params.template_parameters(t)


def test_validate_reports_unknown_name_wrong_type_and_bad_value_together(tmp_path: Path) -> None:
    declared = params.template_parameters(_template(tmp_path / "t.ipynb", 'region: str = "19"\nn: int = 3'))
    with pytest.raises(ParameterError) as err:
        params.validate("mypage", declared, {"regoin": "19", "n": "three", "region": "99"})
    text = str(err.value)
    assert "page 'mypage'" in text
    assert "unknown parameter 'regoin'" in text and "this page takes: n, region" in text
    assert "parameter 'n'='three': expected int, got str" in text
    assert "parameter 'region'='99'" in text and "19" in text  # allowed codes are listed


def test_validate_fills_defaults_and_rejects_bool_as_int(tmp_path: Path) -> None:
    declared = params.template_parameters(_template(tmp_path / "t.ipynb", 'region: str = "19"\nn: int = 3'))
    assert params.validate("p", declared, {}) == {"region": "19", "n": 3}
    with pytest.raises(ParameterError, match="expected int, got bool"):
        params.validate("p", declared, {"n": True})


@pytest.mark.parametrize("value,ok", [("2019-2023", True), ("2023", True), ("2023-2019", False), ("19-23", False)])
def test_years_rule(value: str, ok: bool) -> None:
    assert (params.VALUE_RULES["years"](value) is None) is ok


def test_year_range() -> None:
    assert params.year_range("2019-2021") == [2019, 2020, 2021]


def test_cli_value_coercion() -> None:
    spec = params.Parameter("x", "float", 0.0, "")
    assert params.coerce_cli_value(spec, "0,5") == 0.5
    with pytest.raises(ParameterError, match="not a valid int"):
        params.coerce_cli_value(params.Parameter("n", "int", 0, ""), "abc")


def test_foreach_expands_one_page_per_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANALYSIS_ROOT", str(tmp_path))
    (tmp_path / "notebooks").mkdir()
    _template(tmp_path / "notebooks" / "r.ipynb", 'region: str = "19"')
    plan = tmp_path / "plan.yml"
    plan.write_text(
        "pages:\n  - name: r_{region}\n    template: notebooks/r.ipynb\n    output: book/generated/r_{region}.ipynb\n"
        "    foreach: {region: ['19', '03']}\n"
    )
    pages = runplan.load(plan)
    assert [p.name for p in pages] == ["r_19", "r_03"]
    assert [p.params["region"] for p in pages] == ["19", "03"]


def test_plan_with_bad_parameter_names_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANALYSIS_ROOT", str(tmp_path))
    (tmp_path / "notebooks").mkdir()
    _template(tmp_path / "notebooks" / "r.ipynb", 'region: str = "19"')
    plan = tmp_path / "plan.yml"
    plan.write_text(
        "pages:\n  - name: karta\n    template: notebooks/r.ipynb\n    output: b/x.ipynb\n    params: {region: '42'}\n"
    )
    with pytest.raises(ParameterError, match="page 'karta'.*region"):
        runplan.load(plan)


def test_waves_respect_dependencies() -> None:
    a = runplan.Page("a", Path("a"), Path("a"), {})
    b = runplan.Page("b", Path("b"), Path("b"), {}, depends_on=("a",))
    c = runplan.Page("c", Path("c"), Path("c"), {})
    assert [[p.name for p in w] for w in runplan.waves([b, a, c])] == [["a", "c"], ["b"]]
    # a partial build: b's dependency is not selected, so its published results are used
    assert [[p.name for p in w] for w in runplan.waves([b, c])] == [["b", "c"]]


def test_every_template_has_one_parameters_cell_no_outputs_and_a_title() -> None:
    templates = sorted((REPO / "notebooks").glob("*.md"))
    assert templates and not list((REPO / "notebooks").glob("*.ipynb")), "templates are MyST markdown notebooks"
    for path in templates:
        nb = params.read_template(path)
        tags = [t for c in nb["cells"] for t in c.get("metadata", {}).get("tags", [])]
        assert tags.count("parameters") == 1, path
        assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code"), path
        first = "".join(nb["cells"][0]["source"])
        assert nb["cells"][0]["cell_type"] == "markdown" and first.startswith("# "), path


def test_repository_run_plan_is_valid() -> None:
    pages = runplan.load(REPO / "book" / "runplan.yml")
    toc = (REPO / "_toc.yml").read_text()
    for page in pages:
        assert str(page.output.with_suffix("")) in toc, f"{page.name} is built but not in _toc.yml"


def test_chapter_checks_are_looked_up_by_the_templates_chapter() -> None:
    assert params.template_chapter(REPO / "notebooks" / "travel.md") == "travel"
    rules = params.chapter_rules("travel")
    assert "weight_by" in rules and "region" in rules
    assert rules["weight_by"]("women_15_44") is None and "one of" in str(rules["weight_by"]("men"))
    assert "weight_by" not in params.chapter_rules("lanet")  # another chapter's rule does not leak
    with pytest.raises(ParameterError, match="does not exist"):
        params.chapter_rules("no_such_chapter")


def test_pipeline_does_not_import_chapters() -> None:
    import ast

    for module in (REPO / "src" / "analysis" / "pipeline").glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("analysis.chapters"), f"{module.name} imports {node.module}"
