"""Golden results: every figure in ``_build/results/*.json`` of the small fixed book is pinned.

A refactor must not move a figure. When a change of a figure is intended, regenerate the
expected files deliberately, in a commit of their own that says why:

    .venv/bin/python scripts/update_golden.py
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

GOLDEN = Path(__file__).resolve().parent / "golden" / "results"
REL_TOL = 1e-7
ABS_TOL = 1e-9


def differences(expected: Any, actual: Any, where: str = "") -> list[str]:
    """Every place where two JSON documents differ (numbers within a tight tolerance count as equal)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        out: list[str] = []
        for key in sorted(set(expected) | set(actual)):
            if key not in actual:
                out.append(f"{where}/{key}: missing (expected {str(expected[key])[:60]})")
            elif key not in expected:
                out.append(f"{where}/{key}: new key (value {str(actual[key])[:60]})")
            else:
                out += differences(expected[key], actual[key], f"{where}/{key}")
        return out
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{where}: {len(expected)} items expected, {len(actual)} found"]
        return [d for i, (e, a) in enumerate(zip(expected, actual)) for d in differences(e, a, f"{where}[{i}]")]
    numeric = (int, float)
    if (
        isinstance(expected, numeric)
        and isinstance(actual, numeric)
        and not isinstance(expected, bool)
        and not isinstance(actual, bool)
    ):
        if math.isclose(float(expected), float(actual), rel_tol=REL_TOL, abs_tol=ABS_TOL):
            return []
        return [f"{where}: {expected} -> {actual}"]
    return [] if expected == actual else [f"{where}: {str(expected)[:80]!r} -> {str(actual)[:80]!r}"]


def test_differences_finds_moved_figures_and_ignores_float_noise() -> None:
    assert differences({"a": 1.0, "b": [1, 2]}, {"a": 1.0 + 1e-12, "b": [1, 2]}) == []
    assert differences({"a": 1.0}, {"a": 1.01}) == ["/a: 1.0 -> 1.01"]
    assert differences({"a": {"b": 1}}, {"a": {}}) == ["/a/b: missing (expected 1)"]
    assert differences({"a": "x"}, {"a": "y"}) == ["/a: 'x' -> 'y'"]


def test_golden_files_exist() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.json")), "no golden results committed"


@pytest.mark.parametrize("page", sorted(p.stem for p in GOLDEN.glob("*.json")))
def test_results_match_golden(small_book: Path, page: str) -> None:
    built = small_book / "_build" / "results" / f"{page}.json"
    assert built.exists(), f"page {page!r} wrote no results"
    expected = json.loads((GOLDEN / f"{page}.json").read_text(encoding="utf-8"))
    actual = json.loads(built.read_text(encoding="utf-8"))
    found = differences(expected, actual)
    assert not found, f"{page}.json differs from the golden results ({len(found)} places):\n  " + "\n  ".join(found[:40])


def test_every_built_page_has_golden_results(small_book: Path) -> None:
    built = {p.stem for p in (small_book / "_build" / "results").glob("*.json")}
    golden = {p.stem for p in GOLDEN.glob("*.json")}
    assert built == golden, f"pages without golden results: {sorted(built - golden)}; stale: {sorted(golden - built)}"
