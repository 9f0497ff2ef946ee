"""Notebook parameters: read a template's ``parameters`` cell and validate values.

Papermill injects whatever it is given: an unknown name only warns and a wrong
type passes. Every page is therefore checked here *before* execution (by the
runner) and again inside the notebook (for direct papermill use), so a typo
becomes a clear error naming the page, the parameter and the allowed values.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.common.regions import region_codes


class ParameterError(ValueError):
    """A page was given an unknown parameter or a value its template cannot take."""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str  # "str" | "int" | "float" | "bool"
    default: Any
    help: str


_TYPES: dict[str, tuple[type, ...]] = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,)}


def read_template(template: Path) -> Any:
    """A template as a notebook object: MyST markdown (``.md``, read with jupytext) or ``.ipynb``."""
    path = Path(template)
    if path.suffix == ".md":
        import jupytext

        return jupytext.read(path, fmt="md:myst")
    import nbformat

    return nbformat.read(path, as_version=4)


_TEMPLATE_INFO: dict[tuple[str, int, int], tuple[dict[str, Parameter], str | None]] = {}


def _template_info(template: Path) -> tuple[dict[str, Parameter], str | None]:
    """Parameters and chapter of a template, parsed once per file version (path, mtime, size).

    Reading a MyST template with jupytext is slow; the run plan reads every template, twice per build.
    """
    path = Path(template)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _TEMPLATE_INFO:
        _TEMPLATE_INFO[key] = _stored_template_info(path) or _parse_template_info(path)
    params, chapter = _TEMPLATE_INFO[key]
    return dict(params), chapter


def _parse_template_info(path: Path) -> tuple[dict[str, Parameter], str | None]:
    nb = read_template(path)
    meta = nb.metadata.get("analysis", {}) or {}
    chapter = meta.get("chapter")
    info = (_parameters_of(path, nb), str(chapter) if chapter else None)
    _store_template_info(path, info)
    return info


def _template_record(path: Path) -> Path:
    """Where a template's parsed parameters are kept between builds: named by the template's content, this
    module's code and the lock file (jupytext's and papermill's versions), so any change parses it again."""
    import hashlib

    from analysis.common.paths import build_dir, project_root

    h = hashlib.sha256(path.read_bytes())
    h.update(Path(__file__).read_bytes())
    lock = project_root() / "requirements.lock"
    h.update(lock.read_bytes() if lock.exists() else b"")
    return build_dir() / "cache" / "templates" / f"{h.hexdigest()[:32]}.json"


def _stored_template_info(path: Path) -> tuple[dict[str, Parameter], str | None] | None:
    import json

    try:
        record = json.loads(_template_record(path).read_text(encoding="utf-8"))
        params = {p["name"]: Parameter(p["name"], p["type"], p["default"], p["help"]) for p in record["parameters"]}
        return params, record["chapter"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _store_template_info(path: Path, info: tuple[dict[str, Parameter], str | None]) -> None:
    import json

    from analysis.common.paths import write_atomic

    params, chapter = info
    record = {"parameters": [vars(p) for p in params.values()], "chapter": chapter}
    try:
        write_atomic(_template_record(path), json.dumps(record, ensure_ascii=False, default=str).encode("utf-8"))
    except (OSError, TypeError, ValueError):
        return  # a read-only build folder: parse again next time


def template_parameters(template: Path) -> dict[str, Parameter]:
    """Parameters declared in the template's single cell tagged ``parameters``.

    Each line must be an annotated assignment ``name: type = default  # help``.
    """
    return _template_info(template)[0]


def _parameters_of(template: Path, nb: Any) -> dict[str, Parameter]:
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ParameterError(f"{template}: expected exactly one cell tagged 'parameters', found {len(cells)}")
    source = "".join(cells[0]["source"]) if isinstance(cells[0]["source"], list) else cells[0]["source"]
    comments = {i + 1: line.split("#", 1)[1].strip() for i, line in enumerate(source.splitlines()) if "#" in line}
    params: dict[str, Parameter] = {}
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None):
            raise ParameterError(
                f"{template}: parameters cell line {node.lineno}: use 'name: type = default  # help' for every parameter"
            )
        kind = ast.unparse(node.annotation)
        if kind not in _TYPES:
            raise ParameterError(f"{template}: parameter {node.target.id!r}: type {kind!r} not one of {sorted(_TYPES)}")
        params[node.target.id] = Parameter(node.target.id, kind, ast.literal_eval(node.value), comments.get(node.lineno, ""))
    _check_papermill_reads(template, source, params)
    return params


def _check_papermill_reads(template: Path, source: str, params: dict[str, Parameter]) -> None:
    """Papermill parses the cell with its own, stricter rules (e.g. no '=' inside a comment).

    A parameter it cannot read would be silently not injected, so it is an error here.
    """
    import logging

    from papermill.translators import PythonTranslator

    logging.getLogger("papermill").setLevel(logging.ERROR)
    seen = {p.name for p in PythonTranslator.inspect({"source": source})}
    unread = [name for name in params if name not in seen]
    if unread:
        raise ParameterError(
            f"{template}: papermill cannot read parameter(s) {', '.join(unread)}; keep each line as "
            "'name: type = default  # help' with no '=' in the help text"
        )


def _check_region(value: Any) -> str | None:
    codes = region_codes()
    return None if value in codes else f"must be a 2-digit county code, one of {', '.join(codes)}"


def _check_years(value: Any) -> str | None:
    match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", str(value))
    if not match:
        return "must be a year or a range like '2019-2023'"
    start, end = int(match.group(1)), int(match.group(2) or match.group(1))
    if not (2000 <= start <= end <= 2100):
        return "must be a range of years between 2000 and 2100 with start <= end"
    return None


# Files the build itself writes before any page reads them (the default cohort, generated beside the first pages).
_PENDING_FILES: set[str] = set()


def expect_file(path: Path) -> None:
    """Accept ``path`` as a births file although it does not exist yet: the build creates it before the pages
    that read it run (and stops if it cannot)."""
    _PENDING_FILES.add(str(path))


def _check_births(value: Any) -> str | None:
    if value == "" or str(value) in _PENDING_FILES:
        return None
    return None if Path(value).exists() else f"file {value!r} does not exist"


Check = Callable[[Any], "str | None"]

# Value rules for the parameters every chapter may take. A chapter adds its own rules in
# ``analysis/chapters/<chapter>/checks.py`` (``CHECKS``); the pipeline looks them up by the
# chapter named in the template's front matter (``analysis: {chapter: …}``).
VALUE_RULES: dict[str, Check] = {
    "region": _check_region,
    "years": _check_years,
    "births": _check_births,
}


def chapter_rules(chapter: str | None) -> dict[str, Check]:
    """The generic rules plus the chapter's own (a chapter without ``checks.py`` adds none)."""
    rules = dict(VALUE_RULES)
    if chapter:
        import importlib
        import importlib.util

        if importlib.util.find_spec(f"analysis.chapters.{chapter}") is None:
            raise ParameterError(f"template names chapter {chapter!r}, which does not exist under analysis/chapters/")
        if importlib.util.find_spec(f"analysis.chapters.{chapter}.checks") is None:
            return rules
        module = importlib.import_module(f"analysis.chapters.{chapter}.checks")
        rules.update(getattr(module, "CHECKS", {}))
    return rules


def template_chapter(template: Path) -> str | None:
    """The chapter a template belongs to (front matter ``analysis: {chapter: name}``)."""
    return _template_info(template)[1]


def year_range(years: str) -> list[int]:
    """``"2019-2023"`` -> ``[2019, ..., 2023]``."""
    problem = _check_years(years)
    if problem:
        raise ParameterError(f"years={years!r}: {problem}")
    parts = [int(p) for p in str(years).split("-")]
    return list(range(parts[0], parts[-1] + 1))


def validate(
    page: str, declared: Mapping[str, Parameter], given: Mapping[str, Any], chapter: str | None = None
) -> dict[str, Any]:
    """All problems at once: unknown names, wrong types, values outside the allowed set.

    Returns the complete parameter set (defaults filled in).
    """
    problems: list[str] = []
    rules = chapter_rules(chapter)
    for name in given:
        if name not in declared:
            problems.append(f"unknown parameter {name!r}; this page takes: {', '.join(sorted(declared)) or 'none'}")
    resolved: dict[str, Any] = {}
    for name, spec in declared.items():
        value = given.get(name, spec.default)
        allowed = _TYPES[spec.type]
        if not isinstance(value, allowed) or (spec.type in ("int", "float") and isinstance(value, bool)):
            problems.append(f"parameter {name!r}={value!r}: expected {spec.type}, got {type(value).__name__}")
            continue
        rule = rules.get(name)
        message = rule(value) if rule else None
        if message:
            problems.append(f"parameter {name!r}={value!r}: {message}")
        resolved[name] = value
    if problems:
        raise ParameterError(f"page {page!r}: " + "; ".join(problems))
    return resolved


def check_in_notebook(page: str, values: Mapping[str, Any], chapter: str | None = None) -> None:
    """Validate a running notebook's parameters (value rules only; types come from the cell)."""
    problems = []
    rules = chapter_rules(chapter)
    for name, value in values.items():
        rule = rules.get(name)
        message = rule(value) if rule else None
        if message:
            problems.append(f"parameter {name!r}={value!r}: {message}")
    if problems:
        raise ParameterError(f"page {page!r}: " + "; ".join(problems))


def coerce_cli_value(spec: Parameter, raw: str) -> Any:
    """Turn a ``-p name value`` string into the declared type (a clear error otherwise)."""
    try:
        if spec.type == "int":
            return int(raw)
        if spec.type == "float":
            return float(raw.replace(",", "."))
        if spec.type == "bool":
            lowered = raw.strip().lower()
            if lowered in {"1", "true", "ja", "yes"}:
                return True
            if lowered in {"0", "false", "nej", "no"}:
                return False
            raise ValueError(raw)
    except ValueError as exc:
        raise ParameterError(f"parameter {spec.name!r}: {raw!r} is not a valid {spec.type}") from exc
    return raw
