"""Fills the chapter's sentence templates (``book/text/riskmix.sv.yml``): choose a template, pass formatted values."""

from __future__ import annotations

import math

from analysis.chapters.riskmix.standardisation import StandardisationResult
from analysis.common.formatting import sv_number, sv_pct
from analysis.common.text import Sentence, Texts

TEXTS = Texts("riskmix")

# Below this many percentage points the standardisation moved nothing worth a sentence.
NEGLIGIBLE_PP = 0.05


def standardisation_variant(crude_gap: float, standardised_gap: float) -> str:
    """``too_few`` (no figures), ``none`` (structure explains nothing), ``shrinks`` or ``grows``.

    If standardising moves the region *towards* the nation, age and parity explain that part
    of the gap; if it moves it *away*, the age/parity structure was hiding part of the gap.
    """
    if math.isnan(crude_gap) or math.isnan(standardised_gap):
        return "too_few"
    moved = abs(crude_gap) - abs(standardised_gap)
    if abs(moved) < NEGLIGIBLE_PP:
        return "none"
    return "shrinks" if moved > 0 else "grows"


def standardisation_sentence(result: StandardisationResult, label_sv: str) -> Sentence:
    """Reads a direct standardisation the right way round (see ``standardisation_variant``)."""
    variant = standardisation_variant(result.crude_gap, result.standardised_gap)
    if variant == "too_few":
        return TEXTS("standardisation.too_few", label=label_sv)
    moved = abs(result.crude_gap) - abs(result.standardised_gap)
    return TEXTS(
        f"standardisation.{variant}",
        label=label_sv,
        crude=sv_pct(result.crude),
        standardised=sv_pct(result.standardised),
        national=sv_pct(result.national),
        crude_gap=sv_number(abs(result.crude_gap), 1),
        standardised_gap=sv_number(abs(result.standardised_gap), 1),
        moved=sv_number(abs(moved), 1),
    )


def strata_note(synthetic: bool) -> Sentence:
    """Whether the origin/education charts can show real associations."""
    return TEXTS("strata_note.synthetic" if synthetic else "strata_note.real")


def chart_note(synthetic: bool) -> str:
    """The suffix of a chart title (empty for a register extract)."""
    return f" {TEXTS('chart_note.synthetic')}" if synthetic else ""


def municipality_caption(synthetic: bool) -> Sentence:
    return TEXTS("municipality_table.caption.synthetic" if synthetic else "municipality_table.caption.real")


def no_municipalities(region_name: str) -> tuple[Sentence, Sentence]:
    """Title and body of the notice shown when the data has no municipality of residence."""
    return TEXTS("no_municipalities.title"), TEXTS("no_municipalities.body", region_name=region_name)


def published_rank(rank: float, of: float) -> Sentence:
    return TEXTS("published_table.rank_of", rank=int(rank), of=int(of))


def label(key: str, **values: object) -> Sentence:
    """A fixed heading or caption of the chapter's tables (``published_table.indicator`` …)."""
    return TEXTS(key, **values)
