"""Hotels, bases and reception centres with rooms and beds; check-in and check-out per
household; nights per household and in total; the households waiting longest."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from safepassage.messaging.models import Kind, Message
from safepassage.resettlement import selectors, services
from safepassage.resettlement.models import Site
from tests.resettlement.conftest import ARRIVAL_DAY

pytestmark = pytest.mark.django_db
DAY = ARRIVAL_DAY


def test_nights_are_counted_per_household_and_in_total(arrived_case, resettler) -> None:
    hotel = services.create_site(actor=resettler, name="Airport Hotel", kind=Site.Kind.HOTEL,
                                 rooms=10, beds=20)
    base = services.create_site(actor=resettler, name="Base North", kind=Site.Kind.BASE,
                                rooms=10, beds=40)
    first, second = arrived_case(name="Ahmadzai"), arrived_case(name="Safi", size=2)
    stay = services.check_in(actor=resettler, case=first, site=hotel, on=DAY)
    services.move_household(actor=resettler, stay=stay, site=base, on=DAY + dt.timedelta(days=3))
    services.check_in(actor=resettler, case=second, site=hotel, on=DAY + dt.timedelta(days=2))

    today = DAY + dt.timedelta(days=7)
    assert selectors.nights_of(first, today=today) == 7
    assert selectors.nights_of(second, today=today) == 5
    picture = selectors.accommodation(today=today)
    assert (picture.households, picture.people, picture.nights_total) == (2, 5, 12)
    assert [(w.case, w.nights) for w in picture.longest] == [(first, 7), (second, 5)]


def test_a_site_takes_no_more_households_than_its_beds(arrived_case, resettler) -> None:
    small = services.create_site(actor=resettler, name="Guest house", kind=Site.Kind.HOTEL,
                                 rooms=3, beds=4)
    services.check_in(actor=resettler, case=arrived_case(name="Ahmadzai", size=3), site=small)
    with pytest.raises(ValidationError, match="Guest house has 1 beds and 2 rooms free"):
        services.check_in(actor=resettler, case=arrived_case(name="Safi", size=2), site=small)


def test_a_household_has_one_open_stay_and_checks_out_after_checking_in(
        arrived_case, resettler) -> None:
    hotel = services.create_site(actor=resettler, name="Airport Hotel", kind=Site.Kind.HOTEL,
                                 rooms=10, beds=20)
    case = arrived_case()
    stay = services.check_in(actor=resettler, case=case, site=hotel, on=DAY)
    with pytest.raises(ValidationError, match="already checked in"):
        services.check_in(actor=resettler, case=case, site=hotel, on=DAY)
    with pytest.raises(ValidationError, match="cannot be before check-in"):
        services.check_out(actor=resettler, stay=stay, on=DAY - dt.timedelta(days=1))
    services.check_out(actor=resettler, stay=stay, on=DAY + dt.timedelta(days=4))
    assert selectors.nights_of(case) == 4


def test_a_household_not_yet_arrived_cannot_check_in(make_ready_case, resettler) -> None:
    hotel = services.create_site(actor=resettler, name="Airport Hotel", kind=Site.Kind.HOTEL,
                                 rooms=10, beds=20)
    with pytest.raises(ValidationError, match="Record the household's arrival"):
        services.check_in(actor=resettler, case=make_ready_case(), site=hotel)


def test_each_move_of_accommodation_reaches_the_household(arrived_case, resettler) -> None:
    hotel = services.create_site(actor=resettler, name="Airport Hotel", kind=Site.Kind.HOTEL,
                                 rooms=10, beds=20)
    base = services.create_site(actor=resettler, name="Base North", kind=Site.Kind.BASE,
                                rooms=10, beds=40)
    case = arrived_case()
    stay = services.check_in(actor=resettler, case=case, site=hotel, on=DAY)
    services.move_household(actor=resettler, stay=stay, site=base, on=DAY + dt.timedelta(days=1))
    sites = [m.context["site"] for m in Message.objects.filter(case=case,
                                                               kind=Kind.ACCOMMODATION)
             .order_by("pk")]
    assert sites[0] == "Airport Hotel" and sites[-1] == "Base North"
