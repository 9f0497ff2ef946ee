"""Rebuild the small fixed book and overwrite tests/golden/results/ with its results.

Run only when a change of a figure is intended, and commit the new golden files on their own
with the reason in the message. Usage: .venv/bin/python scripts/update_golden.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.conftest import build_small_book  # noqa: E402


def main() -> int:
    golden = REPO / "tests" / "golden" / "results"
    with tempfile.TemporaryDirectory() as tmp:
        root = build_small_book(Path(tmp) / "project")
        golden.mkdir(parents=True, exist_ok=True)
        for old in golden.glob("*.json"):
            old.unlink()
        for new in sorted((root / "_build" / "results").glob("*.json")):
            shutil.copy2(new, golden / new.name)
            print(f"updated {golden / new.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
