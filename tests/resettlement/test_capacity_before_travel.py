"""A flight set to capacity before travel seats only households a place accepted or holds;
an emergency evacuation flight (the default) seats anyone."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from safepassage.airlift import services as airlift
from safepassage.airlift.models import Seat
from safepassage.resettlement import services
from safepassage.resettlement.models import Place

pytestmark = pytest.mark.django_db


def test_a_resettlement_flight_seats_only_households_with_a_place(
        make_ready_case, make_flight, officer, make_place, make_host, programme) -> None:
    welcomed = make_ready_case(family="Ahmadzai")
    make_ready_case(family="Safi")  # approved and ready, but no place has accepted it
    sponsor = make_place(kind=Place.Kind.SPONSOR)
    services.hold_family(actor=make_host(sponsor), place=sponsor, reference=welcomed.reference,
                         reason="My former interpreter")
    flight = make_flight(20)
    services.set_capacity_before_travel(actor=officer, flight=flight, required=True)

    airlift.plan_manifests(actor=officer)
    assert list(Seat.objects.filter(flight=flight).values_list("case", flat=True)) == [welcomed.pk]


def test_an_evacuation_flight_seats_every_household(make_ready_case, make_flight, officer,
                                                     programme) -> None:
    cases = [make_ready_case(family="Ahmadzai"), make_ready_case(family="Safi")]
    flight = make_flight(20)
    airlift.plan_manifests(actor=officer)
    assert set(Seat.objects.filter(flight=flight).values_list("case", flat=True)) == {
        c.pk for c in cases}


def test_stand_by_seats_on_a_resettlement_flight_need_a_place_too(
        make_ready_case, make_flight, officer, programme) -> None:
    flight = make_flight(20, hours=1)
    services.set_capacity_before_travel(actor=officer, flight=flight, required=True)
    make_ready_case()
    assert airlift.fill_from_standby(actor=officer, flight=flight) == []


def test_the_setting_is_changed_only_before_boarding(make_flight, officer, resettler) -> None:
    flight = make_flight(10)
    with pytest.raises(Exception, match="may not manage flights"):
        services.set_capacity_before_travel(actor=resettler, flight=flight, required=True)
    airlift.set_flight_status(actor=officer, flight=flight, status="boarding")
    with pytest.raises(ValidationError, match="change the setting before boarding"):
        services.set_capacity_before_travel(actor=officer, flight=flight, required=True)


def test_an_airlift_officer_sets_it_on_the_flight_page(client, make_flight, officer) -> None:
    from safepassage.resettlement import selectors
    from tests.conftest import sign_in

    flight = make_flight(10)
    sign_in(client, officer)
    page = client.get(f"/airlift/flights/{flight.pk}/").content.decode()
    assert "Require a place before travel" in page
    response = client.post(f"/resettlement/flights/{flight.pk}/capacity-before-travel/",
                           {"required": "1", "back": "flight"})
    assert response["Location"] == f"/airlift/flights/{flight.pk}/"
    assert selectors.capacity_before_travel(flight)
