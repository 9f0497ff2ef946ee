"""One reader for the project's YAML configuration files, with one error type.

Every configuration error names the file and, where known, the entry and field,
so an analyst who edits a YAML file sees exactly what to fix.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml


class ConfigError(ValueError):
    """A configuration file is missing, unreadable or has a wrong entry (the message names the file)."""


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser reads the options files several times faster


@lru_cache(maxsize=64)
def _read_cached(path: str, mtime_ns: int) -> Any:
    try:
        return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_LOADER)  # libyaml when available
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from exc


def read_yaml(path: str | Path, top: str | None = None) -> Any:
    """Parse a YAML file (cached on path and modification time).

    With ``top`` the file must be a mapping holding that key, and its value is returned.
    Callers must not mutate what is returned (it is shared between calls).
    """
    path = Path(path)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    data = _read_cached(str(path), mtime)
    if top is None:
        return data
    if not isinstance(data, dict) or top not in data:
        raise ConfigError(f"{path}: expected a mapping with a top-level key {top!r}")
    return data[top]


def require(mapping: Any, key: str, where: str) -> Any:
    """``mapping[key]`` or a ConfigError naming where it was expected."""
    if not isinstance(mapping, dict) or key not in mapping:
        raise ConfigError(f"{where}: missing field {key!r}")
    return mapping[key]
