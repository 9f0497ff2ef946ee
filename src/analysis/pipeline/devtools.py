"""Drive headless Chromium over the DevTools protocol on a pipe (``--remote-debugging-pipe``).

No websocket library is needed: Chromium reads commands on file descriptor 3 and writes
replies on descriptor 4, each message a JSON object followed by a NUL byte. Used by the
PDF step (``Page.printToPDF``) and the phone-width browser check (device emulation).
"""

from __future__ import annotations

import base64
import json
import os
import select
import subprocess
import time
from pathlib import Path
from typing import Any

# The flags every headless Chromium run of the project uses (the browser check adds its own proxy and budget).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--metrics-recording-only",
    "--mute-audio",
)

# True when the page has finished loading and every chart container holds a rendered chart.
READY_JS = (
    "document.readyState === 'complete' && "
    "[...document.querySelectorAll('.vega-chart')].every(c => c.querySelector('svg, canvas') || c.textContent.trim())"
)


class DevToolsError(RuntimeError):
    pass


class Browser:
    """One headless Chromium; each :meth:`tab` is a page with its own DevTools session."""

    def __init__(self, binary: str, profile: Path, proxy_port: int | None = None, timeout: float = 60.0) -> None:
        self.timeout = timeout
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def child_fds() -> None:  # runs in the child between fork and exec
            a, b = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        cmd = [binary, *CHROMIUM_FLAGS, "--hide-scrollbars", f"--user-data-dir={profile}", "--remote-debugging-pipe"]
        if proxy_port is not None:
            cmd += [f"--proxy-server=http://127.0.0.1:{proxy_port}", "--proxy-bypass-list=<-loopback>"]
        self.proc = subprocess.Popen(
            [*cmd, "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,
            preexec_fn=child_fds,  # the only way to place the pipe on descriptors 3 and 4
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next_id = 0

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        """Send one command and wait for its reply (events that arrive meanwhile are dropped)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self._next_id:
                    if "error" in reply:
                        raise DevToolsError(f"{method}: {reply['error'].get('message')}")
                    return dict(reply.get("result", {}))
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_child], [], [], left)[0]:
                raise DevToolsError(f"{method}: Chromium did not answer within {self.timeout:.0f} s")
            chunk = os.read(self._from_child, 1 << 20)
            if not chunk:
                raise DevToolsError(f"{method}: Chromium exited (code {self.proc.poll()})")
            self._buffer += chunk

    def tab(self) -> Tab:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        return Tab(self, session)

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (DevToolsError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Tab:
    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session

    def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.browser.send(method, params, self.session)

    def evaluate(self, expression: str) -> Any:
        reply = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in reply:
            raise DevToolsError(f"script failed: {reply['exceptionDetails'].get('text')}")
        return reply.get("result", {}).get("value")

    def open(self, url: str, ready: str = READY_JS, timeout: float = 20.0) -> bool:
        """Navigate and wait until ``ready`` is true (charts drawn); False when it never became true."""
        self.send("Page.navigate", {"url": url})
        deadline = time.monotonic() + timeout
        time.sleep(0.05)
        while time.monotonic() < deadline:
            if self.evaluate(f"location.href === {json.dumps(url)} && ({ready})"):
                return True
            time.sleep(0.1)
        return False

    def viewport(self, width: int, height: int, mobile: bool) -> None:
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 2 if mobile else 1, "mobile": mobile},
        )

    def pdf(self, **options: Any) -> bytes:
        return base64.b64decode(self.send("Page.printToPDF", options)["data"])

    def screenshot(self, path: Path) -> None:
        data = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})["data"]
        path.write_bytes(base64.b64decode(data))
