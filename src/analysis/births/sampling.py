"""Small sampling helpers of the synthetic cohort generator: logistic link, calibrating shifts, categorical draws."""

from __future__ import annotations

import numpy as np


def expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def solve_shift(lp: np.ndarray, mask: np.ndarray, group: np.ndarray, target: np.ndarray, n_groups: int) -> np.ndarray:
    """Per-group logit shifts b so that sum over masked rows of expit(lp + b) equals target (Newton)."""
    shift = np.zeros(n_groups)
    g = group[mask]
    base = lp[mask]
    for _ in range(60):
        p = expit(base + shift[g])
        f = np.bincount(g, weights=p, minlength=n_groups) - target
        d = np.bincount(g, weights=p * (1 - p), minlength=n_groups)
        step = np.where(d > 1e-9, f / np.maximum(d, 1e-9), 0.0)
        shift -= np.clip(step, -2.0, 2.0)
        if np.all(np.abs(step) < 1e-10):
            break
    return shift


def draw_categorical(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One category index per row from row-wise probabilities (rows sum to 1)."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs))[:, None]
    return np.minimum((u > cum).sum(axis=1), probs.shape[1] - 1)
