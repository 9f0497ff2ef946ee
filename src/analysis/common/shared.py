"""Intermediate results shared by the pages of a build: computed once, by whichever kernel gets there first.

Several pages need the same expensive intermediate result (the option figures under every assumption
change are read by the four option pages, the comparison and the assumptions appendix). Inside a build
the runner names a folder (``ANALYSIS_SHARED_DIR``) and the content hash of everything the pages read
(``ANALYSIS_INPUTS_KEY``: package code and data, geodata, sentence templates, lock file, births file,
disclosure threshold). A value is stored there as a pickle named by that hash, the value's name and its
arguments, so it is reused until any input changes, like a page.

Two kernels that need the same values at once share the work: :func:`values` first computes the items no
one else is computing (a non-blocking ``flock`` per item), then waits for the rest. Outside a build (a
notebook run by hand, Jupyter Book's own execution, the tests) nothing is stored and every value is
simply computed, with the same result.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import pickle
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from analysis.common.paths import write_atomic

T = TypeVar("T")

DIR_VARIABLE = "ANALYSIS_SHARED_DIR"
KEY_VARIABLE = "ANALYSIS_INPUTS_KEY"

_memo: dict[Path, Any] = {}  # values this process already read or computed, by file


def _folder() -> Path | None:
    base, key = os.environ.get(DIR_VARIABLE), os.environ.get(KEY_VARIABLE)
    if not base or not key:
        return None
    return Path(base) / key[:16]


def _path(folder: Path, name: str, args: Any) -> Path:
    digest = hashlib.sha256(json.dumps([name, args, os.environ.get(KEY_VARIABLE)], default=str).encode()).hexdigest()
    return folder / f"{name}-{digest[:24]}.pkl"


def _load(path: Path) -> tuple[bool, Any]:
    if path in _memo:
        return True, _memo[path]
    try:
        with path.open("rb") as f:
            value = pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError):
        return False, None
    _memo[path] = value
    return True, value


def _store(path: Path, value: Any) -> None:
    write_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))  # readers never see half a file
    _memo[path] = value


@contextlib.contextmanager
def _locked(path: Path, wait: bool) -> Iterator[bool]:
    """Hold the item's lock file; yields False at once when ``wait`` is off and another process holds it."""
    fd = os.open(path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # releases the lock


def values(name: str, items: Sequence[tuple[Any, Callable[[], T]]]) -> list[T]:
    """``[compute() for args, compute in items]``, each computed once per set of inputs across the build's kernels.

    ``args`` (JSON-able) identify an item within ``name``. Without a build (no shared folder) every item is
    computed here. Items another kernel is computing are waited for only after this kernel has done the
    ones nobody had started.
    """
    folder = _folder()
    if folder is None:
        return [compute() for _, compute in items]
    folder.mkdir(parents=True, exist_ok=True)
    paths = [_path(folder, name, args) for args, _ in items]
    out: dict[int, T] = {}
    for wait in (False, True):
        for i, ((_, compute), path) in enumerate(zip(items, paths, strict=True)):
            if i in out:
                continue
            found, value = _load(path)
            if found:
                out[i] = value
                continue
            with _locked(path, wait) as held:
                if not held:
                    continue  # another kernel is computing it: come back after the others
                found, value = _load(path)  # it may have finished while we waited
                if not found:
                    value = compute()
                    _store(path, value)
                out[i] = value
    return [out[i] for i in range(len(items))]


def value(name: str, args: Any, compute: Callable[[], T]) -> T:
    """One shared value (see :func:`values`)."""
    return values(name, [(args, compute)])[0]


_digests: dict[tuple[str, int, int], str] = {}


def file_digest(path: str | Path) -> str:
    """SHA-256 of a data file's content (remembered per path, size and modification time in this process):
    the argument that ties a shared value to the data it was computed from."""
    p = Path(path)
    stat = p.stat()
    key = (str(p.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _digests:
        h = hashlib.sha256()
        with p.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        _digests[key] = h.hexdigest()
    return _digests[key]


def _marker(folder: Path, task: str) -> Path:
    return folder / f"step-{task}.done"


def step_done(base: Path, key: str, task: str) -> bool:
    """Whether the run plan's shared step ``task`` already stored its values for inputs ``key``."""
    return _marker(base / key[:16], task).exists()


def run_step(task: str, call: str, params: dict[str, Any]) -> None:
    """Run a shared step in a kernel of the build: ``call`` (``module:function``) with ``params``, then mark it done."""
    import importlib

    module, function = call.split(":")
    getattr(importlib.import_module(module), function)(**params)
    folder = _folder()
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        _marker(folder, task).write_text("done\n", encoding="utf-8")


def prune(base: Path, key: str) -> None:
    """Remove stored values of other inputs than ``key`` (call only while holding the build lock)."""
    keep = key[:16]
    if not base.is_dir():
        return
    for folder in base.iterdir():
        if folder.name != keep:
            for f in folder.glob("*") if folder.is_dir() else ():
                f.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                folder.rmdir() if folder.is_dir() else folder.unlink()
