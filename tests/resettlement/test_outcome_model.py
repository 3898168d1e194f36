"""The outcome model fitted on recorded outcomes: it recovers the direction of known effects,
explains a score by its main terms, and reports every bad line by line, field and reason."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safepassage.resettlement import outcomes


def _generated_csv(rows: int = 1500, seed: int = 5) -> str:
    """Past arrivals where the truth is known: Lyon helps, Brest hurts, a medical need hurts,
    a larger share of adults helps."""
    rng = np.random.default_rng(seed)
    lines = ["children,adults,seniors,languages,needs,place,outcome"]
    for _ in range(rows):
        children, adults, seniors = int(rng.integers(0, 5)), int(rng.integers(1, 4)), int(
            rng.integers(0, 2))
        place = str(rng.choice(["Lyon", "Brest", "Rennes"]))
        medical = rng.random() < 0.3
        logit = (-0.2 + {"Lyon": 1.2, "Brest": -1.2, "Rennes": 0.0}[place]
                 - 1.5 * medical + 2.0 * adults / (children + adults + seniors))
        outcome = rng.random() < 1 / (1 + math.exp(-logit))
        lines.append(f"{children},{adults},{seniors},prs,{'medical_care' if medical else ''},"
                     f"{place},{'yes' if outcome else 'no'}")
    return "\n".join(lines) + "\n"


def test_the_fit_recovers_the_sign_of_each_known_effect() -> None:
    read = outcomes.read_csv(_generated_csv())
    assert read.rejected == []
    model = outcomes.fit(read.arrivals)
    c = model.coefficients
    assert c["place: Lyon"] > c["place: Rennes"] > c["place: Brest"]
    assert c["need: medical_care"] < 0
    assert c["share of adults"] > 0
    assert model.held_out_rows > 200
    assert model.held_out_auc is not None and model.held_out_auc > 0.65


def test_a_score_is_explained_by_its_main_terms() -> None:
    model = outcomes.fit(outcomes.read_csv(_generated_csv()).arrivals)
    family = {"children": 2, "adults": 2, "seniors": 0, "needs": frozenset({"medical_care"}),
              "speaks_language": True}
    lyon, brest = model.score(place="Lyon", **family), model.score(place="Brest", **family)
    assert 0 < brest < lyon < 1
    names = [name for name, _ in model.main_terms(place="Brest", **family)]
    assert "place: Brest" in names and "need: medical_care" in names


def test_bad_lines_are_reported_with_line_field_and_reason() -> None:
    text = ("children,adults,seniors,languages,needs,place,outcome\n"
            "1,2,0,prs,,Lyon,yes\n"
            "x,2,0,prs,,Lyon,yes\n"
            "0,0,0,prs,,Lyon,no\n"
            "1,2,0,prs,,,no\n"
            "1,2,0,prs,,Lyon,maybe\n")
    read = outcomes.read_csv(text)
    assert len(read.arrivals) == 1
    assert [(r.line, r.field) for r in read.rejected] == [
        (3, "children"), (4, "adults"), (5, "place"), (6, "outcome")]
    assert "yes or no" in read.rejected[-1].reason
    missing = outcomes.read_csv("children,adults\n1,2\n")
    assert [(r.line, r.field) for r in missing.rejected] == [(1, "seniors")]


def test_the_command_fits_a_file_and_refuses_one_it_cannot_learn_from(tmp_path: Path) -> None:
    good = tmp_path / "past.csv"
    good.write_text(_generated_csv(400) + "1,2,0,prs,,Lyon,perhaps\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("fit_outcome_model", str(good), "--out", str(tmp_path / "model.json"),
                 stdout=out, stderr=err)
    assert "Fitted on 400 rows (1 rejected)" in out.getvalue()
    assert "line 402, outcome: expected yes or no" in err.getvalue()
    assert '"place: Lyon"' in (tmp_path / "model.json").read_text()
    few = tmp_path / "few.csv"
    few.write_text("children,adults,seniors,languages,needs,place,outcome\n1,2,0,,,Lyon,yes\n",
                   encoding="utf-8")
    with pytest.raises(CommandError, match="At least 20 usable rows"):
        call_command("fit_outcome_model", str(few), stdout=io.StringIO(), stderr=io.StringIO())
