"""The summary page's tables and message lists."""

from __future__ import annotations

import pandas as pd

from analysis.chapters.summary import text
from analysis.chapters.summary.messages import municipality_net_minutes
from analysis.chapters.summary.page import SummaryPage, sentence
from analysis.common.formatting import sv_number
from analysis.render.page import Table


class Html:
    """Raw HTML a cell shows (a key-message list)."""

    def __init__(self, body: str) -> None:
        self.body = body

    def _repr_html_(self) -> str:
        return self.body

    def __repr__(self) -> str:
        return "<nyckelbudskap>"


def key_messages(data: SummaryPage, option: str) -> Html:
    """The option's key messages as a list, each with its certainty tag."""
    labels = data.config.certainty_sv
    items = "".join(text.list_item(sentence(data, m), labels[m.certainty]) for m in data.messages[option])
    return Html(f'<ul class="key-messages">{items}</ul>')


def baseline(data: SummaryPage) -> Html:
    """Today's situation: published figures, each tagged as such."""
    tag = data.config.certainty_sv["published"]
    items = "".join(text.list_item(str(s), tag) for s in text.baseline(data.baseline))
    return Html(f'<ul class="key-messages">{items}</ul>')


def glance_table(data: SummaryPage) -> pd.DataFrame:
    """One row per option: the report's organisation, providers, service points and staffing rule."""
    cfg = data.options_config
    return pd.DataFrame([
        {"Alternativ": key, "Organisation": o.organisation_sv, "Utförare": o.providers_sv,
         "Mottagningar": o.matrix_sv["tillganglighet"], "Bemanning": o.matrix_sv["bemanningskrav"]}
        for key, o in cfg.options.items()
    ])  # fmt: skip


def municipality_table(data: SummaryPage) -> pd.DataFrame:
    """Municipalities × option rows: net change in travel minutes per birth and year."""
    net = municipality_net_minutes(list(data.options.values()), data.comparison)
    rows = list(next(iter(net.values())))
    return pd.DataFrame({"Kommun": rows, **{row: [sv_number(v[m]) for m in rows] for row, v in net.items()}})


def glance(data: SummaryPage) -> Table:
    return Table(glance_table(data), str(text.TEXTS("captions.glance")))


def municipalities(data: SummaryPage) -> Table:
    return Table(municipality_table(data), str(text.TEXTS("captions.municipalities")))
