"""What the summary template calls: ``compute(region=…)``, its glue values and results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from analysis.chapters.options.config import Config, load_config
from analysis.chapters.options.scorecard import metric_resolution
from analysis.chapters.summary import text
from analysis.chapters.summary.config import SummaryConfig, load_summary_config
from analysis.chapters.summary.messages import Baseline, Message, baseline, municipality_net_minutes, option_messages
from analysis.common import results as stored
from analysis.common.formatting import sv_number
from analysis.common.home import HOME_REGION


@dataclass(frozen=True)
class SummaryPage:
    """The option and comparison pages' results and the key messages built from them."""

    options: Mapping[str, Mapping[str, Any]]  # option key -> option_<x>.json
    comparison: Mapping[str, Any]
    messages: Mapping[str, tuple[Message, ...]]
    config: SummaryConfig
    options_config: Config
    resolution_hours: float
    synthetic: bool
    baseline: Baseline


def compute(region: str = HOME_REGION) -> SummaryPage:
    """Read the comparison and every option page's results (they must have been built) and derive the messages."""
    ocfg = load_config()
    scfg = load_summary_config()
    comparison = stored.read("comparison")
    options = {key: stored.read(f"option_{key.lower()}") for key in ocfg.options}
    messages = {key: option_messages(res, comparison, scfg) for key, res in options.items()}
    synthetic = any(bool(res.get("evidence", {}).get("riskmix", {}).get("synthetic")) for res in options.values())
    resolution = metric_resolution(ocfg.metrics["net_travel_hours_change"], ocfg)
    first = next(iter(options.values()))
    today = int(first["cases"][first["main_case"]]["figures"]["bmm_units_today"])
    return SummaryPage(options, comparison, messages, scfg, ocfg, resolution, synthetic, baseline(region, today))


def sentence(data: SummaryPage, m: Message) -> str:
    """The Swedish sentence of one key message."""
    kinds = {
        "structure": text.structure,
        "travel": lambda c: text.travel(c, data.resolution_hours),
        "municipalities": text.municipalities,
        "vulnerability": text.vulnerability,
        "capacity": text.capacity,
    }
    return text.per_case(m, kinds[m.kind])


def glue_values(data: SummaryPage) -> dict[str, str]:
    first = next(iter(data.options.values()))
    main = first["cases"][first["main_case"]]["figures"]
    return {
        "n_options": sv_number(len(data.options)),
        "bmm_units_today": sv_number(main["bmm_units_today"]),
        "resolution_hours": sv_number(data.resolution_hours),
    }


def results(data: SummaryPage) -> dict[str, Any]:
    """Key figures for ``summary.json``: every message (kind, certainty, sentence) per option, and the tiers shown."""
    return {
        "messages": {
            key: [
                {
                    "kind": m.kind,
                    "certainty": m.certainty,
                    "text_sv": {c.row: sentence(data, replace(m, cases=(c,))) for c in m.cases},
                }
                for m in msgs
            ]
            for key, msgs in data.messages.items()
        },
        "overview": {metric: data.comparison.get("tiers", {}).get(metric, {}) for metric in data.config.overview_measures},
        "municipality_net_minutes": municipality_net_minutes(list(data.options.values()), data.comparison),
        "baseline_sv": [str(x) for x in text.baseline(data.baseline)],
        "modelled": True,
        "synthetic_evidence": data.synthetic,
    }
