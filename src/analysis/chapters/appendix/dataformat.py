"""The data-contract page's content: required and optional columns and the consistency rules."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.births.contract import CONSISTENCY_RULES, CONTRACT, Column


@dataclass(frozen=True)
class Rule:
    id: str
    text_sv: str


@dataclass(frozen=True)
class Contract:
    required: tuple[Column, ...]
    optional: tuple[Column, ...]
    rules: tuple[Rule, ...]


def contract(columns: tuple[Column, ...] = CONTRACT) -> Contract:
    """The contract split into required and optional columns (contract order) and its rules."""
    return Contract(
        required=tuple(c for c in columns if c.required),
        optional=tuple(c for c in columns if not c.required),
        rules=tuple(Rule(rule_id, sv) for rule_id, sv, _ in CONSISTENCY_RULES),
    )
