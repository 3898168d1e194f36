"""A broadcast to the households holding seats on one flight (airlift's Seat)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from safepassage.accounts.models import Role
from safepassage.airlift.models import Flight, Seat
from safepassage.airlift.selectors import cases_on_flight
from safepassage.messaging.models import Message, Via
from safepassage.messaging.services import Audience, send_broadcast
from safepassage.registry.models import Relationship
from tests.conftest import person

pytestmark = pytest.mark.django_db
DEPARTS = dt.datetime(2021, 8, 26, 10, 0, tzinfo=dt.UTC)


def _seated(journey, make_case, flight, *members, gate=Seat.Gate.EXPECTED):
    """Approved and seated through airlift (a no-show marked at the gate)."""
    case = journey.approve(make_case(*members))
    if gate == Seat.Gate.NO_SHOW:
        journey.no_show(case, flight)
    else:
        journey.seat(case, flight)
    case.refresh_from_db()
    return case


def test_a_broadcast_reaches_every_household_on_a_flight_once(make_case, make_user, journey):
    officer = make_user(Role.AIRLIFT_OFFICER)
    flight = Flight.objects.create(code="RCH871", destination="DOH", departs_at=DEPARTS, seats=9)
    other = Flight.objects.create(code="RCH872", destination="DOH", departs_at=DEPARTS, seats=9)
    ahmadi = _seated(journey, make_case, flight,
                     person(phones=["+93790000001"], email="ahmadi@example.org"),
                     person(given_name="Wife", relationship_to_head=Relationship.SPOUSE,
                            phones=["+93790000002"]),
                     person(given_name="Son", relationship_to_head=Relationship.SON, phones=[]))
    karimi = _seated(journey, make_case, flight,
                     person(phones=["+93790000003"], preferred_language="ps"))
    elsewhere = _seated(journey, make_case, other, person(phones=["+93790000004"]))
    no_show = _seated(journey, make_case, flight, person(phones=["+93790000005"]),
                      gate=Seat.Gate.NO_SHOW)

    assert list(cases_on_flight(flight.pk)) == [ahmadi, karimi]
    broadcast = send_broadcast(actor=officer, texts={"en": "Gate 3 at 14:00."},
                               audience=Audience(flight=flight.pk), essential=True)

    sent = Message.objects.filter(broadcast=broadcast).exclude(channel=Via.STATUS_PAGE)
    assert Counter((m.case_id, m.channel, m.address) for m in sent) == Counter({
        (ahmadi.pk, Via.EMAIL, "ahmadi@example.org"): 1,
        (ahmadi.pk, Via.SMS, "+93790000001"): 1,
        (ahmadi.pk, Via.SMS, "+93790000002"): 1,
        (karimi.pk, Via.SMS, "+93790000003"): 1,
    })
    assert not Message.objects.filter(broadcast=broadcast,
                                      case__in=[elsewhere, no_show]).exists()
    assert broadcast.households == 2 and broadcast.audience["flight"] == flight.pk


def test_an_officer_chooses_the_flight_on_the_broadcast_page(make_case, client_for, journey):
    flight = Flight.objects.create(code="RCH871", destination="DOH", departs_at=DEPARTS, seats=9)
    _seated(journey, make_case, flight, person(phones=["+93790000001"]))
    make_case(person(phones=["+93790000009"]))  # not on the flight
    client, _officer = client_for(Role.AIRLIFT_OFFICER)

    page = client.get(f"/messaging/broadcasts/new/?flight={flight.pk}")
    assert f'<option value="{flight.pk}" selected>RCH871</option>' in page.content.decode()
    form = {"text_en": "Gate 3 at 14:00.", "flight": str(flight.pk), "rate_per_minute": "600"}
    preview = client.post("/messaging/broadcasts/new/", {**form, "action": "preview"})
    assert "1 households, 1 people, 1 messages." in preview.content.decode()
    client.post("/messaging/broadcasts/new/", {**form, "action": "send"})
    assert Message.objects.filter(broadcast__isnull=False).exclude(
        channel=Via.STATUS_PAGE).count() == 1
