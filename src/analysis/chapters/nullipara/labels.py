"""The chapter's Swedish labels, read from ``data/outcomes.yml`` (the one place they are written).

Outcome names, short column headings, in-sentence phrases, denominators, covariate and
class labels, Robson group descriptions and the published figures shown beside the model
all come from the YAML file; editing it changes the page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from analysis.chapters.nullipara.outcomes import CONFIG_PATH, OUTCOME_KEYS
from analysis.common.config import ConfigError, read_yaml
from analysis.common.formatting import sv_number

OUTCOME_KIND_VALUES: tuple[str, ...] = ("intervention", "complication")


@dataclass(frozen=True)
class OutcomeLabels:
    key: str
    kind: str  # "intervention" or "complication": how a difference is worded
    heading: str
    short: str
    phrase: str
    denominator: str
    first_use: str
    numerator: str = ""


@dataclass(frozen=True)
class PublishedRow:
    outcome: str
    indicator: str
    year: str
    year_sv: str
    population: str
    decimals: int


@dataclass(frozen=True)
class Labels:
    outcomes: Mapping[str, OutcomeLabels]
    covariates: Mapping[str, str]
    levels: Mapping[str, str]
    robson_names: Mapping[str, str]
    robson_descriptions: Mapping[str, str]
    published: tuple[PublishedRow, ...]
    quality: Mapping[str, str]


def _outcome(key: str, raw: Mapping[str, Any], where: Path) -> OutcomeLabels:
    kind = raw.get("kind")
    if kind not in OUTCOME_KIND_VALUES:
        raise ConfigError(f"{where}: outcome {key}: kind must be one of {list(OUTCOME_KIND_VALUES)}, got {kind!r}")
    for part in ("label_sv", "short_sv", "phrase_sv", "denominator_sv"):
        if not raw.get(part):
            raise ConfigError(f"{where}: outcome {key}: missing {part}")
    return OutcomeLabels(
        key=key,
        kind=str(kind),
        heading=str(raw.get("heading_sv") or raw["label_sv"]),
        short=str(raw["short_sv"]),
        phrase=str(raw["phrase_sv"]),
        denominator=str(raw["denominator_sv"]),
        first_use=str(raw.get("first_use_sv") or raw["phrase_sv"]),
        numerator=str(raw.get("numerator_sv") or raw["label_sv"]),
    )


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int) -> Labels:
    where = Path(path)
    raw = read_yaml(where)
    try:
        outcomes = {key: _outcome(key, raw["outcomes"][key], where) for key in OUTCOME_KEYS}
        covariates = {name: str(spec["label_sv"]) for name, spec in raw["covariates"].items()}
        robson = raw["robson_sv"]
        published = raw["published_sv"]
        rows = tuple(
            PublishedRow(
                outcome=str(r["outcome"]),
                indicator=str(r["indicator"]),
                year=str(r["year"]),
                year_sv=str(r.get("year_sv", r["year"])),
                population=str(r["population"]),
                decimals=int(r["decimals"]),
            )
            for r in published["rows"]
        )
        return Labels(
            outcomes=outcomes,
            covariates=covariates,
            levels={str(k): str(v) for k, v in raw["level_labels_sv"].items()},
            robson_names={str(k): str(v) for k, v in robson["names"].items()},
            robson_descriptions={str(k): str(v) for k, v in robson["descriptions"].items()},
            published=rows,
            quality={str(k): str(v) for k, v in published["quality"].items()},
        )
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"{where}: Swedish labels incomplete ({exc!r})") from exc


def labels(path: str | Path | None = None) -> Labels:
    """All Swedish labels of the chapter (cached per file and modification time)."""
    where = Path(path) if path is not None else CONFIG_PATH
    try:
        mtime = where.stat().st_mtime_ns
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read ({exc.strerror or exc})") from exc
    return _load(str(where), mtime)


def outcome_label(key: str) -> str:
    """The page's name for an outcome ('Akut kejsarsnitt')."""
    found = labels().outcomes.get(key)
    return found.heading if found else key


def short_label(key: str) -> str:
    found = labels().outcomes.get(key)
    return found.short if found else key


def phrase(key: str) -> str:
    found = labels().outcomes.get(key)
    return found.phrase if found else key


def outcome_kinds() -> dict[str, str]:
    """'intervention' or 'complication' per outcome (field ``kind`` in ``outcomes.yml``)."""
    return {key: o.kind for key, o in labels().outcomes.items()}


def covariate_label(name: str) -> str:
    return labels().covariates.get(name, name)


_LEVEL_OPERATORS: dict[str, str] = {"<": "<\u00a0", "<=": "≤\u00a0", ">": ">\u00a0", ">=": "≥\u00a0"}


def _sv_level_number(text: str) -> str:
    decimals = len(text.split(".")[1]) if "." in text else 0
    return sv_number(float(text), decimals)


def level_label(level: str) -> str:
    """A covariate level in Swedish notation for display ('18.5-24.9' → '18,5–24,9', '>=40' → '≥ 40').

    Internal keys (from ``outcomes.yml``) stay unchanged; this is display only.
    """
    named = labels().levels
    if level in named:
        return named[level]
    match = re.fullmatch(r"(<=|>=|<|>)?\s*(\d+(?:\.\d+)?)(?:\s*-\s*(\d+(?:\.\d+)?))?", str(level))
    if not match:
        return str(level)
    op, low, high = match.groups()
    text = _sv_level_number(low) + (f"–{_sv_level_number(high)}" if high else "")
    return (_LEVEL_OPERATORS[op] if op else "") + text
