"""Warm Jupyter kernels, reused by the pages of one build.

A fresh kernel per page costs its start plus the imports every page needs (pandas, Altair,
statsmodels, geopandas and the analysis package): 1,5–3 s of CPU per page, about a third of a
clean build on two cores. A build therefore keeps one kernel per parallel job and runs its pages
one after another in it, papermill still executing every page (:mod:`analysis.pipeline.warm_engine`).

What a page may rely on is the same as in a fresh kernel: before each page after the first, the
kernel's namespace is emptied, its execution count restarts at 1 (the published notebook is the
same as from a fresh kernel) and per-page module state is reset (:data:`RESET`). What is kept are
imported modules and the per-process caches of inputs that do not change during a build
(configuration files, geodata, the births file, option figures), which is what makes the reuse
pay: the four option pages and the comparison share one kernel's option figures.

A kernel that failed a page, timed out or died is shut down and never reused.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jupyter_client.manager import KernelManager
# Imported right after a kernel starts, while the build is busy elsewhere: what every page imports first.
WARM_UP = "import analysis.render.page\n"
# Run before every page but a kernel's first: an empty namespace, counts from 1, per-page state reset.
RESET = (
    "def _analysis_reset():\n"  # the reset removes this name too; the call finishes regardless
    "    import gc\n"
    "    collect, gc.collect = gc.collect, lambda *a, **k: 0  # its full collection cost 0.1-0.3 s a page\n"
    "    try:\n"
    "        get_ipython().run_line_magic('reset', '-f')\n"
    "    finally:\n"
    "        gc.collect = collect\n"
    "_analysis_reset()\n"
    "import analysis.render.page as _page\n"
    "_page.reset_page_state()\n"
    "del _page\n"
    "get_ipython().execution_count = 1\n"
)
START_TIMEOUT_S = 120
RESET_TIMEOUT_S = 60


class WarmKernel:
    """One kernel process with its manager; ``used`` once it has run a page."""

    def __init__(self, kernel_name: str, cwd: Path) -> None:
        from jupyter_client.manager import KernelManager  # imported only when a page has to run

        self.km: KernelManager = KernelManager(kernel_name=kernel_name)
        self.km.start_kernel(cwd=str(cwd), extra_arguments=["--HistoryManager.hist_file=:memory:"])
        self.used = False
        self._kc: Any = None
        self.ready = threading.Event()
        self.busy = True  # warming up; then True while lent to a page
        self._killed = False
        self._shutdown_lock = threading.Lock()
        self.warm_up_error: str | None = None

    def run(self, code: str, timeout: float) -> str | None:
        """Run ``code`` silently; None when it succeeded, else the error (also when the kernel died or timed out)."""
        deadline = time.monotonic() + timeout
        kc = self.client()
        msg_id = kc.execute(code, silent=True, store_history=False)
        while time.monotonic() < deadline:
            try:
                reply = kc.get_shell_msg(timeout=0.2)
            except queue.Empty:
                if not self.km.is_alive():
                    return "the kernel died"
                continue
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                content = reply.get("content", {})
                return None if content.get("status") == "ok" else f"{content.get('ename')}: {content.get('evalue')}"
        return f"no reply within {timeout:g} s"

    def client(self) -> Any:
        """The kernel's one client, shared by the build's own requests and the pages' executions: a new client
        per page would wait about 0.2 s for the kernel to answer before the page's first cell."""
        if self._kc is None:
            kc = _watched_client_class()(
                **self.km.get_connection_info(session=True), connection_file=self.km.connection_file, parent=self.km
            )
            kc.start_channels(hb=False)  # liveness is checked on the process (km.is_alive), not by heartbeat
            kc.allow_stdin = False
            kc.shell_channel.alive = kc.iopub_channel.alive = self.km.is_alive
            self._kc = kc
        return self._kc

    def warm_up(self) -> None:
        try:
            self.warm_up_error = self.run(WARM_UP, START_TIMEOUT_S)
        except Exception as exc:  # the page that uses the kernel reports the real problem
            self.warm_up_error = f"{type(exc).__name__}: {exc}"
        finally:
            self.busy = False
            self.ready.set()

    def shutdown(self) -> None:
        """Kill the kernel (once, whichever thread asks first); close the client only when no thread is using it.

        Closing a client whose sockets another thread is polling hangs (the build's Ctrl-C closes the pool
        while a page runs): that thread sees the kernel die, leaves its page and closes the client itself.
        """
        with self._shutdown_lock:
            if not self._killed:
                self._killed = True
                with contextlib.suppress(Exception):
                    self.km.shutdown_kernel(now=True)
                with contextlib.suppress(Exception):
                    self.km.cleanup_resources()
            if self._kc is not None and not self.busy:
                kc, self._kc = self._kc, None
                with contextlib.suppress(Exception):
                    kc.stop_channels()


WATCH_SLICE_S = 0.5


@lru_cache(maxsize=1)
def _watched_client_class() -> type:
    """A blocking kernel client whose shell and IOPub waits check every half second that the kernel still runs.

    nbclient drives a blocking client from its event loop: a wait for a message (up to the cell timeout, or without
    end for the output after a reply) blocks that loop, so its own kernel-alive check never runs and a page whose
    kernel was killed (Ctrl-C, a crash) would wait forever. Here such a wait raises nbclient's ``DeadKernelError``.
    """
    from jupyter_client.blocking.client import BlockingKernelClient
    from jupyter_client.channels import ZMQSocketChannel
    from nbclient.exceptions import DeadKernelError
    from traitlets import Type

    class WatchedChannel(ZMQSocketChannel):
        alive: Any = None  # the kernel manager's is_alive, set by WarmKernel.client

        def get_msg(self, timeout: float | None = None) -> dict[str, Any]:
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                left = WATCH_SLICE_S if deadline is None else max(0.0, deadline - time.monotonic())
                try:
                    return super().get_msg(timeout=min(WATCH_SLICE_S, left))
                except queue.Empty:
                    if deadline is not None and time.monotonic() >= deadline:
                        raise
                    if self.alive is not None and not self.alive():
                        raise DeadKernelError("the kernel died") from None

    class WatchedClient(BlockingKernelClient):
        shell_channel_class = Type(WatchedChannel)
        iopub_channel_class = Type(WatchedChannel)

    return WatchedClient


class KernelPool:
    """Up to ``size`` warm kernels: started one by one as pages need them, or all at once by :meth:`start`.

    :meth:`kernel` lends a kernel for one page: a used kernel is reset first; a kernel whose page
    raised (or that died) is shut down instead of returned, and replaced when a page needs it.
    :meth:`close` shuts every kernel down.
    """

    def __init__(self, size: int, cwd: Path, kernel_name: str = "python3") -> None:
        self.size = max(1, size)
        self.cwd = cwd
        self.kernel_name = kernel_name
        self._idle: queue.Queue[WarmKernel] = queue.Queue()
        self._all: list[WarmKernel] = []
        self._count = 0  # kernels started or starting, not discarded
        self._lock = threading.Lock()
        self._closed = False
        self._env: dict[str, str] = {}

    def set_environment(self, variables: dict[str, str]) -> None:
        """Environment variables every page sees, set in the kernel before each page (kernels may have
        started before the build knew them, e.g. while the cohort was generated)."""
        self._env = dict(variables)

    def _env_code(self) -> str:
        if not self._env:
            return ""
        return f"import os as _os\n_os.environ.update({self._env!r})\ndel _os\n"

    def start(self) -> None:
        """Start every kernel now, in the background (when the build will surely run pages)."""
        with self._lock:
            if self._count or self._closed:
                return
            self._count = self.size
        for _ in range(self.size):
            self._start_in_background()

    def _start_one(self) -> WarmKernel:
        try:
            kernel = WarmKernel(self.kernel_name, self.cwd)
        except BaseException:
            with self._lock:
                self._count -= 1
            raise
        with self._lock:
            self._all.append(kernel)
            closed = self._closed
        if closed:
            kernel.shutdown()
            raise RuntimeError("the kernel pool is closed")
        threading.Thread(target=kernel.warm_up, name="kernel-warm-up", daemon=True).start()
        return kernel

    def _start_in_background(self) -> None:
        def start() -> None:
            with contextlib.suppress(Exception):  # a kernel that cannot start is started again on demand
                self._idle.put(self._start_one())

        threading.Thread(target=start, name="kernel-start", daemon=True).start()

    def _acquire(self) -> WarmKernel:
        """An idle kernel, else a new one while fewer than ``size`` exist, else the next one that becomes idle."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the kernel pool is closed")
            try:
                return self._idle.get_nowait()
            except queue.Empty:
                pass
            start_new = self._count < self.size
            if start_new:
                self._count += 1
        if start_new:
            return self._start_one()
        while True:  # every kernel is busy: wait for one (or for the build to stop)
            try:
                return self._idle.get(timeout=0.2)
            except queue.Empty:
                if self._closed:
                    raise RuntimeError("the kernel pool is closed") from None

    @contextlib.contextmanager
    def kernel(self) -> Iterator[WarmKernel]:
        """A warm kernel for one page (reset if it ran a page before); discarded if the page raised."""
        kernel = self._acquire()
        try:
            while not kernel.ready.wait(0.2):
                if self._closed:
                    raise RuntimeError("the kernel pool is closed")
            code = (RESET if kernel.used else "") + self._env_code()
            kernel.busy = True
            if code:
                error = kernel.run(code, RESET_TIMEOUT_S)
                if error is not None:
                    raise RuntimeError(f"could not prepare a kernel for the next page: {error}")
            kernel.used = True
            yield kernel
        except BaseException:
            kernel.busy = False
            self._discard(kernel)
            raise
        kernel.busy = False
        if kernel.km.is_alive():
            self._idle.put(kernel)
        else:
            self._discard(kernel)

    def _discard(self, kernel: WarmKernel) -> None:
        kernel.shutdown()
        with self._lock:
            if kernel in self._all:
                self._all.remove(kernel)
                self._count -= 1

    def close(self) -> None:
        """Shut every kernel down (kernels still starting shut themselves down when they are up)."""
        with self._lock:
            self._closed = True
            kernels = list(self._all)
            self._all.clear()
        for kernel in kernels:
            kernel.shutdown()
