"""A correction that changes who is in a seated household re-checks its seat: the seat follows
the household's new size when the flight has room, and goes (with its boarding pass, a reason on
the case and a line on the officer's plan page) when it has not."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from safepassage.accounts.models import Role
from safepassage.airlift import services as airlift
from safepassage.airlift.models import Seat
from safepassage.audit.models import AuditEntry
from safepassage.credentials.models import Credential, CredentialKind
from safepassage.registry import services as registry
from safepassage.registry.models import Case, Person, Status
from tests.airlift.conftest import family
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def a_member_not_head(case: Case) -> Person:
    household = Case.objects.select_related("household").get(pk=case.pk).household
    return household.members.exclude(pk=household.head_id).order_by("pk").first()

NEW_MEMBER = {"given_name": "Nasrin", "relationship_to_head": "daughter",
              "date_of_birth": "2001"}


def seated_family(journey: Any, make_case: Any, *, flight_seats: int) -> tuple[Case, Any]:
    case = journey.approve(make_case(*family("Haidari", 3)))
    seat = journey.seat(case, journey.flight(seats=flight_seats))
    airlift.issue_boarding_passes(actor=journey.officer, flight=seat.flight)
    return case, seat


def passes_in_force(case: Case) -> int:
    return Credential.objects.filter(case=case, kind=CredentialKind.BOARDING_PASS,
                                     revoked_at__isnull=True).count()


def test_a_member_added_on_a_full_flight_releases_the_seat_and_revokes_the_pass(
    journey: Any, make_case: Any, make_user: Any, client: Any,
) -> None:
    case, seat = seated_family(journey, make_case, flight_seats=3)
    assert passes_in_force(case) == 1

    registry.add_member(actor=make_user(Role.CASEWORKER), case=case, values=NEW_MEMBER,
                        reason="a daughter left out of the form")

    case.refresh_from_db()
    assert case.status == Status.APPROVED
    assert not Seat.objects.filter(case=case).exists()
    assert passes_in_force(case) == 0
    revoked = Credential.objects.get(case=case, kind=CredentialKind.BOARDING_PASS)
    assert revoked.revocation_reason == "seat withdrawn"
    last = case.history.order_by("-at", "-pk").first()
    assert (last.from_status, last.to_status) == (Status.MANIFESTED, Status.APPROVED)
    assert "needs 4 seats" in last.reason and seat.flight.code in last.reason
    released = AuditEntry.objects.get(action="airlift.seat_released")
    assert released.object_id == case.reference
    assert released.details["needs"] == 4 and released.details["room"] == 3

    sign_in(client, journey.officer)
    page = client.get(reverse("airlift:flight-list")).content.decode()
    assert 'id="seats-lost"' in page and case.reference in page
    assert "needs 4 seats" in page


def test_a_member_added_on_a_flight_with_room_grows_the_seat(
    journey: Any, make_case: Any, make_user: Any, client: Any,
) -> None:
    case, seat = seated_family(journey, make_case, flight_seats=10)

    registry.add_member(actor=make_user(Role.CASEWORKER), case=case, values=NEW_MEMBER,
                        reason="a daughter left out of the form")

    case.refresh_from_db()
    seat.refresh_from_db()
    assert case.status == Status.MANIFESTED
    assert (seat.people, seat.seats) == (4, 4)
    assert airlift.free_seats(seat.flight) == 6
    resized = AuditEntry.objects.get(action="airlift.seat_resized")
    assert resized.details["to"] == {"people": 4, "seats": 4}
    old_pass = Credential.objects.get(case=case, kind=CredentialKind.BOARDING_PASS)
    assert old_pass.revocation_reason == "household changed"
    assert airlift.issue_boarding_passes(actor=journey.officer, flight=seat.flight).issued == 1
    assert passes_in_force(case) == 1
    sign_in(client, journey.officer)
    assert 'id="seats-lost"' not in client.get(reverse("airlift:flight-list")).content.decode()


def test_a_member_moved_out_no_longer_counts_on_the_flight(
    journey: Any, make_case: Any, make_user: Any,
) -> None:
    case, seat = seated_family(journey, make_case, flight_seats=3)
    cousins = make_case(*family("Rahimi", 1))
    leaving = a_member_not_head(case)

    registry.move_member(actor=make_user(Role.CASEWORKER), person=leaving, to_case=cousins,
                         reason="travels with the cousins")

    seat.refresh_from_db()
    assert (seat.people, seat.seats) == (2, 2)
    assert airlift.free_seats(seat.flight) == 1
    case.refresh_from_db()
    assert case.status == Status.MANIFESTED
