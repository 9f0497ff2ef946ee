"""The PDF editions: the page plan, and a two-page book printed by headless Chromium and bound with pypdf."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from analysis.pipeline import pdf
from analysis.pipeline.browser_check import find_chromium

PAGE = """<!doctype html><html lang="sv"><head><meta charset="utf-8"><link rel="stylesheet" href="/_static/book.css">
<title>{title}</title></head><body><nav class="bd-header">MENY</nav><article class="bd-article"><h1>{title}</h1>{body}
<details class="hide above-input"><summary>Visa beräkningen</summary><div class="cell_input">KODRAD</div></details>
<div class="vega-chart"><svg width="300" height="120"><rect width="300" height="120" fill="#4a7"/></svg></div>
</article></body></html>"""


def _toc(root: Path) -> None:
    toc = {
        "format": "jb-book",
        "root": "book/intro",
        "parts": [
            {"caption": "A", "chapters": [{"file": "book/generated/a"}, {"file": "book/b.md", "sections": [{"file": "book/c"}]}]}
        ],
    }
    (root / "_toc.yml").write_text(yaml.safe_dump(toc), encoding="utf-8")


def test_toc_pages_follow_the_table_of_contents(tmp_path: Path) -> None:
    _toc(tmp_path)
    assert pdf.toc_pages(tmp_path / "_toc.yml") == ["book/intro", "book/generated/a", "book/b", "book/c"]


def test_the_repository_plan_is_valid() -> None:
    plan = pdf.load_plan()
    assert {"evidensbok", "beslutsunderlag"} <= set(plan["documents"])
    assert plan["documents"]["evidensbok"]["pages"][0] == "book/intro"
    assert "book/generated/option_d" in plan["documents"]["beslutsunderlag"]["pages"]


def test_a_malformed_plan_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "pdf.yml"
    bad.write_text("documents:\n  x:\n    pages: []\ntexts: {}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"pdf.yml: documents.x"):
        pdf.load_plan(bad)


@pytest.mark.e2e
@pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed")
def test_two_page_book_is_printed_bound_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    PdfReader = pytest.importorskip("pypdf", reason="pypdf is in requirements.lock; run make setup").PdfReader
    repo = Path(__file__).resolve().parents[1]
    monkeypatch.setenv("ANALYSIS_ROOT", str(tmp_path))
    (tmp_path / "book").mkdir()
    _toc(tmp_path)
    plan = yaml.safe_load((repo / "book" / "pdf.yml").read_text(encoding="utf-8"))
    plan["documents"] = {
        "bok": {"title": "Provbok", "subtitle": "Test", "pages": ["book/intro", "book/generated/a", "book/saknas"]}
    }
    (tmp_path / "book" / "pdf.yml").write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    html = tmp_path / "_build" / "html"
    (html / "book" / "generated").mkdir(parents=True)
    (html / "_static").mkdir()
    (html / "_static" / "book.css").write_bytes((repo / "book" / "_static" / "book.css").read_bytes())
    (html / "book" / "intro.html").write_text(PAGE.format(title="Inledning", body="<p>Text.</p>"), encoding="utf-8")
    notice = '<div class="admonition warning synthetic-data"><p>Syntetiska data</p></div>'
    (html / "book" / "generated" / "a.html").write_text(PAGE.format(title="Kapitel A", body=notice), encoding="utf-8")

    written = pdf.build_pdfs()
    out = capsys.readouterr().out
    assert "book/saknas is not in the built book; skipped" in out
    assert written == [tmp_path / "_build" / "pdf" / "bok.pdf"]
    assert (html / "pdf" / "bok.pdf").exists()
    reader = PdfReader(written[0])
    assert len(reader.pages) == 3  # cover + one sheet per page
    assert [o.title for o in reader.outline] == [plan["texts"]["cover_bookmark"], "Inledning", "Kapitel A"]
    cover, intro, chapter = (p.extract_text() for p in reader.pages)
    assert "Provbok" in cover and "Kapitel A" in cover
    assert "Sida 1 av 2" in intro and "Sida 2 av 2" in chapter
    synthetic = plan["texts"]["synthetic"]
    assert synthetic not in intro and synthetic in chapter
    assert "KODRAD" not in intro + chapter and "MENY" not in intro + chapter  # code toggles and navigation are hidden

    pdf.build_pdfs()
    assert "pdf: unchanged" in capsys.readouterr().out


def test_without_chromium_the_build_says_so_in_one_line(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import analysis.pipeline.browser_check as browser_check

    monkeypatch.setattr(browser_check, "find_chromium", lambda: None)
    assert pdf.build_pdfs() == []
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "Chromium not found" in out
