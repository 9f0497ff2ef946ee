"""The validated, canonical frame of the synthetic cohort, kept between processes.

Every page that reads the births file used to read and validate it again (3–4 s each on the default
cohort, three pages per build). The canonical frame of a file that passed validation is stored once in
``_build/cache/births/`` and read back by later calls. The key is the file's SHA-256 together with the
code that reads and validates it and the pandas version, so a changed file, contract or reader is
validated again. Only the project's synthetic cohort (its truth file beside it) is cached: a register
extract is never copied.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import pandas as pd

from analysis.common.paths import build_dir, write_atomic

_CODE = Path(__file__).resolve().parent


def _cacheable(path: Path) -> bool:
    return Path(str(path) + ".truth.json").exists()


def _key(path: Path) -> str:
    h = hashlib.sha256()
    h.update(hashlib.sha256(path.read_bytes()).digest())
    for module in sorted(_CODE.glob("*.py")):
        h.update(module.name.encode())
        h.update(module.read_bytes())
    h.update(pd.__version__.encode())
    return h.hexdigest()


def _file(key: str) -> Path:
    return build_dir() / "cache" / "births" / f"{key}.pkl"


def cached_frame(path: str | Path) -> pd.DataFrame | None:
    """The canonical frame stored for this very file and code, or None (not cached, not synthetic, unreadable)."""
    path = Path(path)
    try:
        if not _cacheable(path):
            return None
        with _file(_key(path)).open("rb") as f:
            frame = pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        return None
    return frame if isinstance(frame, pd.DataFrame) else None


def store_frame(path: str | Path, frame: pd.DataFrame) -> None:
    """Keep the canonical frame of a synthetic cohort that passed validation (written atomically; best effort)."""
    path = Path(path)
    try:
        if not _cacheable(path):
            return
        target = _file(_key(path))
        target.parent.mkdir(parents=True, exist_ok=True)
        for old in target.parent.glob("*.pkl"):  # one cohort at a time: the cache never grows
            if old != target:
                old.unlink(missing_ok=True)
        write_atomic(target, pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        return
