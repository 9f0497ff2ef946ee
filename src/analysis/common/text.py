"""The book's Swedish sentences live in text files, not in Python.

Each chapter has ``book/text/<chapter>.sv.yml``: named sentence templates with
``{field}`` placeholders, grouped where a sentence has variants (``gap.higher``,
``gap.lower``). A chapter's ``text.py`` only *chooses* a template and supplies
already formatted values; an editor changes the wording in the YAML file without
reading Python. Tests assert which template was chosen and with which values
(``Sentence.key`` and ``Sentence.values``), never the whole wording.

Template syntax is Python's ``str.format`` with named fields only; ``{{`` and ``}}``
give literal braces (e.g. MyST roles).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from analysis.common.paths import project_root

TEXT_DIR = Path("book") / "text"


class TextError(KeyError):
    """A sentence template is missing, malformed or lacks a value (names the file and the key)."""

    def __str__(self) -> str:  # KeyError quotes its message; show it plainly
        return str(self.args[0]) if self.args else ""


class Sentence(str):
    """A filled template: behaves as the text, and remembers which template and values made it."""

    key: str
    values: Mapping[str, str]

    def __new__(cls, text: str, key: str, values: Mapping[str, Any]) -> Sentence:
        obj = super().__new__(cls, text)
        obj.key = key
        obj.values = dict(values)
        return obj

    def __repr__(self) -> str:  # what myst-nb pastes for text/plain
        return str(self)


def _fields(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


def _flatten(data: Any, path: str, file: Path, out: dict[str, str]) -> None:
    if isinstance(data, str):
        for name in _fields(data):
            if not name.isidentifier():
                raise TextError(f"{file}: template {path!r}: placeholder {{{name}}} must be a plain name")
        out[path] = data.strip("\n")  # keep a deliberate leading or trailing space
    elif isinstance(data, Mapping):
        for key, value in data.items():
            if not isinstance(key, str):  # YAML 1.1 reads yes/no/on/off as booleans
                raise TextError(f"{file}: template name {key!r} under {path or 'the top'!r} is not text; quote it or rename it")
            _flatten(value, f"{path}.{key}" if path else key, file, out)
    else:
        raise TextError(f"{file}: template {path!r}: expected text or a group of texts, got {type(data).__name__}")


@lru_cache(maxsize=32)
def _load(file: str, mtime_ns: int) -> dict[str, str]:
    path = Path(file)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise TextError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(data, Mapping):
        raise TextError(f"{path}: expected a mapping of template names to texts")
    out: dict[str, str] = {}
    _flatten(data, "", path, out)
    return out


class Texts:
    """The sentence templates of one chapter: ``texts("gap.higher", minutes="12,3")``."""

    def __init__(self, chapter: str, directory: Path | None = None) -> None:
        self.chapter = chapter
        self.path = (directory or project_root() / TEXT_DIR) / f"{chapter}.sv.yml"

    def templates(self) -> dict[str, str]:
        try:
            mtime = self.path.stat().st_mtime_ns
        except OSError as exc:
            raise TextError(f"{self.path}: sentence templates for chapter {self.chapter!r} not found") from exc
        return _load(str(self.path), mtime)

    def template(self, key: str) -> str:
        templates = self.templates()
        if key not in templates:
            near = [k for k in templates if k.split(".")[0] == key.split(".")[0]]
            hint = f"; templates in that group: {', '.join(near)}" if near else ""
            raise TextError(f"{self.path}: no sentence template {key!r}{hint}")
        return templates[key]

    def __call__(self, key: str, **values: Any) -> Sentence:
        template = self.template(key)
        missing = [name for name in _fields(template) if name not in values]
        if missing:
            raise TextError(f"{self.path}: template {key!r} needs value(s) {', '.join(missing)}")
        text = template.format_map({k: str(v) for k, v in values.items()})
        return Sentence(text, key, values)

    def has(self, key: str) -> bool:
        return key in self.templates()


# ------------------------------------------------------------------------- small choice helpers


def by_sign(value: float, tolerance: float = 0.0) -> str:
    """``"higher"``, ``"lower"`` or ``"same"`` (within ±tolerance): the usual variant names."""
    if value > tolerance:
        return "higher"
    if value < -tolerance:
        return "lower"
    return "same"


def by_count(n: int) -> str:
    """``"none"``, ``"one"`` or ``"many"``: for sentences that name zero, one or several things."""
    return "none" if n == 0 else "one" if n == 1 else "many"


def choose(flag: bool, yes: str = "yes", no: str = "no") -> str:
    return yes if flag else no
