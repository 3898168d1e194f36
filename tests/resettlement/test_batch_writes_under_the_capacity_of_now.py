"""A weekly batch solves with no lock held and writes its offers against the capacity of the
moment it writes them: a change made while the optimiser ran is respected (decision 0065)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from safepassage.registry.models import Case
from safepassage.resettlement import placement, placing, services
from safepassage.resettlement.models import Offer, Place
from safepassage.resettlement.selectors import remaining_capacity
from tests.resettlement.conftest import ARRIVAL_DAY

pytestmark = pytest.mark.django_db


def _while_solving(monkeypatch: pytest.MonkeyPatch,
                   meanwhile: Callable[[dict[str, Any]], None]) -> None:
    """The real optimiser, with something another member of staff does while it runs (given
    what the optimiser is about to return)."""

    def solve(instance: dict[str, Any]) -> dict[str, Any]:
        result = placement.place(instance)
        meanwhile(result)
        return result

    monkeypatch.setattr(placing, "optimiser", lambda: solve)


def test_an_override_made_while_the_batch_ran_keeps_its_room(
        arrived_case, resettler, make_place, monkeypatch) -> None:
    # Room for one household of three (one medium unit, four adults).
    place = make_place(children=0, adults=4, seniors=0, units_small=0, units_medium=1,
                       units_large=0)
    first, second = arrived_case(name="Ahmadzai", size=3), arrived_case(name="Safi", size=3)
    picked: list[Case] = []

    def staff_offer_the_other_one(result: dict[str, Any]) -> None:
        # Whichever household the batch is about to offer, staff give the room to the other.
        [assignment] = result["assignments"]
        picked.append(first if assignment["family"] == first.pk else second)
        other = second if picked[0] == first else first
        services.override_placement(actor=resettler, case=other, place=place,
                                    reason="Her brother lives there")

    _while_solving(monkeypatch, staff_offer_the_other_one)
    batch = services.run_batch(actor=resettler, week_of=ARRIVAL_DAY)

    live = Offer.objects.filter(place=place, state__in=[Offer.State.OFFERED,
                                                        Offer.State.HELD,
                                                        Offer.State.ACCEPTED])
    # The override only: the place is not overfilled.
    assert [o.case for o in live] == [c for c in (first, second) if c not in picked]
    assert not batch.offers.exists()
    assert all(n >= 0 for n in remaining_capacity(place).values())
    reasons = {u["case"]: u["reason"] for u in batch.unplaced}
    assert "capacity changed while the batch ran" in reasons[picked[0].reference]


def test_capacity_lowered_while_the_batch_ran_is_respected(
        arrived_case, resettler, make_place, monkeypatch) -> None:
    place = make_place(children=10, adults=10, seniors=4)
    case = arrived_case(name="Ahmadzai", size=3)

    def capacity_cut(_result: dict[str, Any]) -> None:
        Place.objects.filter(pk=place.pk).update(adults=0)

    _while_solving(monkeypatch, capacity_cut)
    batch = services.run_batch(actor=resettler, week_of=ARRIVAL_DAY)

    assert not batch.offers.exists()
    assert [u["case"] for u in batch.unplaced] == [case.reference]
    assert place.name in batch.unplaced[0]["reason"]


def test_a_household_offered_meanwhile_is_not_offered_twice(
        arrived_case, resettler, make_place, monkeypatch) -> None:
    place, elsewhere = make_place(name="Lyon"), make_place(name="Brest")
    case = arrived_case(name="Ahmadzai", size=3)
    services.record_score(actor=resettler, case=case, place=place, score=0.9)
    services.record_score(actor=resettler, case=case, place=elsewhere, score=0.1)

    def staff_offer_it_elsewhere(_result: dict[str, Any]) -> None:
        services.override_placement(actor=resettler, case=case, place=elsewhere,
                                    reason="Her sister lives in Brest")

    _while_solving(monkeypatch, staff_offer_it_elsewhere)
    batch = services.run_batch(actor=resettler, week_of=ARRIVAL_DAY)

    assert not batch.offers.exists()
    assert [(o.place, o.state) for o in Offer.objects.filter(case=case)] == [
        (elsewhere, Offer.State.OFFERED)]
