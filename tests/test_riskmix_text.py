"""Sentence choice of the risk-factor chapter: which template, with which values (never whole sentences)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.chapters.riskmix import text
from analysis.chapters.riskmix.standardisation import StandardisationResult


def result(crude: float, standardised: float, national: float) -> StandardisationResult:
    """A hand-made standardisation (percent); only the fields the sentence reads matter."""
    return StandardisationResult(
        outcome="bmi_ge30",
        label_sv="x",
        label_en="x",
        region="19",
        by=("age_group", "parity_group"),
        standard="nation",
        n_region=100.0,
        cases_region=20.0,
        excluded_region=0,
        crude=crude,
        standardised=standardised,
        ci_low=math.nan,
        ci_high=math.nan,
        ci_method="normal",
        national=national,
        crude_gap=crude - national,
        standardised_gap=standardised - national,
        gap_explained_by_structure=crude - standardised,
        share_of_gap_explained=math.nan,
        dropped_standard_weight=0.0,
        suppressed=False,
        strata=pd.DataFrame(),
    )


@pytest.mark.parametrize(
    ("crude_gap", "standardised_gap", "variant"),
    [
        (math.nan, 1.0, "too_few"),
        (4.0, math.nan, "too_few"),
        (4.0, 3.96, "none"),  # moved 0.04 < 0.05
        (-4.0, -3.96, "none"),
        (4.0, 3.0, "shrinks"),
        (-4.7, -4.0, "shrinks"),  # below the nation, closer after standardising
        (4.0, 5.0, "grows"),
        (2.0, -3.0, "grows"),  # crosses the nation and ends further away
    ],
)
def test_standardisation_variant(crude_gap: float, standardised_gap: float, variant: str) -> None:
    assert text.standardisation_variant(crude_gap, standardised_gap) == variant


def test_standardisation_sentence_gap_shrinks() -> None:
    # Crude 19.9, standardised 20.6, nation 24.6: gap 4.7 -> 4.0, age and parity explain 0.7.
    s = text.standardisation_sentence(result(19.9, 20.6, 24.6), "Ingen riskfaktor")
    assert s.key == "standardisation.shrinks"
    assert s.values == {
        "label": "Ingen riskfaktor",
        "crude": "19,9\u00a0%",
        "standardised": "20,6\u00a0%",
        "national": "24,6\u00a0%",
        "crude_gap": "4,7",
        "standardised_gap": "4,0",
        "moved": "0,7",
    }


def test_standardisation_sentence_gap_grows_reports_the_hidden_part_as_positive() -> None:
    # Crude 30, standardised 32, nation 25: gap 5 -> 7, the structure hides 2 points.
    s = text.standardisation_sentence(result(30.0, 32.0, 25.0), "Fetma")
    assert s.key == "standardisation.grows"
    assert (s.values["crude_gap"], s.values["standardised_gap"], s.values["moved"]) == ("5,0", "7,0", "2,0")


def test_standardisation_sentence_without_figures() -> None:
    s = text.standardisation_sentence(result(math.nan, math.nan, 25.0), "Fetma")
    assert s.key == "standardisation.too_few" and s.values == {"label": "Fetma"}


def test_standardisation_sentence_nothing_explained() -> None:
    s = text.standardisation_sentence(result(30.0, 30.02, 25.0), "Fetma")
    assert s.key == "standardisation.none" and s.values["standardised"] == "30,0\u00a0%"


def test_notes_and_captions_follow_the_data_kind() -> None:
    assert text.strata_note(True).key == "strata_note.synthetic"
    assert text.strata_note(False).key == "strata_note.real"
    assert text.municipality_caption(True).key == "municipality_table.caption.synthetic"
    assert text.municipality_caption(False).key == "municipality_table.caption.real"
    assert text.chart_note(False) == ""
    assert text.chart_note(True).startswith(" ") and len(text.chart_note(True)) > 1


def test_no_municipalities_notice_and_rank() -> None:
    title, body = text.no_municipalities("Uppsala")
    assert title.key == "no_municipalities.title"
    assert body.key == "no_municipalities.body" and body.values == {"region_name": "Uppsala"}
    rank = text.published_rank(3.0, 21)
    assert rank.key == "published_table.rank_of" and rank.values == {"rank": 3, "of": 21}
