"""Airlift -> credentials: the officer issues boarding passes for everyone on a flight."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safepassage.accounts.models import Role
from safepassage.airlift import services
from safepassage.airlift.models import Seat
from safepassage.credentials.models import Credential, CredentialKind
from safepassage.credentials.selectors import trust_store_from_database
from safepassage.credentials.verification import verify_credential
from safepassage.messaging.models import Kind, Message, Via
from tests.airlift.conftest import family

pytestmark = pytest.mark.django_db


@pytest.fixture
def boarding_flight(officer, make_ready_case):
    departs = timezone.now().replace(microsecond=0) + dt.timedelta(days=1)
    flight = services.create_flight(actor=officer, code="RCH871", destination="DOH",
                                    departs_at=departs, seats=6)
    cases = [
        make_ready_case(*[replace(m, phones=[f"+9379000060{i}"], preferred_language="en")
                          for m in family(f"F{i}", 2)], priority=5 - i)
        for i in range(3)
    ]
    services.plan_manifests(actor=officer)
    assert Seat.objects.filter(flight=flight).count() == 3
    return flight, cases


def test_issuing_boarding_passes_for_a_flight_gives_each_household_one_and_tells_it(
    officer, boarding_flight, make_user
) -> None:
    flight, cases = boarding_flight
    no_show = Seat.objects.get(case=cases[2])
    services.set_flight_status(actor=officer, flight=flight, status="boarding")
    services.record_gate(actor=make_user(Role.GATE_AGENT), seat=no_show, event=Seat.Gate.NO_SHOW)
    mark = Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    done = services.issue_boarding_passes(actor=officer, flight=flight)

    assert (done.issued, done.already_held) == (2, 0)
    passes = Credential.objects.filter(kind=CredentialKind.BOARDING_PASS)
    assert sorted(p.case_id for p in passes) == sorted(c.pk for c in cases[:2])
    day = timezone.localdate(flight.departs_at)
    trust = trust_store_from_database()
    for credential in passes:
        assert (credential.flight_number, credential.departure_date) == ("RCH871", day)
        verdict = verify_credential(credential.token, trust=trust)
        assert verdict.ok and verdict.claims and verdict.claims.payload.flight == "RCH871"
    told = Message.objects.filter(pk__gt=mark).exclude(channel=Via.STATUS_PAGE)
    assert sorted((m.case_id, m.kind) for m in told) == sorted(
        (c.pk, Kind.BOARDING_PASS_ISSUED) for c in cases[:2])
    assert all("boarding pass ready" in m.body for m in told)

    again = services.issue_boarding_passes(actor=officer, flight=flight)

    assert (again.issued, again.already_held) == (0, 2)
    assert passes.count() == 2
    assert Message.objects.filter(pk__gt=mark).exclude(channel=Via.STATUS_PAGE).count() == 2


def test_the_officer_issues_them_from_the_flight_page_and_a_gate_agent_cannot(
    boarding_flight, client_for, make_user
) -> None:
    flight, _cases = boarding_flight
    client, _officer = client_for(Role.AIRLIFT_OFFICER)

    page = client.get(f"/airlift/flights/{flight.pk}/")
    assert f'action="/airlift/flights/{flight.pk}/boarding-passes/"' in page.content.decode()
    after = client.post(f"/airlift/flights/{flight.pk}/boarding-passes/", follow=True)

    assert "Boarding passes issued to 3 households (0 already had one)" in after.content.decode()
    assert Credential.objects.filter(kind=CredentialKind.BOARDING_PASS).count() == 3
    with pytest.raises(PermissionDenied):
        services.issue_boarding_passes(actor=make_user(Role.GATE_AGENT), flight=flight)


def test_a_household_moved_off_a_flight_loses_its_boarding_pass_for_it(
    officer, boarding_flight
) -> None:
    flight, cases = boarding_flight
    services.issue_boarding_passes(actor=officer, flight=flight)
    later = services.create_flight(actor=officer, code="RCH872", destination="DOH",
                                   departs_at=flight.departs_at + dt.timedelta(hours=4), seats=6)

    services.cancel_flight(actor=officer, flight=flight)

    assert {s.case_id for s in Seat.objects.filter(flight=later)} == {c.pk for c in cases}
    trust = trust_store_from_database()
    for credential in Credential.objects.filter(kind=CredentialKind.BOARDING_PASS):
        assert credential.revocation_reason == "seat withdrawn"
        assert verify_credential(credential.token, trust=trust).result == "REVOKED"
