"""The built small book: no recoverable small count in any page's tables, charts (their CSVs) or prose,
every chart and table carries its CSV, and no notebook publishes a traceback in a stream output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.common.disclosure import stream_tracebacks

from .disclosure_scan import csv_downloads, scan_notebook, scan_results

pytestmark = pytest.mark.e2e


def _html(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "".join("".join(o.get("data", {}).get("text/html", "")) for c in nb["cells"] for o in c.get("outputs", []))


def test_published_pages_reveal_no_small_count_and_carry_their_data(small_book: Path) -> None:
    pages = sorted((small_book / "book" / "generated").glob("*.ipynb"))
    assert pages
    for page in pages:
        found = scan_notebook(page)
        assert not found, "\n".join(str(f) for f in found[:20])
        assert not stream_tracebacks(page), page.name
        html = _html(page)
        shown = html.count('class="vega-chart"') + html.count("<table")
        assert len(csv_downloads(html)) >= shown, f"{page.name}: a chart or table without 'Ladda ner data (CSV)'"


def test_results_reveal_no_small_count(small_book: Path) -> None:
    found = []
    for path in sorted((small_book / "_build" / "results").glob("*.json")):
        found += scan_results(json.loads(path.read_text(encoding="utf-8")), path.name)
    assert not found, "\n".join(str(f) for f in found[:20])
