"""`safepassage plan` and `safepassage airlift-demo`."""

from __future__ import annotations

import re

import pytest
from django.core.management import CommandError, call_command

from safepassage.accounts.models import Role
from safepassage.airlift.models import Flight, Seat, TravelReadiness
from safepassage.registry.models import Fact, Status
from tests.airlift.conftest import family

pytestmark = pytest.mark.django_db


def test_plan_command_plans_as_the_named_officer_and_prints_the_figures(
    officer, make_ready_case, make_flight, capsys
) -> None:
    make_flight(4)
    make_ready_case(*family("Ahmadi", 2), priority=3)
    call_command("plan", "--as", officer.username)
    line = capsys.readouterr().out.splitlines()[0]
    assert re.fullmatch(r"objective 6, LP bound 6 \(100\.00% of bound\), 1 households placed, "
                        r"[0-9.]+ s", line)
    assert Seat.objects.count() == 1


def test_plan_command_seats_only_through_the_facts_and_says_who_waits_and_why(
    officer, make_ready_case, make_flight, capsys
) -> None:
    make_flight(4)
    seated = make_ready_case(*family("Ahmadi", 2), priority=3)
    waiting = make_ready_case(*family("Karimi", 1), ready_at=None)
    call_command("plan", "--as", officer.username)
    out = capsys.readouterr().out
    assert "not placed: 1 not ready to fly" in out
    assert f"{waiting.reference}: not ready to fly (missing: readiness)" in out
    last = seated.history.last()
    assert last is not None and (last.to_status, last.fact) == (Status.MANIFESTED, Fact.SEAT)


def test_no_command_sets_an_earned_status(make_case, journey) -> None:
    """The commands that move cases go through the services (the plan above, the demo in
    tests/dashboard/test_demo_story.py); none takes a status to set."""
    from django.core.management import get_commands, load_command_class

    for name, app in get_commands().items():
        if not app.startswith("safepassage"):
            continue
        parser = load_command_class(app, name).create_parser("safepassage", name)
        options = {o for action in parser._actions for o in action.option_strings}
        assert not options & {"--status", "--to-status", "--set-status"}, name


def test_plan_command_refuses_a_user_who_may_not_manage_flights(make_user) -> None:
    caseworker = make_user(Role.CASEWORKER)
    with pytest.raises(CommandError, match="may not manage flights"):
        call_command("plan", "--as", caseworker.username)
    with pytest.raises(CommandError, match="No user"):
        call_command("plan", "--as", "nobody-here")


def test_airlift_demo_creates_flights_and_readiness_for_approved_cases_once(
    make_ready_case, capsys
) -> None:
    case = make_ready_case(ready_at=None)
    call_command("airlift_demo")
    ally = Flight.objects.get(code="ALLY500")
    assert (ally.seats, set(ally.allowed_categories)) == (
        500, {"citizen", "permanent_resident", "family_of_citizen"})
    assert TravelReadiness.objects.filter(case=case).exists()
    count = Flight.objects.count()
    call_command("airlift_demo", "--if-empty")
    assert Flight.objects.count() == count
