"""The layout rules a newcomer relies on: same roles in every chapter, wording outside Python, small modules."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from .conftest import REPO

PACKAGE = REPO / "src" / "analysis"
CHAPTERS = sorted(p for p in (PACKAGE / "chapters").iterdir() if p.is_dir() and (p / "__init__.py").exists())
ROLES = ("tables.py", "text.py", "page.py")  # and charts.py wherever a chapter draws charts
MAX_MODULE_LINES = 650
MAX_SENTENCE_FUNCTION_LINES = 30
SWEDISH_WORDS = frozenset(
    "och att det som är på av för med till den inte har eller från kan ska blir än utan hur vilka där när "
    "också bara även men mot efter under mellan sina sitt deras vår varje alla inom".split()
)


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _docstring_nodes(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def _sentences(path: Path) -> list[tuple[int, str]]:
    """String literals that read like a Swedish sentence (six or more words, two or more Swedish function words)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = _docstring_nodes(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            text = node.value
            words = re.findall(r"[a-zåäö]+", text.lower())
            if len(words) >= 6 and len(SWEDISH_WORDS.intersection(words)) >= 2:
                found.append((node.lineno, text[:70]))
    return found


def test_every_chapter_has_the_same_roles() -> None:
    assert {c.name for c in CHAPTERS} >= {"lanet", "riskmix", "nullipara", "travel", "options", "appendix"}
    for chapter in CHAPTERS:
        missing = [role for role in ROLES if not (chapter / role).exists()]
        assert not missing, f"chapter {chapter.name} lacks {missing}"


def test_charts_are_drawn_only_in_charts_modules() -> None:
    """Altair chart construction lives in a chapter's charts.py (or the shared render package)."""
    pattern = re.compile(r"\balt\.Chart\(")
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in _modules()
        if pattern.search(p.read_text(encoding="utf-8")) and p.name != "charts.py" and "render" not in p.parts
    ]
    assert not offenders, f"charts built outside charts.py: {offenders}"


@pytest.mark.parametrize("module", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_too_long(module: Path) -> None:
    lines = len(module.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{module.relative_to(PACKAGE)} has {lines} lines; split it by role"


@pytest.mark.parametrize("module", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_swedish_sentences_in_python(module: Path) -> None:
    """Swedish wording lives in templates and book/text/*.sv.yml; text.py modules only choose templates."""
    found = _sentences(module)
    assert not found, f"{module.relative_to(PACKAGE)}: Swedish sentences in Python (move them to book/text): {found[:5]}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_sentence_choosers_are_short(chapter: Path) -> None:
    text = chapter / "text.py"
    if not text.exists():
        pytest.skip("no text.py")
    tree = ast.parse(text.read_text(encoding="utf-8"))
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        and node.end_lineno
        and node.end_lineno - node.lineno + 1 > MAX_SENTENCE_FUNCTION_LINES
    ]
    assert not long, f"{chapter.name}/text.py: sentence functions over {MAX_SENTENCE_FUNCTION_LINES} lines: {long}"


def test_no_hard_coded_home_county_outside_its_data_file() -> None:
    pattern = re.compile(r"""(HOME_REGION|HOME_COUNTY)\s*=\s*["']\d\d["']|["']Västmanlands län["']""")
    offenders = [str(p.relative_to(PACKAGE)) for p in _modules() if pattern.search(p.read_text(encoding="utf-8"))]
    assert not offenders, f"home county hard-coded in {offenders}; read analysis.common.home"


def test_templates_are_thin() -> None:
    """Templates hold narrative: the setup cell calls one builder and every other code cell is one statement."""
    from analysis.pipeline.params import read_template

    for path in sorted((REPO / "notebooks").glob("*.md")):
        nb = read_template(path)
        code = [c for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]
        assert code, path.name
        for cell in code[1:]:
            statements = ast.parse(cell.source).body
            assert len(statements) <= 1, f"{path.name}: a display cell with {len(statements)} statements:\n{cell.source[:200]}"
