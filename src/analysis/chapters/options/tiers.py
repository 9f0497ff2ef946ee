"""The comparison rule of the book: options grouped into tiers per measure.

Two options are in different tiers only if one is better than the other by more than the
measure's tolerance (the model's resolution) in the base case *and* under every single-assumption
change (the same assumption changed for both: a paired comparison). Every pair is compared, not
only the best with the runner-up.

Tiers are cut in the ranking by base value: a cut between positions k and k+1 is made only where
every option above it is clearly better than every option below it, so that any two options in
different tiers differ clearly. With one tier every option is ``equal``; with two, ``best`` and
``worst``; with more, the tiers between are ``middle``. When no cut is possible although some pair
differs clearly (an option that cannot be told apart from two options that differ), the measure is
``unclear`` for every option: no order is claimed.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

TIER_WORDS = ("best", "middle", "worst", "equal", "unclear")


@dataclass(frozen=True)
class Tiering:
    """Tiers of one measure: ``tier[row]`` is a word of :data:`TIER_WORDS`, ``rank[row]`` 1 = best tier."""

    tier: Mapping[str, str]
    rank: Mapping[str, int]
    clearly_better: frozenset[tuple[str, str]]  # (a, b): a is clearly better than b

    @property
    def n_tiers(self) -> int:
        return max(self.rank.values(), default=0)


def clearly_better(a: Sequence[float], b: Sequence[float], tolerance: float, sign: int) -> bool:
    """True when ``a`` beats ``b`` by more than ``tolerance`` in every paired scenario.

    ``a`` and ``b`` hold the measure in the same scenarios (base first, then one assumption changed
    at a time); ``sign`` is +1 when higher is better and −1 when lower is better.
    """
    diff = (np.asarray(a, dtype=float) - np.asarray(b, dtype=float)) * sign
    return bool(np.all(diff > tolerance))


def tiers(scenarios: Mapping[str, Sequence[float]], tolerance: float, sign: int) -> Tiering:
    """Group the rows (options or option cases) of one measure into tiers (see the module docstring).

    ``scenarios[row]`` lists the measure's values in the base case first and then under each
    single-assumption change, in the same order for every row.
    """
    rows = list(scenarios)
    better = frozenset(
        (a, b) for a in rows for b in rows if a != b and clearly_better(scenarios[a], scenarios[b], tolerance, sign)
    )
    order = sorted(rows, key=lambda r: (-sign * float(scenarios[r][0]), rows.index(r)))
    cuts = [k for k in range(1, len(order)) if all((a, b) in better for a in order[:k] for b in order[k:])]
    if not cuts:
        word = "unclear" if better else "equal"
        return Tiering({r: word for r in rows}, {r: 1 for r in rows}, better)
    bounds = [0, *cuts, len(order)]
    groups = [order[lo:hi] for lo, hi in itertools.pairwise(bounds)]
    tier: dict[str, str] = {}
    rank: dict[str, int] = {}
    for i, group in enumerate(groups):
        word = "best" if i == 0 else "worst" if i == len(groups) - 1 else "middle"
        for r in group:
            tier[r], rank[r] = word, i + 1
    return Tiering({r: tier[r] for r in rows}, {r: rank[r] for r in rows}, better)
