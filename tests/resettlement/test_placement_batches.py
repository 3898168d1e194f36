"""Weekly batches against the remaining capacity, each placement with its reasons, each family
left unplaced with why; staff override with a recorded reason."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from safepassage.resettlement import placing, services
from safepassage.resettlement.models import Offer
from tests.resettlement.conftest import ARRIVAL_DAY

pytestmark = pytest.mark.django_db


def test_a_batch_offers_each_family_to_its_best_admissible_place(
        arrived_case, resettler, make_place) -> None:
    lyon = make_place(name="Lyon", services=["medical_care"], languages=["prs"])
    brest = make_place(name="Brest", languages=["pus"])
    sick, far = arrived_case(name="Ahmadzai"), arrived_case(name="Safi", size=2)
    services.set_case_file(actor=resettler, case=sick, needs=["medical_care"], languages=["prs"])
    services.set_case_file(actor=resettler, case=far, languages=["prs"], ties=[brest])
    services.record_score(actor=resettler, case=far, place=lyon, score=0.9)
    services.record_score(actor=resettler, case=far, place=brest, score=0.2)

    batch = services.run_batch(actor=resettler, week_of=ARRIVAL_DAY)
    offers = {o.case: o for o in batch.offers.all()}
    assert offers[sick].place == lyon
    assert offers[sick].reasons == {"score": 1.0, "needs_met": ["medical_care"],
                                    "languages": ["prs"], "tie": False}
    # Ties bind (Brest) but Brest speaks no Dari: unplaced, with the reason.
    assert far not in offers
    assert [u["case"] for u in batch.unplaced] == [far.reference]
    assert "language" in batch.unplaced[0]["reason"]


def test_a_batch_fills_only_the_capacity_left(arrived_case, resettler, make_place) -> None:
    place = make_place(children=0, adults=4, seniors=0, units_medium=1, units_small=0)
    first, second = arrived_case(name="Ahmadzai", size=3), arrived_case(name="Safi", size=3)
    services.override_placement(actor=resettler, case=first, place=place, reason="Cousins")
    batch = services.run_batch(actor=resettler, week_of=ARRIVAL_DAY)
    assert not batch.offers.exists()
    assert [u["case"] for u in batch.unplaced] == [second.reference]
    # The optimiser's own words: "capacity gone" or "larger than any place can take".
    assert batch.unplaced[0]["reason"]


def test_an_override_needs_a_reason_and_room(arrived_case, resettler, make_place) -> None:
    full = make_place(adults=1)
    case = arrived_case(size=3)
    with pytest.raises(ValidationError, match="Say why this household goes"):
        services.override_placement(actor=resettler, case=case, place=make_place(), reason="")
    with pytest.raises(ValidationError, match="no room left for this household"):
        services.override_placement(actor=resettler, case=case, place=full, reason="Cousins")
    chosen = make_place(name="Rennes")
    batch = services.run_batch(actor=resettler, week_of=ARRIVAL_DAY)
    offered = batch.offers.get()
    override = services.override_placement(actor=resettler, case=case, place=chosen,
                                           reason="Her sister lives in Rennes")
    offered.refresh_from_db()
    assert offered.state == Offer.State.WITHDRAWN
    assert (override.place, override.override_reason) == (chosen, "Her sister lives in Rennes")


def test_a_family_takes_a_housing_unit_at_least_its_size(arrived_case, resettler,
                                                        make_place) -> None:
    place = make_place(units_small=1, units_medium=0, units_large=0)
    couple, family = arrived_case(name="Ahmadzai", size=2), arrived_case(name="Safi", size=4)
    batch = services.run_batch(actor=resettler, week_of=ARRIVAL_DAY)
    assert [(o.case, o.place) for o in batch.offers.all()] == [(couple, place)]
    assert [u["case"] for u in batch.unplaced] == [family.reference]


def test_families_are_never_split_and_capacity_holds_in_every_dimension() -> None:
    instance = {
        "families": [{"id": "F1", "members": {"children": 2, "adults": 2, "seniors": 1},
                      "needs": [], "languages": [], "ties": []},
                     {"id": "F2", "members": {"children": 0, "adults": 2, "seniors": 0},
                      "needs": [], "languages": [], "ties": []}],
        "places": [{"id": "P1", "capacity": {"children": 2, "adults": 3, "seniors": 0},
                    "services": [], "languages": []}],
        "scores": [{"family": "F1", "place": "P1", "score": 0.9},
                   {"family": "F2", "place": "P1", "score": 0.3}],
    }
    result = placing.place(instance)
    assert result["assignments"] == [{"family": "F2", "place": "P1"}]
    assert [u["family"] for u in result["unplaced"]] == ["F1"]
