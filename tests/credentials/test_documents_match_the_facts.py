"""A boarding pass exists only for a seat on a real flight, a letter only for an approved case,
and both are revoked when the seat or the approval goes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from safepassage.accounts.models import User
from safepassage.airlift import services as airlift
from safepassage.airlift.models import Flight
from safepassage.credentials import services
from safepassage.credentials.models import Credential, CredentialKind
from safepassage.registry.models import Case, Status
from safepassage.registry.services import change_case_status
from tests.conftest import Journey

pytestmark = pytest.mark.django_db
TOMORROW = dt.date.today() + dt.timedelta(days=1)


def live(case: Case) -> set[str]:
    return set(Credential.objects.filter(case=case, revoked_at__isnull=True)
               .values_list("kind", flat=True))


def test_a_pass_for_a_flight_that_does_not_exist_is_refused(
    approved_case: Case, caseworker: User, seat_on: Callable[..., tuple[str, dt.date]]
) -> None:
    _number, day = seat_on(approved_case, "RCH871")
    with pytest.raises(ValidationError) as refused:
        services.issue_boarding_pass(actor=caseworker, reference=approved_case.reference,
                                     flight_number="ZZ999", departure_date=day)
    assert "not on ZZ999" in refused.value.message_dict["flight_number"][0]
    assert not Credential.objects.exists()


def test_a_case_not_approved_gets_neither_letter_nor_pass(
    make_case: Callable[..., Case], caseworker: User
) -> None:
    case = make_case()
    with pytest.raises(ValidationError, match="approved"):
        services.issue_facilitation_letter(actor=caseworker, reference=case.reference)
    with pytest.raises(ValidationError, match="approved household holding a seat"):
        services.issue_boarding_pass(actor=caseworker, reference=case.reference,
                                     flight_number="RCH871", departure_date=TOMORROW)
    assert not Credential.objects.exists()


def test_both_documents_are_revoked_when_the_approval_goes(
    approved_case: Case, caseworker: User, journey: Journey,
    seat_on: Callable[..., tuple[str, dt.date]],
) -> None:
    number, day = seat_on(approved_case, "RCH871")
    services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    services.issue_boarding_pass(actor=caseworker, reference=approved_case.reference,
                                 flight_number=number, departure_date=day)
    assert live(approved_case) == {CredentialKind.LETTER, CredentialKind.BOARDING_PASS}

    approved_case.refresh_from_db()
    change_case_status(actor=journey.supervisor, case=approved_case, to_status=Status.ON_HOLD,
                       reason="new information")

    assert live(approved_case) == set()
    assert set(Credential.objects.values_list("revocation_reason", flat=True)) == {
        "case on_hold"}


def test_the_pass_is_revoked_when_the_seat_goes_and_the_letter_stays(
    approved_case: Case, caseworker: User, journey: Journey,
    seat_on: Callable[..., tuple[str, dt.date]],
) -> None:
    number, day = seat_on(approved_case, "RCH871")
    services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    services.issue_boarding_pass(actor=caseworker, reference=approved_case.reference,
                                 flight_number=number, departure_date=day)
    flight = Flight.objects.get(code="RCH871")

    airlift.cancel_flight(actor=journey.officer, flight=flight, time_limit=5)

    approved_case.refresh_from_db()
    assert approved_case.status == Status.APPROVED
    assert live(approved_case) == {CredentialKind.LETTER}
