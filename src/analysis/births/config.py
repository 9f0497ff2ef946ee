"""Load the synthetic-cohort configuration and the covariate coding shared with the case-mix models."""

from __future__ import annotations

import copy
import hashlib
import io
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from analysis.common.paths import PACKAGE_DATA

DEFAULT_CONFIG = PACKAGE_DATA / "synth_config.yml"


def load_config(path: str | Path | None = None) -> dict[str, Any]:
    """The parsed YAML; ``path`` defaults to the package's ``synth_config.yml``.

    Parsed once per file content (keyed by the file's bytes) and handed out as a fresh copy, so a caller
    may change its dict without touching anyone else's.
    """
    p = Path(path) if path is not None else DEFAULT_CONFIG
    raw = p.read_bytes()
    config = copy.deepcopy(_parsed(raw))
    config["_path"] = str(p)
    config["_sha256"] = hashlib.sha256(raw).hexdigest()
    return config


@lru_cache(maxsize=4)
def _parsed(raw: bytes) -> dict[str, Any]:
    """The YAML document of ``raw`` (never handed out itself: :func:`load_config` copies it)."""
    config: dict[str, Any] = yaml.safe_load(io.StringIO(raw.decode("utf-8")))
    return config


def odds_ratio(spec: Any) -> float:
    """An OR from a config entry: a bare number is an OR; ``{value, measure: RR, baseline_risk}`` is converted."""
    if isinstance(spec, (int, float)):
        return float(spec)
    value = float(spec["value"])
    if str(spec.get("measure", "OR")).upper() == "RR":
        p0 = float(spec["baseline_risk"])
        return value * (1.0 - p0) / (1.0 - value * p0)
    return value


def code_covariate(frame: pd.DataFrame, name: str, coding: dict[str, Any]) -> pd.Series:
    """One covariate as an ordered categorical with the configured levels (missing stays missing)."""
    spec = coding[name]
    source = frame[spec["source"]]
    labels: list[str] = list(spec["labels"])
    if "breaks" in spec:
        values = pd.to_numeric(source, errors="coerce").astype("float64").to_numpy()
        idx = np.digitize(values, np.asarray(spec["breaks"], dtype=float))
        codes = np.where(np.isnan(values), -1, idx)
    elif labels == ["no", "yes"]:
        flags = source.astype("boolean")
        codes = np.where(flags.isna().to_numpy(), -1, flags.fillna(False).to_numpy(dtype=bool).astype(int))
    else:
        text = source.astype("string")
        lookup = {label: i for i, label in enumerate(labels)}
        codes = text.map(lookup).fillna(-1).astype(int).to_numpy()
    return pd.Series(pd.Categorical.from_codes(codes, categories=labels), index=frame.index, name=name)


def covariate_frame(frame: pd.DataFrame, config: dict[str, Any] | None = None) -> pd.DataFrame:
    """Every coded covariate of the outcome models (age_class, bmi_class, ...), for chapters and tests."""
    cfg = config or load_config()
    coding = cfg["coding"]
    return pd.concat([code_covariate(frame, name, coding) for name in coding], axis=1)
