"""The book as PDF: headless Chromium prints the built HTML page by page, pypdf binds the pages.

``book/pdf.yml`` names the documents (the whole book, the decision brief), their pages and the
Swedish wording of cover and footer. Each HTML page is printed with the book's print stylesheet
(``book/_static/book.css``, ``@media print``: charts never split; code toggles, navigation and
buttons hidden). The per-page PDFs are bound into each document behind a cover with a table of
contents, with a bookmark per page, and a running footer is laid over every sheet: the page's
title, continuous page numbers, the build date and git commit, and the synthetic-data notice on
every page whose HTML carries it. Nothing is downloaded: the pages are served from
``_build/html`` with the network blocked, as in the browser check.

Speed: a page is printed again only when its HTML (or the print stylesheet) changed
(``_build/cache/pdf/``), and nothing is done when neither the published HTML nor the plan changed
(``_build/pdf/stamp.json``). The documents go to ``_build/pdf/`` and are copied into the HTML
folder (``pdf/``), where the intro links to them.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from analysis.common.paths import build_dir, project_root

A4 = {"paperWidth": 8.27, "paperHeight": 11.69}  # inches, as Page.printToPDF wants them
MARGINS = {"marginTop": 0.55, "marginBottom": 0.85, "marginLeft": 0.6, "marginRight": 0.6}
NO_MARGINS = {"marginTop": 0, "marginBottom": 0, "marginLeft": 0, "marginRight": 0}
STAMP = "stamp.json"
# Files besides the page itself that change how it prints.
PRINT_FILES = ("_static/book.css", "_static/responsive.js")
# The page's heading (its bookmark) and whether it carries the synthetic-data notice.
FACTS_JS = (
    "({title: (document.querySelector('article h1') || document.querySelector('h1') || {textContent: document.title})"
    ".textContent.replace(/[#¶]/g, '').trim(), synthetic: !!document.querySelector('.synthetic-data')})"
)
SHEET_CSS = (
    "@page{margin:0} html,body{margin:0;background:transparent;font-family:'DejaVu Sans',sans-serif;color:#222}"
    " .s{position:relative;height:296.5mm;overflow:hidden;break-after:page}"
    " .f{position:absolute;left:15mm;right:15mm;bottom:6mm;display:grid;grid-template-columns:1fr auto;column-gap:6mm;"
    "border-top:0.4pt solid #888;padding-top:1.2mm;font-size:7pt;line-height:1.35;color:#444}"
    " .f span{white-space:nowrap;overflow:hidden;text-overflow:ellipsis} .r{text-align:right} .syn{color:#b2182b;font-weight:bold}"
    " .cover{padding:38mm 22mm 20mm 22mm} .pub{font-size:10pt;letter-spacing:0.04em;color:#555;text-transform:uppercase}"
    " h1{font-size:26pt;line-height:1.15;margin:8mm 0 4mm 0} .sub{font-size:13pt;color:#333;margin:0 0 14mm 0}"
    " h2{font-size:13pt;border-bottom:0.6pt solid #999;padding-bottom:1.5mm} ol{list-style:none;padding:0;font-size:10.5pt}"
    " li{display:flex;gap:2mm;margin:1.6mm 0} li .dots{flex:1;border-bottom:0.6pt dotted #999;margin-bottom:1.2mm}"
    " .note{font-size:9pt;color:#444;margin-top:12mm;line-height:1.45} .built{font-size:9pt;color:#444}"
)


@dataclass
class PrintedPage:
    name: str
    title: str
    synthetic: bool
    sheets: int
    key: str


def plan_path() -> Path:
    return project_root() / "book" / "pdf.yml"


def toc_pages(toc: Path) -> list[str]:
    """Every page of ``_toc.yml`` in reading order (root, then chapters and their sections)."""
    data = yaml.safe_load(toc.read_text(encoding="utf-8"))
    pages = [str(data["root"])]

    def walk(entries: list[dict[str, Any]]) -> None:
        for entry in entries or []:
            if "file" in entry:
                pages.append(str(entry["file"]).removesuffix(".md").removesuffix(".ipynb"))
            walk(entry.get("sections", []))

    for part in data.get("parts", []):
        walk(part.get("chapters", []))
    walk(data.get("chapters", []))
    return pages


def load_plan(path: Path | None = None) -> dict[str, Any]:
    """``book/pdf.yml`` with ``pages: toc`` expanded; a malformed plan names the file and the document."""
    path = path or plan_path()
    plan = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key in ("documents", "texts"):
        if not isinstance(plan, dict) or not isinstance(plan.get(key), dict):
            raise ValueError(f"{path}: needs a '{key}' mapping")
    for name, doc in plan["documents"].items():
        if doc.get("pages") == "toc":
            doc["pages"] = toc_pages(project_root() / "_toc.yml")
        if not isinstance(doc.get("pages"), list) or not doc["pages"] or not doc.get("title"):
            raise ValueError(f"{path}: documents.{name} needs a title and pages ('toc' or a list of pages)")
    return dict(plan)


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def _page_key(html_root: Path, name: str) -> str:
    extra = [(html_root / f).read_bytes() for f in PRINT_FILES if (html_root / f).exists()]
    return _digest((html_root / f"{name}.html").read_bytes(), *extra, Path(__file__).read_bytes())


def _cache_dir() -> Path:
    return build_dir() / "cache" / "pdf"


def _cached(name: str, key: str) -> PrintedPage | None:
    meta = _cache_dir() / (name.replace("/", "__") + ".json")
    try:
        page = PrintedPage(**json.loads(meta.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    return page if page.key == key and meta.with_suffix(".pdf").exists() else None


def _page_pdf(page: PrintedPage) -> Path:
    return _cache_dir() / (page.name.replace("/", "__") + ".pdf")


def _build_facts() -> tuple[str, str]:
    try:
        info = json.loads((build_dir() / "provenance.json").read_text(encoding="utf-8"))
        commit = str(info.get("git_commit", "unknown"))[:12] + ("+" if info.get("git_dirty") else "")
        return str(info.get("build_time_utc", "")), commit
    except (OSError, ValueError):
        return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "unknown"


class Printer:
    """One headless Chromium behind the browser check's offline server; started on first use."""

    def __init__(self, binary: str, html_root: Path) -> None:
        self.binary, self.html_root = binary, html_root
        self._tab: Any = None

    @property
    def tab(self) -> Any:
        if self._tab is None:
            from analysis.pipeline.browser_check import _server
            from analysis.pipeline.devtools import Browser

            self.log: list[tuple[str, str]] = []
            self.server = _server(self.html_root, self.log)
            threading.Thread(target=self.server.serve_forever, daemon=True).start()
            self.tmp = tempfile.TemporaryDirectory()
            self.browser = Browser(self.binary, Path(self.tmp.name), proxy_port=self.server.server_address[1])
            self._tab = self.browser.tab()
            self._tab.send("Emulation.setEmulatedMedia", {"media": "print"})
        return self._tab

    def page(self, name: str, key: str) -> PrintedPage:
        from pypdf import PdfReader

        from analysis.pipeline.browser_check import BOOK_HOST

        if not self.tab.open(f"http://{BOOK_HOST}/{name}.html"):
            print(f"pdf: {name}: charts did not render within the time limit; printed as it stood", flush=True)
        facts = self.tab.evaluate(FACTS_JS)
        data = self.tab.pdf(printBackground=True, generateTaggedPDF=False, **A4, **MARGINS)
        page = PrintedPage(name, facts["title"], bool(facts["synthetic"]), len(PdfReader(io.BytesIO(data)).pages), key)
        _cache_dir().mkdir(parents=True, exist_ok=True)
        _page_pdf(page).write_bytes(data)
        _page_pdf(page).with_suffix(".json").write_text(json.dumps(asdict(page), ensure_ascii=False), encoding="utf-8")
        return page

    def sheets(self, body: str) -> bytes:
        """Print a generated HTML body (cover, footers) on A4 without margins or background."""
        doc = f"<!doctype html><html lang='sv'><meta charset='utf-8'><style>{SHEET_CSS}</style>{body}</html>"
        url = "data:text/html;charset=utf-8;base64," + base64.b64encode(doc.encode()).decode()
        self.tab.open(url, ready="document.readyState === 'complete'")
        return bytes(self.tab.pdf(printBackground=False, **A4, **NO_MARGINS))

    def close(self) -> None:
        if self._tab is not None:
            self.browser.close()
            self.server.shutdown()
            self.tmp.cleanup()


@contextmanager
def printer(binary: str, html_root: Path) -> Iterator[Printer]:
    p = Printer(binary, html_root)
    try:
        yield p
    finally:
        p.close()


def _footers(pages: list[PrintedPage], texts: dict[str, str], built: str) -> str:
    total = sum(p.sheets for p in pages)
    sheets, number = [], 0
    for page in pages:
        note = f'<span class="r syn">{html.escape(texts["synthetic"])}</span>' if page.synthetic else "<span></span>"
        for _ in range(page.sheets):
            number += 1
            sheets.append(
                f'<div class="s"><div class="f"><span>{html.escape(page.title)}</span>'
                f'<span class="r">{html.escape(texts["page"].format(page=number, pages=total))}</span>'
                f"<span>{html.escape(built)}</span>{note}</div></div>"
            )
    return "".join(sheets)


def _cover(doc: dict[str, Any], pages: list[PrintedPage], texts: dict[str, str], built: str) -> str:
    entries, number = [], 1
    for page in pages:
        entries.append(f'<li><span>{html.escape(page.title)}</span><span class="dots"></span><span>{number}</span></li>')
        number += page.sheets
    return (
        f'<div class="cover"><div class="pub">{html.escape(texts["publisher"])}</div>'
        f"<h1>{html.escape(doc['title'])}</h1><p class='sub'>{html.escape(doc.get('subtitle', ''))}</p>"
        f"<p class='built'>{html.escape(built)}</p><h2>{html.escape(texts['contents'])}</h2><ol>{''.join(entries)}</ol>"
        f"<p class='note'>{html.escape(texts['cover_note'])}</p></div>"
    )


def _stamp_sheet(writer: Any, page: Any, overlay: Any, name: str) -> None:
    """Lay ``overlay`` over ``page`` as a form XObject drawn last (the page's own content is not reparsed)."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    form = DecodedStreamObject()
    form.set_data(overlay.get_contents().get_data())
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): overlay.mediabox,
            NameObject("/Resources"): overlay["/Resources"].get_object().clone(writer),
        }
    )
    resources = page["/Resources"].get_object()
    if "/XObject" not in resources:
        resources[NameObject("/XObject")] = DictionaryObject()
    resources["/XObject"].get_object()[NameObject(name)] = writer._add_object(form)
    before, after = DecodedStreamObject(), DecodedStreamObject()
    before.set_data(b"q\n")
    after.set_data(f"\nQ q {name} Do Q\n".encode())
    contents = page["/Contents"].get_object()
    own = list(contents) if isinstance(contents, ArrayObject) else [page["/Contents"]]
    page[NameObject("/Contents")] = ArrayObject([writer._add_object(before), *own, writer._add_object(after)])


def _bind(doc: dict[str, Any], plan: dict[str, Any], pages: list[PrintedPage], cover: bytes, overlay: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for sheet in PdfReader(io.BytesIO(cover)).pages:
        writer.add_page(sheet)
    writer.add_outline_item(title=plan["texts"]["cover_bookmark"], page_number=0)
    footer = PdfReader(io.BytesIO(overlay)).pages
    sheet_no = 0
    for page in pages:
        first = len(writer.pages)
        for content in PdfReader(_page_pdf(page)).pages:
            _stamp_sheet(writer, writer.add_page(content), footer[sheet_no], f"/PdfFooter{sheet_no}")
            sheet_no += 1
        writer.add_outline_item(title=page.title, page_number=first)
    writer.add_metadata({"/Title": f"{doc['title']} – {doc.get('subtitle', '')}", "/Author": plan.get("author", "")})
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _current(out_dir: Path, html_root: Path, stamp: str) -> list[Path] | None:
    """The documents written from exactly these inputs, when all are still there; None otherwise."""
    try:
        record = json.loads((out_dir / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = [out_dir / f"{n}.pdf" for n in record.get("written", [])]
    fine = record.get("stamp") == stamp and all(f.exists() and (html_root / "pdf" / f.name).exists() for f in files)
    return files if fine else None


def build_pdfs(html_root: Path | None = None, out_dir: Path | None = None, binary: str | None = None) -> list[Path]:
    """Write every document of ``book/pdf.yml``; returns the files (none when Chromium is missing)."""
    from analysis.pipeline.browser_check import find_chromium

    start = time.perf_counter()
    html_root = (html_root or build_dir() / "html").resolve()
    out_dir = out_dir or build_dir() / "pdf"
    binary = binary or find_chromium()
    if binary is None:
        print("pdf: Chromium not found (Debian package 'chromium'): the HTML book is built, the PDF editions are not", flush=True)
        return []
    plan = load_plan()
    wanted: list[str] = []
    for name, doc in plan["documents"].items():
        for page in doc["pages"]:
            if not (html_root / f"{page}.html").exists():
                print(f"pdf: {name}: page {page} is not in the built book; skipped", flush=True)
            elif page not in wanted:
                wanted.append(page)
    keys = {page: _page_key(html_root, page) for page in wanted}
    stamp = _digest(str(html_root).encode(), json.dumps([plan, keys], sort_keys=True).encode())
    current = _current(out_dir, html_root, stamp)
    if current is not None:
        print(f"pdf: unchanged since the HTML was built: {', '.join(str(f) for f in current)}", flush=True)
        return current
    date, commit = _build_facts()
    built = plan["texts"]["built"].format(date=date, commit=commit)
    written: list[Path] = []
    with printer(binary, html_root) as chromium:
        printed, fresh = {}, 0
        for page in wanted:
            cached = _cached(page, keys[page])
            printed[page] = cached or chromium.page(page, keys[page])
            fresh += cached is None
        print(f"pdf: printed {fresh} page(s), reused {len(wanted) - fresh} ({time.perf_counter() - start:.1f} s)", flush=True)
        out_dir.mkdir(parents=True, exist_ok=True)
        (html_root / "pdf").mkdir(exist_ok=True)
        for name, doc in plan["documents"].items():
            pages = [printed[p] for p in doc["pages"] if p in printed]
            if not pages:
                print(f"pdf: {name}: none of its pages is in the built book; not written", flush=True)
                continue
            cover = chromium.sheets(_cover(doc, pages, plan["texts"], built))
            overlay = chromium.sheets(_footers(pages, plan["texts"], built))
            data = _bind(doc, plan, pages, cover, overlay)
            target = out_dir / f"{name}.pdf"
            target.with_suffix(".tmp").write_bytes(data)
            target.with_suffix(".tmp").replace(target)
            shutil.copyfile(target, html_root / "pdf" / target.name)
            written.append(target)
            print(f"pdf: {target} ({sum(p.sheets for p in pages)} pages and a cover, {len(data) // 1024} kB)", flush=True)
    (out_dir / STAMP).write_text(json.dumps({"stamp": stamp, "written": [w.stem for w in written]}) + "\n", encoding="utf-8")
    print(f"pdf: {len(written)} document(s) in {time.perf_counter() - start:.1f} s", flush=True)
    return written
