"""`safepassage demo-engagements --evacuate-if-none` tells the end of the demo story, and its
figures are the facts: seats, gate marks and landings made through the airlift's services."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Sum

from safepassage.airlift.demo import load_demo_airlift
from safepassage.airlift.models import Flight, FlightStatus, Seat
from safepassage.dashboard import selectors
from safepassage.dashboard.models import Commitment
from safepassage.engagements.models import Meeting, Subject
from safepassage.registry.demo import load_demo_population
from safepassage.registry.models import Case, Fact, Status, StatusChange

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def people(seats: object) -> int:
    return int(seats.aggregate(n=Sum("people"))["n"] or 0)  # type: ignore[attr-defined]


def test_the_demo_flies_approved_households_on_the_airlift_flights_and_logs_the_meetings(
) -> None:
    load_demo_population(households=120, seed=3)
    load_demo_airlift()
    approved = Case.objects.filter(status=Status.APPROVED).count()

    call_command("demo_engagements", "--evacuate-if-none")

    assert Meeting.objects.count() == 14
    assert Commitment.objects.count() == 2
    passage = Subject.objects.get(title="Safe passage of Afghans with documents")
    assert passage.meetings.count() == 13

    seats = Seat.objects.filter(gate=Seat.Gate.BOARDED)
    flown = Case.objects.filter(status__in=[Status.BOARDED, Status.ARRIVED, Status.RESETTLED])
    assert seats.count() == flown.count() > 0
    assert flown.count() + Case.objects.filter(status=Status.LEFT_BEHIND).count() == approved
    assert not Flight.objects.filter(status=FlightStatus.PLANNED).exists()

    call_command("demo_engagements", "--evacuate-if-none")  # a second run changes nothing
    assert Meeting.objects.count() == 14
    assert Seat.objects.count() == seats.count()


def test_the_demos_counts_equal_the_facts() -> None:
    load_demo_population(households=150, seed=5)
    load_demo_airlift()
    call_command("demo_engagements", "--evacuate-if-none")

    funnel = {r.key: r for r in selectors.picture(max_age=0).funnel}
    boarded_seats = Seat.objects.filter(gate=Seat.Gate.BOARDED)
    landed = boarded_seats.filter(flight__landed_at__isnull=False)
    all_seats = Seat.objects.all()
    assert funnel["boarded"].people == people(boarded_seats) > 0
    assert funnel["arrived"].people == people(landed) > 0
    assert funnel["manifested"].people == people(all_seats.exclude(case__status=Status.LEFT_BEHIND))
    assert funnel["boarded"].by_override == 0
    # Every earned move of the demo carries its fact; none was set by hand.
    earned = StatusChange.objects.filter(to_status__in=[Status.MANIFESTED, Status.BOARDED,
                                                        Status.NO_SHOW, Status.ARRIVED])
    assert earned.exists()
    assert set(earned.values_list("fact", flat=True)) <= {Fact.SEAT, Fact.GATE, Fact.LANDING}
    assert not earned.filter(fact="").exists()
    assert not earned.filter(by_override=True).exists()
    # The story keeps its dates: flights of August 2021 landed in August 2021.
    assert all(f.landed_at is not None and f.landed_at.year == 2021
               for f in Flight.objects.filter(status=FlightStatus.LANDED))
    assert not StatusChange.objects.filter(to_status=Status.ARRIVED, at__year__gt=2021).exists()
