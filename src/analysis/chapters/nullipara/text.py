"""Fills the page's sentence templates (``book/text/nullipara.sv.yml``).

Each function *chooses* a template and passes already formatted values; the wording
lives in the YAML file. Every function returns a ``Sentence`` (a str that remembers
its template key and values), so tests check the choice, not the words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from analysis.chapters.nullipara.labels import outcome_kinds, outcome_label, phrase
from analysis.chapters.nullipara.verdicts import Verdict, judge, judge_stored
from analysis.common.disclosure import threshold
from analysis.common.formatting import sv_list, sv_number
from analysis.common.text import Sentence, Texts, by_sign

texts = Texts("nullipara")

_POSITION_KEYS: dict[str, str] = {
    "above 95%": "above_95",
    "below 95%": "below_95",
    "above 99.8%": "above_998",
    "below 99.8%": "below_998",
}


def framing(synthetic: bool) -> str:
    """The variant of a sentence: worded for the synthetic cohort or for a register extract."""
    return "synthetic" if synthetic else "real"


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def signed(value: float | None, decimals: int = 1) -> str:
    """Signed Swedish number: '+1,2', '−0,4', '0,0' (never '−0,0')."""
    if value is None or not np.isfinite(value):
        return "–"
    if round(value, decimals) == 0:
        value = 0.0
    text = sv_number(value, decimals)
    return "+" + text if round(value, decimals) > 0 else text


def p_value(p: float | None) -> str:
    """'< 0,001' or the p-value with three decimals; '–' when unknown."""
    if p is None or not np.isfinite(p):
        return "–"
    return "<\u00a00,001" if p < 0.001 else sv_number(p, 3)


def p_phrase(p: float) -> Sentence:
    """'p < 0,001' or 'p = 0,123' for the prose."""
    return texts("p_value.small" if p < 0.001 else "p_value.other", p=p_value(p))


def lead(key: str, synthetic: bool, **values: Any) -> Sentence:
    """A paragraph's lead-in (crude_lead, oe_lead, robson_lead …), framed by the data kind."""
    return texts(f"{key}.{framing(synthetic)}", **values)


def tagged(title: str, synthetic: bool) -> str:
    """A chart or table title marked '(syntetiska data)' when the cohort is synthetic."""
    return texts("tagged", title=title) if synthetic else title


def caption(name: str, synthetic: bool) -> Sentence:
    """The caption of table ``name``: its title (marked when synthetic), then its note if any."""
    head = tagged(texts(f"table.{name}.title"), synthetic)
    note = texts(f"table.{name}.note")
    return texts("caption.with_note", head=head, note=note) if note else texts("caption.plain", head=head)


def chart_title(name: str, synthetic: bool) -> str:
    return tagged(texts(f"chart.{name}"), synthetic)


def position_text(position: str | None, adjusted: bool) -> Sentence:
    """Funnel position in Swedish, naming the adjusted limits when those are the ones judged against."""
    if position is None:
        return texts("position.none")
    key = "within" if position == "within" else _POSITION_KEYS[position]
    return texts(f"position.{key}.{'adjusted' if adjusted else 'exact'}")


def verdict_short(v: Verdict | None) -> Sentence:
    """Two or three words for a table column ('tydligt fler än förväntat', …)."""
    if v is None or v.strength == "unknown":
        return texts("verdict_short.none")
    if v.strength == "possible":
        return texts(f"verdict_short.possible_{by_sign(v.signal)}")
    return texts(f"verdict_short.{by_sign(v.direction)}")


def oe_interval(entry: Mapping[str, Any]) -> Sentence:
    return texts(
        "interval.oe",
        oe=sv_number(entry["oe"], 2),
        low=sv_number(entry["oe_low"], 2),
        high=sv_number(entry["oe_high"], 2),
    )


def verdict_sentence(key: str, entry: Mapping[str, Any], v: Verdict, region_label: str, synthetic: bool) -> Sentence:
    """One conclusion sentence from the book's rule (``verdicts``), worded for interventions or complications."""
    if v.strength == "unknown":
        return texts("verdict.unknown", interval=oe_interval(entry))
    sign = v.direction or v.signal
    values = {
        "verb": texts(f"verb.{outcome_kinds().get(key, 'intervention')}"),
        "region": region_label if synthetic else capitalised(region_label),
        "more": texts(f"more.{by_sign(sign)}") if sign else "",
        "phrase": phrase(key),
        "interval": oe_interval(entry),
        "position": position_text(v.position, v.adjusted),
        "spread": texts(f"verdict.spread.{'adjusted' if v.adjusted else 'exact'}"),
    }
    return texts(f"verdict.{v.strength}.{framing(synthetic)}", **values)


def secondary_sentence(entry: Mapping[str, Any] | None, synthetic: bool) -> Sentence:
    """The labelled secondary PPH analysis (also adjusted for mode of delivery and onset), judged by the same rule."""
    if not entry:
        return texts("secondary.none")
    v = judge_stored(str(entry["outcome"]), entry["verdict"])
    return texts(
        f"secondary.shown.{framing(synthetic)}",
        phrase=phrase(str(entry["outcome"])),
        interval=oe_interval(entry),
        position=position_text(v.position if v else None, v.adjusted if v else False),
        verdict=verdict_short(v),
    )


def _pp_interval(entry: Mapping[str, Any], part: str) -> Sentence:
    return texts("interval.pp", low=signed(entry[part + "_low"]), high=signed(entry[part + "_high"]))


def decomposition_sentence(
    key: str,
    entry: Mapping[str, Any] | None,
    verdict: Verdict | None = None,
    region_label: str = "regionen",
    synthetic: bool = False,
) -> Sentence:
    """How much of the gap is case mix, how much remains (practice), then the verdict.

    Without a funnel position (``verdict`` None) no difference is claimed.
    """
    if entry is None:
        return texts("decomposition.not_run")
    if entry.get("suppressed") or entry.get("gap") is None:
        return texts("decomposition.too_few", limit=threshold())
    split = texts(
        f"decomposition.split.{framing(synthetic)}",
        phrase=phrase(key),
        gap=signed(entry["gap"]),
        gap_ci=_pp_interval(entry, "gap"),
        casemix=signed(entry["casemix_part"]),
        casemix_ci=_pp_interval(entry, "casemix_part"),
        practice=signed(entry["practice_part"]),
        practice_ci=_pp_interval(entry, "practice_part"),
    )
    v = verdict if verdict is not None else judge(key, None)
    return texts("decomposition.sentence", split=split, verdict=verdict_sentence(key, entry, v, region_label, synthetic))


def outcome_list(keys: Sequence[str]) -> Sentence | str:
    """Outcomes in lower case separated by commas, or 'inget utfall'."""
    return ", ".join(outcome_label(k).lower() for k in keys) if keys else texts("no_outcome")


def unavailable(keys: Sequence[str]) -> Sentence:
    if not keys:
        return texts("unavailable.none")
    return texts("unavailable.some", outcomes=", ".join(outcome_label(k).lower() for k in keys))


def _interval_excludes_one(entry: Mapping[str, Any] | None) -> int:
    """+1/−1 when the unrounded O/E interval lies above/below one, else 0."""
    if not entry or entry.get("oe_low") is None or entry.get("oe_high") is None:
        return 0
    return 1 if entry["oe_low"] > 1 else (-1 if entry["oe_high"] < 1 else 0)


def funnel_conclusion(
    verdicts: Mapping[str, Verdict | None],
    entries: Mapping[str, Mapping[str, Any] | None],
    region_label: str,
    synthetic: bool,
) -> Sentence:
    """Where the region lies in the funnels, then outcomes whose O/E interval excludes one but lie within the limits."""
    variant = framing(synthetic)
    outside = [
        texts("outcome_position", outcome=outcome_label(k).lower(), position=position_text(v.position, v.adjusted))
        for k, v in verdicts.items()
        if v is not None and v.outside
    ]
    first = texts(f"funnel.{'outside' if outside else 'inside'}.{variant}", region=region_label, positions=sv_list(outside))
    rest = [
        texts(
            f"funnel.within_but_shown.{variant}",
            outcome=outcome_label(k).lower(),
            side=texts(f"funnel.side.{by_sign(_interval_excludes_one(entries.get(k)))}"),
            position=position_text(v.position, v.adjusted),
            spread=texts(f"funnel.spread.{'adjusted' if v.adjusted else 'exact'}"),
        )
        for k, v in verdicts.items()
        if v is not None and not v.outside and _interval_excludes_one(entries.get(k)) != 0
    ]
    return texts("funnel.conclusion", first=first, rest=" ".join(rest)) if rest else first


def outside_limits(verdicts: Mapping[str, Verdict | None]) -> Sentence | str:
    """'oasis (över 95 %-gränsen); …' or 'inget utfall'."""
    items = [
        texts("outcome_position", outcome=outcome_label(k).lower(), position=position_text(v.position, v.adjusted))
        for k, v in verdicts.items()
        if v is not None and v.outside
    ]
    return "; ".join(items) if items else texts("no_outcome")


def number_range(values: Sequence[float]) -> Sentence | str:
    """'1 000' when all values agree, '1 000–4 000' otherwise; '–' when there are none."""
    if not values:
        return "–"
    low, high = min(values), max(values)
    return sv_number(low) if low == high else texts("range", low=sv_number(low), high=sv_number(high))


def below_or_number(value: float, limit: float = 0.0005, decimals: int = 3) -> str:
    """The largest difference: 'mindre än 0,001' when it rounds away, else the number."""
    return texts("below", limit=sv_number(0.001, decimals)) if value < limit else sv_number(value, decimals)


def published_caption(synthetic: bool) -> Sentence:
    """Caption of the published table: no single source, year or denominator is claimed for all rows."""
    return texts(f"published_caption.{framing(synthetic)}")


def rank_phrase(rank: int | None) -> str:
    """'tredje högst' for rank 3; '' when the rank is unknown or has no wording."""
    key = f"rank.{rank}"
    return texts(key) if rank is not None and texts.has(key) else ""


def published_rank(rank: str) -> Sentence:
    """', tredje högst i landet' for the prose, or '' when the rank is not given."""
    return texts("published_rank.known", rank=rank) if rank else texts("published_rank.unknown")


def suppressed_mark() -> str:
    """What a hidden small count shows: '<5'."""
    return f"<{threshold()}"


def count_or_mark(count: float | int, total: float | int | None = None) -> str:
    """A count of women, '<5' when it (or the rest of a shown ``total``) is 1–4; a zero reveals nothing and is shown."""
    rest = None if total is None else total - count
    small = 0 < count < threshold() or (rest is not None and 0 < rest < threshold())
    return suppressed_mark() if small else sv_number(count)
