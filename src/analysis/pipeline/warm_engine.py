"""papermill's nbclient engine on a kernel the build started and keeps (see :mod:`analysis.pipeline.kernels`)."""

from __future__ import annotations

from typing import Any

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

# papermill engine name: nbclient on the kernel given as ``km``, kept alive after the page.
ENGINE = "analysis-warm"


class WarmEngine(NBClientEngine):
    """papermill's nbclient engine on a kernel it is given (``km``); the kernel outlives the page."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: Any,
        kernel_name: str,
        log_output: bool = False,
        stdout_file: Any = None,
        stderr_file: Any = None,
        start_timeout: int = 60,
        execution_timeout: int | None = None,
        **kwargs: Any,
    ) -> Any:
        kc = kwargs.pop("kc", None)  # the kernel's own, ready client (see WarmKernel.client)
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        client = PapermillNotebookClient(
            nb_man,
            **merge_kwargs(
                kwargs,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            ),
        )
        client.kc = kc
        try:
            return client.execute()
        finally:
            if kc is None and client.kc is not None:  # a client made for this page: its channels go, the kernel stays
                client.kc.stop_channels()


papermill_engines.register(ENGINE, WarmEngine)
