"""An explainable outcome model fitted on recorded outcomes (issue 20, item 4; decision 0067).

No database here. A CSV of past arrivals, one household a line (children, adults, seniors,
languages, needs, place, outcome at 90 days), is read with every bad line reported by line,
field and reason (never an exception), and a logistic regression (scikit-learn) is fitted on
named terms: the family's make-up, its needs, the place, and whether the place speaks one of the
family's languages. Its coefficients are the model: they give the expected outcome of any
family at any place, and the terms that weigh most say why.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

COLUMNS = ("children", "adults", "seniors", "languages", "needs", "place", "outcome")
YES = {"yes", "y", "1", "true", "employed"}
NO = {"no", "n", "0", "false", "not employed"}
HELD_OUT = 0.25  # the share of the rows kept apart to measure the model
MOST_REJECTS = 1000  # rejected lines reported in full; the count is always given


@dataclass(frozen=True)
class Arrival:
    """One past household and its outcome at 90 days (1 yes, 0 no)."""

    children: int
    adults: int
    seniors: int
    languages: frozenset[str]
    needs: frozenset[str]
    place: str
    outcome: int


@dataclass(frozen=True)
class Rejected:
    line: int
    field: str
    reason: str


@dataclass
class ReadResult:
    arrivals: list[Arrival] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    rejected_count: int = 0


def _split(text: str) -> frozenset[str]:
    return frozenset(x.strip() for x in text.replace(",", ";").split(";") if x.strip())


def read_csv(text: str) -> ReadResult:
    """The arrivals of a CSV text; each bad line reported with its line number, the field and
    the reason (the header is line 1), and left out."""
    result = ReadResult()

    def reject(line: int, name: str, reason: str) -> None:
        result.rejected_count += 1
        if len(result.rejected) < MOST_REJECTS:
            result.rejected.append(Rejected(line, name, reason))

    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        reject(1, missing[0], "missing column; the header must name "
               + ", ".join(COLUMNS))
        return result
    reader.fieldnames = header
    for number, row in enumerate(reader, start=2):
        counts: dict[str, int] = {}
        bad = False
        for name in ("children", "adults", "seniors"):
            raw = (row.get(name) or "").strip()
            if not raw.isdigit():
                reject(number, name, "expected a whole number of at least 0")
                bad = True
                break
            counts[name] = int(raw)
        if bad:
            continue
        if sum(counts.values()) == 0:
            reject(number, "adults", "a household has at least one person")
            continue
        place = (row.get("place") or "").strip()
        if not place:
            reject(number, "place", "the place the household went to is required")
            continue
        outcome = (row.get("outcome") or "").strip().lower()
        if outcome not in YES | NO:
            reject(number, "outcome", "expected yes or no (the outcome at 90 days)")
            continue
        result.arrivals.append(Arrival(
            children=counts["children"], adults=counts["adults"], seniors=counts["seniors"],
            languages=_split(row.get("languages") or ""), needs=_split(row.get("needs") or ""),
            place=place, outcome=1 if outcome in YES else 0))
    return result


@dataclass
class OutcomeModel:
    """A fitted logistic regression on named terms: the model's whole content."""

    intercept: float
    coefficients: dict[str, float]
    rows: int
    held_out_rows: int
    held_out_accuracy: float
    held_out_auc: float | None  # None when the held-out rows have one outcome only

    def terms(self, *, children: int, adults: int, seniors: int, needs: frozenset[str],
              place: str, speaks_language: bool) -> dict[str, float]:
        """Each term's contribution to the log-odds for this family at this place."""
        values = _features(children, adults, seniors, needs, place, speaks_language)
        return {name: self.coefficients[name] * x for name, x in values.items()
                if name in self.coefficients and x != 0}

    def score(self, **family_at_place: Any) -> float:
        """The expected outcome (probability of a 'yes' at 90 days)."""
        logit = self.intercept + sum(self.terms(**family_at_place).values())
        return 1.0 / (1.0 + math.exp(-logit))

    def main_terms(self, most: int = 3, **family_at_place: Any) -> list[tuple[str, float]]:
        """The terms that move this family's score at this place most, largest first."""
        terms = self.terms(**family_at_place)
        return sorted(terms.items(), key=lambda t: -abs(t[1]))[:most]

    def as_json(self) -> dict[str, Any]:
        return {"intercept": self.intercept, "coefficients": self.coefficients,
                "rows": self.rows, "held_out_rows": self.held_out_rows,
                "held_out_accuracy": self.held_out_accuracy, "held_out_auc": self.held_out_auc}


def _features(children: int, adults: int, seniors: int, needs: frozenset[str], place: str,
              speaks_language: bool) -> dict[str, float]:
    size = children + adults + seniors
    values = {
        "persons": float(size),
        "share of adults": adults / size if size else 0.0,
        "has children": float(children > 0),
        "has seniors": float(seniors > 0),
        "place speaks its language": float(speaks_language),
        f"place: {place}": 1.0,
    }
    for need in needs:
        values[f"need: {need}"] = 1.0
    return values


class NotEnoughRows(ValueError):
    """Too few usable rows, or a single outcome: nothing to learn from."""


def fit(arrivals: list[Arrival], *, place_languages: dict[str, frozenset[str]] | None = None,
        seed: int = 0) -> OutcomeModel:
    """Fit the model on the arrivals (a random quarter held out to measure it, then refitted on
    all). `place_languages` says which languages each place speaks, when known."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    outcomes = {a.outcome for a in arrivals}
    if len(arrivals) < 20 or len(outcomes) < 2:
        raise NotEnoughRows("At least 20 usable rows with both outcomes (yes and no) are needed "
                            "to fit a model.")
    place_languages = place_languages or {}
    rows = []
    for a in arrivals:
        spoken = place_languages.get(a.place, frozenset())
        rows.append(_features(a.children, a.adults, a.seniors, a.needs, a.place,
                              bool(a.languages & spoken)))
    names = sorted({name for row in rows for name in row})
    x = np.array([[row.get(name, 0.0) for name in names] for row in rows])
    y = np.array([a.outcome for a in arrivals])
    rng = np.random.default_rng(seed)
    held = rng.random(len(arrivals)) < HELD_OUT
    if len(set(y[~held].tolist())) < 2 or held.sum() == 0:
        held = np.zeros(len(arrivals), dtype=bool)
        held[rng.permutation(len(arrivals))[: max(1, len(arrivals) // 4)]] = True
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit(x[~held], y[~held])
    predicted = model.predict_proba(x[held])[:, 1]
    accuracy = float(((predicted >= 0.5) == y[held]).mean())
    auc = (float(roc_auc_score(y[held], predicted)) if len(set(y[held].tolist())) == 2
           else None)
    model.fit(x, y)  # the model kept uses every row
    return OutcomeModel(
        intercept=float(model.intercept_[0]),
        coefficients={name: float(c) for name, c in zip(names, model.coef_[0], strict=True)},
        rows=len(arrivals), held_out_rows=int(held.sum()), held_out_accuracy=accuracy,
        held_out_auc=auc)
