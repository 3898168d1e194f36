"""`safepassage demo-resettlement --if-empty` shows the phase after the flight with its own
numbers, and every case the demo shows as resettled has its required milestones done."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from safepassage.airlift.demo import load_demo_airlift
from safepassage.registry.demo import load_demo_population
from safepassage.registry.models import Case, Category, Status
from safepassage.resettlement import selectors
from safepassage.resettlement.models import CaseFile, Milestone

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_demo_shows_hotels_nights_placed_and_resettled_through_milestones() -> None:
    load_demo_population(households=200, seed=3)
    load_demo_airlift()
    call_command("demo_engagements", "--evacuate-if-none", stdout=io.StringIO())

    out = io.StringIO()
    call_command("demo_resettlement", "--if-empty", stdout=out)
    assert "still in temporary accommodation" in out.getvalue()

    figures = selectors.figures()
    assert figures.arrived > 0 and figures.in_accommodation > 0 and figures.nights_total > 0
    assert figures.placed > 0 and figures.resettled > 0
    resettled = Case.objects.filter(status=Status.RESETTLED)
    assert CaseFile.objects.filter(case__in=resettled, resettled_on__isnull=False).count() == \
        resettled.exclude(category=Category.CITIZEN).count()
    assert not Milestone.objects.filter(case_file__case__in=resettled, step__required=True,
                                        done_at__isnull=True).exists()
    # Waiting households have a required milestone still open.
    assert not CaseFile.objects.filter(case__status=Status.ARRIVED).exclude(
        milestones__step__required=True, milestones__done_at__isnull=True).exists()

    again = io.StringIO()
    call_command("demo_resettlement", "--if-empty", stdout=again)
    assert "kept as is" in again.getvalue()
