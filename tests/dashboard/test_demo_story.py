"""`safepassage demo-engagements --evacuate-if-none` tells the end of the demo story."""

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
from safepassage.registry.models import Case, Status

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


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
    boarded = {r.key: r for r in selectors.picture(max_age=0).funnel}["boarded"]
    assert boarded.people == seats.aggregate(n=Sum("people"))["n"]
    assert not Flight.objects.filter(status=FlightStatus.PLANNED).exists()

    call_command("demo_engagements", "--evacuate-if-none")  # a second run changes nothing
    assert Meeting.objects.count() == 14
    assert Seat.objects.count() == seats.count()
