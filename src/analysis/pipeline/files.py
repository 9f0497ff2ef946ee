"""Content hashes of input files, and which births files already passed validation (a file with
the same content, checked by the same code, is not read again: the check of a 500 000-row cohort takes seconds)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from analysis.common.paths import PACKAGE_DIR, build_dir, project_root, write_atomic


def hash_files(paths: list[Path], h: hashlib._Hash, root: Path) -> None:
    for path in sorted(paths):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(root) if path.is_relative_to(root) else path).encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())


def _validated_births_file() -> Path:
    return build_dir() / "cache" / "births-validated.json"


def _births_validation_key(births: Path) -> str | None:
    """The births file's SHA-256 with the package code and lock file that validated it (None: unreadable)."""
    root = project_root()
    h = hashlib.sha256()
    try:
        h.update(hashlib.sha256(births.read_bytes()).digest())
    except OSError:
        return None
    hash_files(list(PACKAGE_DIR.rglob("*")), h, root)
    hash_files([root / "requirements.lock"], h, root)
    return h.hexdigest()


def births_known_valid(births: Path) -> bool:
    """True when this very file (by content) passed validation with this very code before: no need to read it again."""
    key = _births_validation_key(births)
    try:
        record = json.loads(_validated_births_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return key is not None and isinstance(record, dict) and record.get("key") == key


def remember_valid_births(births: Path) -> None:
    """Record that ``births`` passed validation (only call after it did)."""
    key = _births_validation_key(births)
    if key is not None:
        write_atomic(_validated_births_file(), (json.dumps({"key": key}) + "\n").encode())
