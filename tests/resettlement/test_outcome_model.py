"""The outcome model fitted on recorded outcomes: it recovers the direction of known effects,
explains a score by its main terms, and reports every bad line by line, field and reason."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from safepassage.resettlement import outcomes, services
from safepassage.resettlement.models import OutcomeModel
from tests.conftest import sign_in
from tests.resettlement.conftest import ARRIVAL_DAY


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


@pytest.mark.django_db
def test_a_fitted_model_is_kept_as_the_next_version_with_who_and_its_figures(
        resettler) -> None:
    first = services.fit_outcome_model(actor=resettler, text=_generated_csv(300),
                                       source_name="past.csv")
    second = services.fit_outcome_model(
        actor=resettler, text=_generated_csv(300, seed=6) + "1,2,0,prs,,Lyon,perhaps\n")
    assert (first.version, second.version) == (1, 2)
    assert (second.fitted_by, second.rows, second.rejected_count) == (resettler, 300, 1)
    assert second.rejected == [{"line": 302, "field": "outcome",
                                "reason": "expected yes or no (the outcome at 90 days)"}]
    assert second.held_out_auc is not None and 0 < second.held_out_accuracy <= 1
    assert second.coefficients["place: Lyon"] > second.coefficients["place: Brest"]
    with pytest.raises(ValidationError, match="At least 20 usable lines"):
        services.fit_outcome_model(actor=resettler, text="children,adults\n1,2\n")


@pytest.mark.django_db
def test_a_batch_scores_households_staff_did_not_score_by_the_model(
        arrived_case, resettler, make_place) -> None:
    lyon, brest = make_place(name="Lyon", adults=3), make_place(name="Brest", adults=3)
    services.fit_outcome_model(actor=resettler, text=_generated_csv())
    modelled, scored = arrived_case(name="Ahmadzai", size=3), arrived_case(name="Safi", size=3)
    services.record_score(actor=resettler, case=scored, place=brest, score=0.99)
    services.record_score(actor=resettler, case=scored, place=lyon, score=0.01)

    batch = services.run_batch(actor=resettler, week_of=ARRIVAL_DAY)

    offers = {o.case: o for o in batch.offers.all()}
    assert offers[modelled].place == lyon  # the model's better place
    assert 0 < offers[modelled].score < 1
    version, *terms = offers[modelled].reasons["outcome_model"]
    assert version == ["model v1", pytest.approx(offers[modelled].score)]
    assert "place: Lyon" in [name for name, _ in terms]
    # Staff's scores are kept where given: no model term in those reasons.
    assert offers[scored].place == brest and "outcome_model" not in offers[scored].reasons


@pytest.mark.django_db
def test_the_overview_shows_the_models_main_terms_beside_an_offer(
        client, arrived_case, resettler, make_place) -> None:
    make_place(name="Lyon", adults=3)
    services.fit_outcome_model(actor=resettler, text=_generated_csv())
    arrived_case(name="Ahmadzai", size=3)
    services.run_batch(actor=resettler, week_of=ARRIVAL_DAY)
    sign_in(client, resettler)
    page = client.get("/resettlement/").content.decode()
    assert "model v1" in page and "place: Lyon" in page


@pytest.mark.django_db
def test_the_command_keeps_the_model_for_a_staff_member(tmp_path: Path, resettler) -> None:
    good = tmp_path / "past.csv"
    good.write_text(_generated_csv(400), encoding="utf-8")
    out = io.StringIO()
    call_command("fit_outcome_model", str(good), "--user", resettler.username, stdout=out,
                 stderr=io.StringIO())
    assert "Outcome model version 1 kept: 400 rows" in out.getvalue()
    kept = OutcomeModel.objects.get()
    assert (kept.source_name, kept.source_text) == ("past.csv", good.read_text())


@pytest.mark.django_db
def test_staff_fit_the_model_from_a_page_and_see_its_figures_and_rejected_lines(
        client, resettler) -> None:
    sign_in(client, resettler)
    text = _generated_csv(300) + "x,2,0,prs,,Lyon,yes\n"
    response = client.post("/resettlement/outcome-model/",
                           {"file": SimpleUploadedFile("past.csv", text.encode())}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Outcome model version 1 fitted on 300 rows (1 lines rejected)." in page
    assert "place: Lyon" in page and "<td>302</td><td>children</td>" in page
    # A file that is not UTF-8, or one nothing can be learnt from: the reason, never a 500.
    bad = client.post("/resettlement/outcome-model/",
                      {"file": SimpleUploadedFile("past.csv", "é".encode("latin-1") * 50)})
    assert bad.status_code == 200 and "not UTF-8 text" in bad.content.decode()
    few = client.post("/resettlement/outcome-model/",
                      {"file": SimpleUploadedFile("few.csv", b"children,adults\n1,2\n")})
    assert few.status_code == 200 and "At least 20 usable lines" in few.content.decode()
    assert OutcomeModel.objects.count() == 1
