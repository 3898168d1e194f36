"""Pairwise precision, recall and F1 of a clustering against known truth (the benchmark's and
the tests' measure: every pair of records put together, or left apart, counts once)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class PairwiseScore:
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def pairwise_score(clusters: pd.Series, truth: pd.Series) -> PairwiseScore:
    """`clusters` and `truth` are aligned: predicted cluster id and true entity per record."""
    frame = pd.DataFrame({"c": clusters.to_numpy(), "t": truth.to_numpy()})
    return PairwiseScore(
        true_pairs=_pairs(frame.groupby("t").size()),
        predicted_pairs=_pairs(frame.groupby("c").size()),
        correct_pairs=_pairs(frame.groupby(["c", "t"]).size()),
    )
