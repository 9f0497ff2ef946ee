"""The run plan: which page is built from which template with which parameters.

A readable YAML (``book/runplan.yml``) lists each page. One template can give
several pages through ``foreach`` (one per option, one per region). The plan is
validated against the templates' ``parameters`` cells before anything runs.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import yaml

from analysis.common.paths import project_root
from analysis.pipeline.params import (
    Parameter,
    ParameterError,
    template_chapter,
    template_parameters,
    validate,
)

DEFAULT_PLAN = Path("book/runplan.yml")


class RunPlanError(ValueError):
    """The run plan file is malformed (names the file and the page)."""


@dataclass(frozen=True)
class Page:
    name: str
    template: Path  # relative to the project root
    output: Path  # executed notebook, relative to the project root
    params: dict[str, Any]
    depends_on: tuple[str, ...] = ()
    uses_births: bool = False
    chapter: str | None = None
    declared: dict[str, Parameter] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class SharedTask:
    """An intermediate result several pages read, computed once per build before them (``shared:`` in the plan).

    ``call`` (``module:function``) is run with ``params`` in one of the build's kernels and stores its values
    with :mod:`analysis.common.shared`; the pages in ``needed_by`` start after it. Pages built without it
    (a partial build, a notebook run by hand) compute the same values themselves.
    """

    name: str
    call: str
    params: dict[str, Any]
    needed_by: tuple[str, ...]
    depends_on: tuple[str, ...] = ()
    uses_births: bool = False  # its parameters name the births file: it waits for the cohort job


def _expand(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """``foreach: {option: [A, B]}`` -> one entry per combination, names formatted with the values."""
    foreach = entry.get("foreach")
    if not foreach:
        return [entry]
    keys = list(foreach)
    out = []
    for combo in itertools.product(*(foreach[k] for k in keys)):
        values = dict(zip(keys, combo))
        fmt = {k: str(v).lower() for k, v in values.items()}
        item = {k: v for k, v in entry.items() if k != "foreach"}
        item["name"] = entry["name"].format(**fmt)
        if "output" in entry:
            item["output"] = entry["output"].format(**fmt)
        item["params"] = {**entry.get("params", {}), **values}
        out.append(item)
    return out


def load(path: Path | None = None, overrides: dict[str, Any] | None = None) -> list[Page]:
    """Read, expand and validate the plan. ``overrides`` apply to every page that declares the name."""
    root = project_root()
    path = path or root / DEFAULT_PLAN
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RunPlanError(f"{path}: cannot read run plan ({exc})") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("pages"), list):
        raise RunPlanError(f"{path}: expected a mapping with a 'pages' list")
    defaults = raw.get("defaults", {}) or {}
    pages: list[Page] = []
    seen: set[str] = set()
    problems: list[str] = []
    for i, entry in enumerate(raw["pages"], start=1):
        for key in ("name", "template", "output"):
            if key not in entry:
                raise RunPlanError(f"{path}: page #{i}: missing key {key!r}")
        for item in _expand(entry):
            name = item["name"]
            if name in seen:
                raise RunPlanError(f"{path}: duplicate page name {name!r}")
            seen.add(name)
            template = Path(item["template"])
            if not (root / template).exists():
                raise RunPlanError(f"{path}: page {name!r}: template {template} not found")
            declared = template_parameters(root / template)
            chapter = template_chapter(root / template)
            params = {k: v for k, v in defaults.items() if k in declared}
            params.update(item.get("params", {}) or {})
            params.update({k: v for k, v in (overrides or {}).items() if k in declared})
            try:
                resolved = validate(name, declared, params, chapter=chapter)
            except ParameterError as exc:
                problems.append(str(exc))
                continue
            pages.append(
                Page(
                    name=name,
                    template=template,
                    output=Path(item["output"]),
                    params=resolved,
                    depends_on=tuple(item.get("depends_on", []) or []),
                    uses_births="births" in declared,
                    chapter=chapter,
                    declared=declared,
                )
            )
    if problems:
        raise ParameterError(f"{path}: invalid parameters:\n  " + "\n  ".join(problems))
    names = {p.name for p in pages}
    for page in pages:
        unknown = [d for d in page.depends_on if d not in names]
        if unknown:
            raise RunPlanError(f"{path}: page {page.name!r} depends on unknown page(s) {unknown}")
    return pages


def load_shared(path: Path | None = None, pages: list[Page] | None = None) -> list[SharedTask]:
    """The plan's ``shared:`` steps (expanded like pages), each naming an importable ``module:function``
    and pages of the plan that need it."""
    root = project_root()
    path = path or root / DEFAULT_PLAN
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RunPlanError(f"{path}: cannot read run plan ({exc})") from exc
    by_name = {p.name: p for p in (pages if pages is not None else load(path))}
    names = set(by_name)
    out: list[SharedTask] = []
    for i, entry in enumerate(raw.get("shared", []) or [], start=1):
        for key in ("name", "call", "needed_by"):
            if key not in (entry or {}):
                raise RunPlanError(f"{path}: shared step #{i}: missing key {key!r}")
        for item in _expand(entry):
            name, call = str(item["name"]), str(item["call"])
            if name in names or any(t.name == name for t in out):
                raise RunPlanError(f"{path}: shared step {name!r}: the name is already used")
            if call.count(":") != 1 or not all(call.split(":")):
                raise RunPlanError(f"{path}: shared step {name!r}: call must be 'module:function', got {call!r}")
            unknown = [n for n in item["needed_by"] if n not in names]
            if unknown:
                raise RunPlanError(f"{path}: shared step {name!r} is needed by unknown page(s) {unknown}")
            params = dict(item.get("params", {}) or {})
            source = item.get("params_from")  # a page's own parameters (births file included): one place for them
            if source is not None:
                if source not in by_name:
                    raise RunPlanError(f"{path}: shared step {name!r} takes its parameters from unknown page {source!r}")
                params = {**by_name[source].params, **params}
            uses_births = "births" in params
            out.append(SharedTask(name, call, params, tuple(item["needed_by"]), uses_births=uses_births))
    return out


class Job(Protocol):
    """A page or a shared step, as the schedule sees it: a name and the names it waits for."""

    @property
    def name(self) -> str: ...

    @property
    def depends_on(self) -> tuple[str, ...]: ...


J = TypeVar("J", bound=Job)


def waves(pages: Sequence[J]) -> list[list[J]]:
    """Group pages so each group only depends on earlier groups (for parallel execution).

    A dependency outside ``pages`` (a partial build with ``--pages``) is already built:
    its published results are used as they are.
    """
    names = {p.name for p in pages}
    done: set[str] = set()
    remaining = list(pages)
    out: list[list[J]] = []
    while remaining:
        ready = [p for p in remaining if set(p.depends_on) & names <= done]
        if not ready:
            raise RunPlanError(f"circular dependencies among pages {[p.name for p in remaining]}")
        out.append(ready)
        done |= {p.name for p in ready}
        remaining = [p for p in remaining if p.name not in done]
    return out


def check_acyclic(pages: Sequence[Job]) -> None:
    """Raise :class:`RunPlanError` when the pages' dependencies (within ``pages``) form a cycle."""
    waves(pages)
