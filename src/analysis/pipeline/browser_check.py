"""Open built pages in headless Chromium with the network cut off, and prove charts render.

Chromium is pointed at a local proxy that is also the web server: requests for
the book's own host are served from ``_build/html``; every other request
(HTTP or HTTPS ``CONNECT``) is refused and recorded. A page passes when each of
its chart containers holds a rendered ``svg``/``canvas`` and nothing tried to
leave the machine.
"""

from __future__ import annotations

import argparse
import http.server
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from analysis.pipeline.devtools import CHROMIUM_FLAGS

BOOK_HOST = "book.invalid"
# Chromium's own service traffic (updates, sign-in, time sync). It is refused like everything
# else but reported separately: it is the browser talking, not the page.
BROWSER_SERVICE_HOSTS = ("google.com", "googleapis.com", "gvt1.com", "gstatic.com", "googleusercontent.com")
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


@dataclass
class CheckResult:
    page: str
    charts: int
    rendered: int
    external_requests: list[str] = field(default_factory=list)
    browser_requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.rendered == self.charts and not self.external_requests and not self.errors


def find_chromium() -> str | None:
    for name in CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def _is_browser_service(request: str, referer: str) -> bool:
    host = urlsplit(request.split(" ", 1)[1]).hostname or ""
    from_page = BOOK_HOST in referer
    return not from_page and any(host == h or host.endswith("." + h) for h in BROWSER_SERVICE_HOSTS)


def _server(root: Path, log: list[tuple[str, str]]) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            super().__init__(*args, directory=str(root), **kwargs)

        def _external(self) -> bool:
            target = self.path if self.command != "CONNECT" else f"https://{self.path}"
            host = urlsplit(target).hostname if "://" in target else BOOK_HOST
            if host != BOOK_HOST:
                log.append((f"{self.command} {target}", self.headers.get("Referer", "") + self.headers.get("Origin", "")))
                self.send_error(403, "network blocked by browser check")
                return True
            self.path = urlsplit(target).path or "/"
            return False

        def do_GET(self) -> None:
            if not self._external():
                super().do_GET()

        def do_HEAD(self) -> None:
            if not self._external():
                super().do_HEAD()

        def do_CONNECT(self) -> None:
            self._external()

        def do_POST(self) -> None:
            if not self._external():
                self.send_error(405)

        def log_message(self, *args: object) -> None:
            return

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):  # type: ignore[no-untyped-def]
            """Chromium hangs up on refused requests; that is expected, not an error to print."""
            import sys

            if not isinstance(sys.exc_info()[1], ConnectionError):
                super().handle_error(request, client_address)

    return Server(("127.0.0.1", 0), Handler)


def _chromium(binary: str, port: int, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    cmd = [
        binary,
        *CHROMIUM_FLAGS,
        f"--user-data-dir={profile}",
        f"--proxy-server=http://127.0.0.1:{port}",
        "--proxy-bypass-list=<-loopback>",
        "--virtual-time-budget=15000",
        *extra,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def check_page(
    html_root: Path, page: str, screenshot: Path | None = None, binary: str | None = None, height: int = 2200
) -> CheckResult:
    binary = binary or find_chromium()
    if binary is None:
        raise FileNotFoundError("Chromium not found (install Debian's 'chromium' package)")
    if not (html_root / page).exists():
        raise FileNotFoundError(f"{html_root / page} does not exist; build the book first")
    log: list[tuple[str, str]] = []
    server = _server(html_root, log)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://{BOOK_HOST}/{page}"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            dom = _chromium(binary, server.server_address[1], Path(tmp) / "p1", "--dump-dom", url)
            if screenshot is not None:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                _chromium(
                    binary,
                    server.server_address[1],
                    Path(tmp) / "p2",
                    f"--screenshot={screenshot}",
                    f"--window-size=1280,{height}",
                    url,
                )
    finally:
        server.shutdown()
    html = dom.stdout
    starts = [m.start() for m in re.finditer(r'<div[^>]*class="vega-chart', html)]
    rendered = 0
    errors: list[str] = []
    for start in starts:
        end = html.find("<script", start)
        block = html[start : end if end > 0 else len(html)]
        if "<svg" in block or "<canvas" in block:
            rendered += 1
        failure = re.search(r"Diagrammet kunde inte ritas[^<]*", block)
        if failure:
            errors.append(failure.group(0))
    if not html.strip():
        errors.append(f"Chromium returned no DOM (exit {dom.returncode}): {dom.stderr[-400:]}")
    page_requests = sorted({r for r, ref in log if not _is_browser_service(r, ref)})
    browser_requests = sorted({r.split("?")[0] for r, ref in log if _is_browser_service(r, ref)})
    return CheckResult(page, len(starts), rendered, page_requests, browser_requests, errors)


PHONE_WIDTH = 390
# Everything in the article that sticks out of a phone's viewport, except inside a scroll box
# whose cue is showing; chart containers whose drawing is clipped or whose text is shrunk below
# a legible size; and whether the page itself scrolls sideways.
PHONE_JS = """(() => {
  const vw = document.documentElement.clientWidth;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.') : '');
  const cued = el => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === 'auto' || ox === 'scroll') {
        const cue = p.previousElementSibling;
        return !!(cue && cue.classList.contains('scroll-cue') && cue.offsetParent !== null);
      }
    }
    return false;
  };
  const root = document.querySelector('article.bd-article') || document.querySelector('main') || document.body;
  const overflow = [];
  for (const el of root.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
    if ((r.right > vw + 1 || r.left < -1) && !cued(el)) overflow.push(name(el) + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
  }
  const charts = [...document.querySelectorAll('.vega-chart')].map(c => {
    const svg = c.querySelector('svg');
    if (!svg) return {drawn: !!c.querySelector('canvas'), clipped: false, font: null};
    const box = c.getBoundingClientRect(), r = svg.getBoundingClientRect();
    const own = svg.width.baseVal.value || r.width;
    const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) || 0).filter(x => x > 0);
    const font = sizes.length ? Math.min(...sizes) * r.width / own : null;
    return {drawn: true, clipped: (r.right > box.right + 1 || r.right > vw + 1) && !cued(svg), font: font};
  });
  return {vw, page: document.documentElement.scrollWidth, overflow, charts};
})()"""
MIN_CHART_FONT_PX = 7.0
# Interface text of Sphinx and the themes that must not reach a Swedish reader untranslated.
ENGLISH_UI = (
    "Skip to main content",
    "Back to top",
    "Toggle primary sidebar",
    "Toggle secondary sidebar",
    "Color mode",
    "Please activate JavaScript",
    "Search this book",
    ">Contents<",
    "Print to PDF",
    "Download this page",
    "Light/Dark",
    "Search Results",
    "Previous<",
    "Next<",
    "By The",
    "Link to this heading",
    "On this page",
    "Ctrl+K",
    "Clear search",
    "Search the docs",
    "Hide navigation sidebar",
)


def english_ui(html: str) -> list[str]:
    """English interface strings in a built page (the book is Swedish)."""
    return [s for s in ENGLISH_UI if s.lower() in html.lower()]


def phone_check(html_root: Path, pages: list[str], binary: str | None = None, width: int = PHONE_WIDTH) -> dict[str, list[str]]:
    """Open each page at a phone's width (DevTools device emulation, the network blocked); problems by page."""
    from analysis.pipeline.devtools import Browser

    binary = binary or find_chromium()
    if binary is None:
        raise FileNotFoundError("Chromium not found (install Debian's 'chromium' package)")
    log: list[tuple[str, str]] = []
    server = _server(html_root, log)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    found: dict[str, list[str]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp, Browser(binary, Path(tmp), proxy_port=server.server_address[1]) as browser:
            tab = browser.tab()
            tab.viewport(width, 844, mobile=True)
            for page in pages:
                problems: list[str] = []
                if not tab.open(f"http://{BOOK_HOST}/{page}"):
                    problems.append("charts did not render within 20 s")
                facts = tab.evaluate(PHONE_JS)
                if facts["page"] > facts["vw"] + 1:
                    problems.append(f"the page scrolls sideways ({facts['page']} px wide at {facts['vw']} px)")
                problems += [f"sticks out of the screen: {o}" for o in facts["overflow"][:8]]
                for i, chart in enumerate(facts["charts"], 1):
                    if not chart["drawn"]:
                        problems.append(f"chart {i} not drawn")
                    elif chart["clipped"]:
                        problems.append(f"chart {i} is wider than its container")
                    elif chart["font"] is not None and chart["font"] < MIN_CHART_FONT_PX:
                        problems.append(f"chart {i}: smallest text {chart['font']:.1f} px (under {MIN_CHART_FONT_PX:g} px)")
                found[page] = problems
    finally:
        server.shutdown()
    return found


def main(page: str, html_dir: str, screenshot: str | None = None, height: int = 2200) -> int:
    result = check_page(Path(html_dir), page, Path(screenshot) if screenshot else None, height=height)
    print(
        f"{result.page}: {result.rendered}/{result.charts} chart(s) rendered; "
        f"requests leaving the machine from the page: {len(result.external_requests)}; "
        f"Chromium's own service requests (refused): {len(result.browser_requests)}"
    )
    for req in result.external_requests:
        print(f"  blocked: {req}")
    for err in result.errors:
        print(f"  error: {err}")
    english = english_ui((Path(html_dir) / page).read_text(encoding="utf-8"))
    for text in english:
        print(f"  error: English interface text: {text!r}")
    return 0 if result.ok and not english else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--html", default="_build/html")
    parser.add_argument("--page", default="book/generated/lanet.html")
    parser.add_argument("--screenshot")
    a = parser.parse_args()
    raise SystemExit(main(a.page, a.html, a.screenshot))
