"""Airlift -> messaging: a household hears once when it gets a seat, changes flight or loses it."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from safepassage.airlift import services
from safepassage.airlift.models import Seat
from safepassage.messaging.models import Kind, Message, Via
from safepassage.registry.models import Case, Status
from tests.airlift.conftest import family

pytestmark = pytest.mark.django_db


def household(make_ready_case, name: str, phone: str, *, priority: int, size: int = 2) -> Case:
    members = [replace(m, phones=[phone], preferred_language="en") for m in family(name, size)]
    return make_ready_case(*members, priority=priority)


def sent_since(mark: int) -> list[Message]:
    return list(Message.objects.filter(pk__gt=mark).exclude(channel=Via.STATUS_PAGE))


def last_pk() -> int:
    return Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_a_household_given_a_seat_hears_once_with_its_flight(
    officer, make_ready_case, make_flight
) -> None:
    flight = make_flight(2, hours=3)
    case = household(make_ready_case, "Ahmadi", "+93790000101", priority=5)
    mark = last_pk()

    services.plan_manifests(actor=officer)

    messages = sent_since(mark)
    assert [(m.case_id, m.kind, m.channel) for m in messages] == [
        (case.pk, Kind.FLIGHT_ASSIGNED, Via.SMS)]
    assert flight.code in messages[0].body and "20/08/2021 11:30" in messages[0].body  # Kabul
    case.refresh_from_db()
    assert case.status == Status.MANIFESTED  # its status notice was carried by the flight one
    page = Message.objects.filter(pk__gt=mark, case=case, channel=Via.STATUS_PAGE)
    assert [m.kind for m in page] == [Kind.FLIGHT_ASSIGNED]


def test_a_replan_after_a_cancellation_tells_each_moved_household_once_and_no_one_else(
    officer, make_ready_case, make_flight
) -> None:
    first, second = make_flight(4, hours=1), make_flight(8, hours=5)
    cases = [household(make_ready_case, f"Fam{i}", f"+9379000020{i}", priority=p)
             for i, p in enumerate([5, 4, 3, 2])]
    services.plan_manifests(actor=officer)
    on_first = {s.case_id for s in Seat.objects.filter(flight=first)}
    assert len(on_first) == 2
    mark = last_pk()

    run = services.cancel_flight(actor=officer, flight=first)

    assert {m["to"] for m in run.moves} == {second.code}
    messages = sent_since(mark)
    assert Counter(m.case_id for m in messages) == Counter({pk: 1 for pk in on_first})
    assert {m.kind for m in messages} == {Kind.FLIGHT_CHANGED}
    assert all(second.code in m.body for m in messages)
    others = [c.pk for c in cases if c.pk not in on_first]
    assert not Message.objects.filter(pk__gt=mark, case_id__in=others).exists()


def test_a_household_left_without_a_seat_is_told_to_wait_and_nobody_else_hears(
    officer, make_ready_case, make_flight
) -> None:
    flight = make_flight(4, hours=1)
    high = household(make_ready_case, "High", "+93790000301", priority=5)
    low = household(make_ready_case, "Low", "+93790000302", priority=1)
    services.plan_manifests(actor=officer)
    mark = last_pk()

    services.change_seats(actor=officer, flight=flight, seats=2)

    messages = sent_since(mark)
    assert [(m.case_id, m.kind) for m in messages] == [(low.pk, Kind.STATUS_CHANGED)]
    assert "Do not go to the airport" in messages[0].body
    assert not Message.objects.filter(pk__gt=mark, case=high).exists()


def test_households_kept_on_a_delayed_flight_hear_the_new_departure(
    officer, make_ready_case, make_flight
) -> None:
    import datetime as dt

    flight = make_flight(2, hours=1)
    case = household(make_ready_case, "Delay", "+93790000401", priority=5)
    services.plan_manifests(actor=officer)
    mark = last_pk()

    services.delay_flight(actor=officer, flight=flight,
                          departs_at=flight.departs_at + dt.timedelta(hours=6))

    messages = sent_since(mark)
    assert [(m.case_id, m.kind) for m in messages] == [(case.pk, Kind.FLIGHT_CHANGED)]
    assert "20/08/2021 15:30" in messages[0].body


def test_a_standby_household_given_freed_seats_hears_its_flight(
    officer, make_ready_case, make_flight, make_user
) -> None:
    from safepassage.accounts.models import Role

    flight = make_flight(2, hours=1)
    first = household(make_ready_case, "First", "+93790000501", priority=5)
    services.plan_manifests(actor=officer)
    waiting = household(make_ready_case, "Wait", "+93790000502", priority=3)
    services.set_flight_status(actor=officer, flight=flight, status="boarding")
    seat = Seat.objects.get(case=first)
    services.record_gate(actor=make_user(Role.GATE_AGENT), seat=seat, event=Seat.Gate.NO_SHOW)
    mark = last_pk()

    services.fill_from_standby(actor=officer, flight=flight)

    messages = sent_since(mark)
    assert [(m.case_id, m.kind) for m in messages] == [(waiting.pk, Kind.FLIGHT_ASSIGNED)]
