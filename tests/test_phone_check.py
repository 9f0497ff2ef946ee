"""The browser check at a phone's width: what sticks out is reported, a scroll box with a cue is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.pipeline.browser_check import find_chromium, phone_check

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed")]

REPO = Path(__file__).resolve().parents[1]
PAGE = """<!doctype html><html lang="sv"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/_static/book.css"><script src="/_static/responsive.js"></script></head>
<body style="margin:0"><main><article class="bd-article" style="padding:0 12px">{body}</article></main></body></html>"""
WIDE_TABLE = "<table><tr>" + "".join(f"<td>kolumn&nbsp;nummer&nbsp;{i}</td>" for i in range(12)) + "</tr></table>"


def _site(tmp_path: Path, pages: dict[str, str]) -> Path:
    (tmp_path / "_static").mkdir()
    for name in ("book.css", "responsive.js"):
        (tmp_path / "_static" / name).write_bytes((REPO / "book" / "_static" / name).read_bytes())
    for name, body in pages.items():
        (tmp_path / name).write_text(PAGE.format(body=body), encoding="utf-8")
    return tmp_path


def test_wide_content_is_reported_and_a_cued_scroll_box_is_not(tmp_path: Path) -> None:
    root = _site(
        tmp_path,
        {
            "wide.html": '<div style="width:900px">för bred</div>',
            "table.html": WIDE_TABLE,
            "narrow.html": "<p>Kort text som får plats.</p>",
        },
    )
    found = phone_check(root, ["wide.html", "table.html", "narrow.html"])
    assert any("scrolls sideways" in p or "sticks out" in p for p in found["wide.html"]), found
    assert found["table.html"] == [], found  # wrapped in a scroll box with a visible cue by responsive.js
    assert found["narrow.html"] == []
