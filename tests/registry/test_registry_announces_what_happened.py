"""The registry announces what happened through registry.events, in its own transaction, and
knows nothing of who listens: linkage, triage and messaging follow it by subscribing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction

from safepassage.accounts import permissions
from safepassage.accounts.models import Role, User
from safepassage.linkage.models import PersonFeatures
from safepassage.messaging.models import Kind, Message
from safepassage.registry import events
from safepassage.registry.models import Case, Channel, Person, Status
from safepassage.registry.services import HouseholdData, change_case_status, register_households
from safepassage.triage.models import Assessment
from tests.conftest import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard() -> Iterator[list[Any]]:
    """Every event of the three hooks, in order, while the test runs."""
    received: list[Any] = []
    hooks: list[events.Hook[Any]] = [events.households_registered, events.case_status_changed,
                                     events.person_corrected]
    for hook in hooks:
        hook.subscribe(received.append)
    yield received
    for hook in hooks:
        hook.unsubscribe(received.append)


def test_a_batch_of_registrations_is_announced_once_and_whole(heard: list[Any]) -> None:
    households = [HouseholdData([person(given_name=f"Member{n}"), person(given_name="Son")],
                                "citizen") for n in range(3)]
    cases = register_households(actor=permissions.DEMO, households=households,
                                channel=Channel.DEMO)

    [event] = heard
    assert isinstance(event, events.HouseholdsRegistered)
    assert event.actor is permissions.DEMO and event.channel == Channel.DEMO
    assert [c.pk for c in event.cases] == [c.pk for c in cases]
    assert {p.pk for p in event.people} == set(
        Person.objects.filter(household__case__in=cases).values_list("pk", flat=True))


def test_linkage_triage_and_messaging_follow_a_registration(
    make_case: Callable[..., Case],
) -> None:
    case = make_case(person(email="head@example.org"), category="citizen")
    members = Person.objects.filter(household=case.household)

    assert PersonFeatures.objects.filter(person__in=members).count() == 1
    assert Assessment.objects.filter(case=case).exists()
    assert Message.objects.filter(case=case, kind=Kind.REGISTRATION_RECEIVED).exists()


def test_a_status_change_is_announced_with_the_status_it_left(
    heard: list[Any], make_case: Callable[..., Case], make_user: Callable[..., User],
) -> None:
    case = make_case()
    heard.clear()
    caseworker = make_user(Role.CASEWORKER)
    change_case_status(actor=caseworker, case=case, to_status=Status.UNDER_REVIEW)

    [event] = heard
    assert event == events.CaseStatusChanged(actor=caseworker, case=event.case,
                                             from_status=Status.REGISTERED,
                                             to_status=Status.UNDER_REVIEW)
    assert event.case.pk == case.pk and event.case.status == Status.UNDER_REVIEW


def test_a_subscriber_that_fails_undoes_the_change_it_heard_of() -> None:
    def refuse(event: events.HouseholdsRegistered) -> None:
        raise RuntimeError("cannot follow")

    events.households_registered.subscribe(refuse)
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            register_households(actor=permissions.DEMO, channel=Channel.DEMO,
                                households=[HouseholdData([person()], "citizen")])
    finally:
        events.households_registered.unsubscribe(refuse)
    assert not Case.objects.exists() and not Person.objects.exists()
