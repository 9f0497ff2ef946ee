"""Sentences of the page "Förstföderskor": which template is chosen, with which values (never whole wording)."""

from __future__ import annotations

import pytest

from analysis.chapters.nullipara import text
from analysis.chapters.nullipara.verdicts import Verdict, judge
from analysis.common.text import Sentence, Texts


def _entry(oe_low: float, oe_high: float, pr_low: float, pr_high: float) -> dict:
    return {
        "oe": (oe_low + oe_high) / 2, "oe_low": oe_low, "oe_high": oe_high,
        "gap": 1.0, "gap_low": 0.1, "gap_high": 2.0, "casemix_part": 0.1, "casemix_part_low": 0.0,
        "casemix_part_high": 0.2, "practice_part": (pr_low + pr_high) / 2,
        "practice_part_low": pr_low, "practice_part_high": pr_high, "suppressed": False,
    }  # fmt: skip


def _home() -> dict:
    return {
        "n": 1000, "observed": 170, "expected": 150.0, "oe": 170 / 150, "oe_low": 0.97, "oe_high": 1.31,
        "suppressed": False, "gap": 2.0, "gap_low": 0.5, "gap_high": 3.5, "casemix_part": -0.4,
        "casemix_part_low": -0.6, "casemix_part_high": -0.2, "practice_part": 2.4, "practice_part_low": 0.9,
        "practice_part_high": 3.9,
    }  # fmt: skip


def test_every_template_key_used_by_the_code_exists() -> None:
    templates = Texts("nullipara").templates()
    for key in (
        "decomposition.split.synthetic",
        "decomposition.split.real",
        "verdict.none.real",
        "verdict.clear.real",
        "funnel.inside.real",
    ):
        assert key in templates
    # Values are substituted, never left as placeholders.
    assert "{" not in text.texts("interval.oe", oe="1", low="0", high="2")


def test_signed_numbers_and_p_values() -> None:
    assert text.signed(2.0) == "+2,0"
    assert text.signed(-0.4) == "\u22120,4"
    assert text.signed(-0.0004) == "0,0"  # never '−0,0'
    assert text.signed(None) == "–"
    assert text.p_value(0.0004) == "<\u00a00,001"
    assert text.p_value(0.0456) == "0,046"
    assert text.p_phrase(0.0004).key == "p_value.small"
    assert text.p_phrase(0.2).values == {"p": "0,200"}


def test_decomposition_sentence_parts_and_fallbacks() -> None:
    s = text.decomposition_sentence("emergency_cs", _home(), region_label="Västmanland")
    assert isinstance(s, Sentence) and s.key == "decomposition.sentence"
    split = s.values["split"]
    assert split.key == "decomposition.split.real"
    assert split.values["phrase"] == "akuta kejsarsnitt"
    assert (split.values["gap"], split.values["casemix"], split.values["practice"]) == ("+2,0", "\u22120,4", "+2,4")
    assert split.values["practice_ci"].values == {"low": "+0,9", "high": "+3,9"}
    # Without a funnel position no difference is judged, whatever the intervals say.
    verdict = s.values["verdict"]
    assert verdict.key == "verdict.unknown" and verdict.values["interval"].values["low"] == "0,97"
    hidden = dict(_home(), suppressed=True)
    assert text.decomposition_sentence("oasis", hidden).key == "decomposition.too_few"
    assert text.decomposition_sentence("oasis", hidden).values["limit"] == 5
    assert text.decomposition_sentence("induction", None).key == "decomposition.not_run"
    tiny = dict(_home(), casemix_part=-0.0004, practice_part_low=-0.3, oe_low=1.02)
    tiny_s = text.decomposition_sentence("emergency_cs", tiny, judge("emergency_cs", "within", True), synthetic=True)
    assert tiny_s.values["split"].key == "decomposition.split.synthetic"
    assert tiny_s.values["split"].values["casemix"] == "0,0"
    assert tiny_s.values["verdict"].key == "verdict.none.synthetic"


def test_one_inference_rule_from_the_funnel() -> None:
    v = judge("planned_cs", "within", True)
    assert v.direction == 0 and v.signal == 0
    possible = judge("emergency_cs", "above 95%", True)
    assert possible.direction == 0 and possible.signal == 1 and possible.outside
    less = judge("induction", "below 99.8%", False)
    assert less.direction == -1 and less.outside
    assert text.verdict_short(possible).key == "verdict_short.possible_higher"
    assert text.verdict_short(less).key == "verdict_short.lower"
    assert text.verdict_short(v).key == "verdict_short.same"
    assert text.verdict_short(None).key == "verdict_short.none"


def test_verdict_wording_by_outcome_kind_and_data_kind() -> None:
    entry = _entry(1.55, 1.77, 5.1, 6.8)
    within = judge("pph_1000", "within", True)
    syn = text.verdict_sentence("pph_1000", entry, within, "Västmanland", synthetic=True)
    assert syn.key == "verdict.none.synthetic"
    assert syn.values["spread"].key == "verdict.spread.adjusted"
    assert syn.values["position"].key == "position.within.adjusted"
    real = text.verdict_sentence("pph_1000", entry, judge("pph_1000", "above 99.8%", False), "västmanland", False)
    assert real.key == "verdict.clear.real" and real.values["position"].key == "position.above_998.exact"
    assert real.values["verb"].key == "verb.complication" and real.values["more"].key == "more.higher"
    assert real.values["phrase"] == "blödningar över 1000 ml" and real.values["region"] == "Västmanland"
    cs = text.verdict_sentence("emergency_cs", entry, judge("emergency_cs", "below 95%", True), "regionen", True)
    assert cs.key == "verdict.possible.synthetic" and cs.values["more"].key == "more.lower"
    assert cs.values["verb"].key == "verb.intervention"
    assert text.verdict_sentence("planned_cs", entry, Verdict("planned_cs", 0, 0, None, False), "X", False).key == (
        "verdict.unknown"
    )


@pytest.mark.parametrize(
    ("position", "adjusted", "key"),
    [
        (None, False, "position.none"),
        ("within", False, "position.within.exact"),
        ("within", True, "position.within.adjusted"),
        ("above 95%", True, "position.above_95.adjusted"),
        ("below 99.8%", False, "position.below_998.exact"),
    ],
)
def test_position_text(position: str | None, adjusted: bool, key: str) -> None:
    assert text.position_text(position, adjusted).key == key


def test_funnel_conclusion_names_outside_outcomes_and_differences_within_the_spread() -> None:
    outside = Verdict("oasis", 0, 1, "above 95%", False)
    within_shown = Verdict("pph_1000", 0, 0, "within", True)
    entries = {"pph_1000": _entry(1.04, 1.19, 0.7, 2.7), "oasis": None}
    verdicts = {"oasis": outside, "pph_1000": within_shown, "induction": None}
    s = text.funnel_conclusion(verdicts, entries, "Västmanland", True)
    assert s.key == "funnel.conclusion"
    first = s.values["first"]
    assert first.key == "funnel.outside.synthetic" and first.values["region"] == "Västmanland"
    assert "sfinkterskada" in first.values["positions"]
    expected_rest = text.texts(
        "funnel.within_but_shown.synthetic",
        outcome="blödning över 1000 ml",
        side=text.texts("funnel.side.higher"),
        position=text.position_text("within", True),
        spread=text.texts("funnel.spread.adjusted"),
    )
    assert s.values["rest"] == expected_rest
    inside = {"emergency_cs": _entry(0.9, 1.1, -1, 1)}
    alone = text.funnel_conclusion({"emergency_cs": Verdict("emergency_cs", 0, 0, "within", False)}, inside, "V", False)
    assert alone.key == "funnel.inside.real"
    one = text.texts(
        "outcome_position", outcome="sfinkterskada (bristning grad 3–4)", position=text.position_text("above 95%", False)
    )
    assert text.outside_limits({"oasis": outside}) == one
    assert text.outside_limits({}).key == "no_outcome"


def test_small_choices() -> None:
    assert text.unavailable([]).key == "unavailable.none"
    some = text.unavailable(["oasis"])
    assert some.key == "unavailable.some" and some.values["outcomes"].startswith("sfinkterskada")
    assert text.lead("robson_lead", True, region="Västmanland").key == "robson_lead.synthetic"
    assert text.lead("oe_lead", False).key == "oe_lead.real"
    assert text.below_or_number(0.0001).key == "below"
    assert text.below_or_number(0.0123) == "0,012"
    assert text.rank_phrase(3) == "tredje högst" and text.rank_phrase(None) == "" and text.rank_phrase(12) == ""
    assert text.published_rank("tredje högst").values == {"rank": "tredje högst"}
    assert text.published_rank("").key == "published_rank.unknown"
    assert text.tagged("Titel", True).values == {"title": "Titel"} and text.tagged("Titel", False) == "Titel"
    assert text.caption("oe", True).key == "caption.with_note"
    assert text.caption("missing", False).key == "caption.plain"
    assert text.published_caption(True).key == "published_caption.synthetic"
    assert text.count_or_mark(3) == "<5" and text.count_or_mark(0) == "0" and text.count_or_mark(1200) == "1\u00a0200"
