"""The appendix pages' texts and labels from ``book/text/appendix.sv.yml``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from analysis.births.contract import Column
from analysis.common.text import Sentence, Texts

TEXTS = Texts("appendix")


def label(key: str) -> str:
    """A heading or cell label (``type.int``, ``direction.same`` …)."""
    return str(TEXTS(key))


def allowed(column: Column) -> str:
    """What a column may hold, in Swedish; listed values and boolean spellings stay as the file must contain them."""
    if column.allowed is not None or column.kind == "bool":
        return column.allowed_text()
    if column.kind == "code":
        key = f"allowed.code.{column.digits}"
        return label(key) if TEXTS.has(key) else str(TEXTS("allowed.code_digits", digits=column.digits))
    if column.minimum is not None or column.maximum is not None:
        lo = "" if column.minimum is None else f"{column.minimum:g}"
        hi = "" if column.maximum is None else f"{column.maximum:g}"
        kind = "range_int" if column.kind == "int" else "range_float"
        return str(TEXTS(f"allowed.{kind}", range=f"{lo}–{hi}".rstrip("–")))
    return label("allowed.free_text")


def weaker_list(labels: Sequence[str]) -> Sentence:
    """The indicators whose direction is weaker or opposite, or "none"."""
    if not labels:
        return TEXTS("weaker_list.none")
    return TEXTS("weaker_list.some", labels=", ".join(labels))


def source_year(year: str, quality: str) -> str:
    """``2023, publicerad``: the published figure's year (ranges with a dash) and its quality."""
    year_sv = year.replace("(not stated)", label("not_stated")).replace("-", "–")
    return str(TEXTS("source_year", year=year_sv, quality=quality))


def gaps_caption(region: str) -> Sentence:
    return TEXTS("gaps_caption", region=region)


def register_notice() -> tuple[str, str]:
    """Title and body of the notice shown instead of the calibration table on a register extract."""
    return label("register_notice.title"), label("register_notice.body")


# ----------------------------------------------------------------------------------------------- Antaganden


def unit_label(unit: str, group: str = "assumption_unit") -> str:
    """The Swedish unit of an assumption (``assumption_unit``) or of a headline figure (``metric_unit``)."""
    return label(f"{group}.{unit}")


def source_cell(key: str, source: str, estimate: bool, reason_sv: str) -> Sentence:
    """``<em>source.</em> reason``: "antagande" for an estimate, a reader's wording where the file's is not one."""
    override = f"assumption_source.overrides.{key}"
    shown = label(override) if TEXTS.has(override) else label("assumption_source.estimate") if estimate else source
    return TEXTS("assumption_source.cell", source=shown[:1].upper() + shown[1:], reason=reason_sv)


def moves_cell(fixed: bool, read: bool, metrics: Sequence[tuple[str, Sequence[tuple[str, str, str]]]]) -> str:
    """The headline figures an assumption moves: one line per metric, ``row low / high`` per option row.

    ``metrics``: (metric label with unit, [(row, change at low, change at high), ...]), already formatted.
    """
    if not read:
        return label("assumption_moves.not_read")
    if fixed:
        return label("assumption_moves.fixed")
    if not metrics:
        return label("assumption_moves.none")
    sep = label("assumption_moves.row_sep")
    lines = [
        str(TEXTS("assumption_moves.metric", metric=name,
                  changes=sep.join(str(TEXTS("assumption_moves.change", row=r, low=lo, high=hi)) for r, lo, hi in rows)))
        for name, rows in metrics
    ]  # fmt: skip
    return "<br>".join([label("assumption_moves.lead"), *lines])


def travel_labels() -> dict[str, dict[str, str]]:
    """Swedish label and reason of every travel assumption the page lists (``assumption_label.<section.key>``)."""
    names = {k.rsplit(".", 1)[0] for k in TEXTS.templates() if k.startswith("assumption_label.")}
    return {n.removeprefix("assumption_label."): {"label": label(f"{n}.label"), "reason": label(f"{n}.reason")} for n in names}


def bmm_model(towns: str, min_vc: str, resolution: str) -> Sentence:
    return TEXTS("method.bmm_model", towns=towns, min_vc=min_vc, resolution=resolution)


def absence_example(p: str, shares: Sequence[str], days: Sequence[str]) -> Sentence:
    """Days without a midwife for one, two and three midwives: p, p², p³ of the open days."""
    return TEXTS("method.absence_example", p=p, p1=shares[0], p2=shares[1], p3=shares[2], d1=days[0], d2=days[1], d3=days[2])


def cover_model(
    samverkan: Mapping[str, str] | None, branches: Mapping[str, str] | None, last_resort: Mapping[str, str] | None
) -> str:
    """How absence is covered: samverkan (A), branches staffed from a hub, last-resort units; each only when some option has it."""
    parts = []
    if samverkan is not None:
        n = int(samverkan["n"])
        partners = TEXTS(f"method.partners.{'one' if n == 1 else 'many'}", n=samverkan["n"])
        parts.append(str(TEXTS("method.samverkan", partners=partners, **{k: v for k, v in samverkan.items() if k != "n"})))
    if branches is not None:
        parts.append(str(TEXTS("method.branches", **branches)))
    if last_resort is not None:
        parts.append(str(TEXTS("method.last_resort", **last_resort)))
    return " ".join(parts)


def occupancy(occupancy: str, low: str, high: str) -> Sentence:
    return TEXTS("method.occupancy", occupancy=occupancy, low=low, high=high)


def share_target(target: str, low: str, high: str) -> Sentence:
    return TEXTS("method.target", target=target, low=low, high=high)
