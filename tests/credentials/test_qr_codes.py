"""The QR code of a token round-trips through a PNG image and stays small enough for a phone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from safepassage.accounts.models import User
from safepassage.credentials import qr, services
from safepassage.credentials.selectors import trust_store_from_database
from safepassage.credentials.verification import VALID, verify_credential
from safepassage.registry.models import Case, Relationship
from tests.conftest import person

pytestmark = pytest.mark.django_db


def test_the_qr_round_trips_through_a_png_image(approved_case: Case, caseworker: User) -> None:
    letter = services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    png = qr.qr_png(letter.token)
    assert png.startswith(b"\x89PNG")
    texts = qr.read_qr_texts(png)
    assert texts == [letter.token]
    assert verify_credential(texts[0], trust=trust_store_from_database()).result == VALID


def test_a_large_household_on_a_boarding_pass_stays_at_qr_version_12_or_lower(
    make_case: Callable[..., Case], approve: Callable[[Case], Case], caseworker: User,
    seat_on: Callable[..., tuple[str, dt.date]],
) -> None:
    members = [person(given_name="Abdulrahimullah", family_name="Ahmadzai-Mohammadkhel")] + [
        person(given_name=f"Mohammadullah{i}", relationship_to_head=Relationship.SON,
               phones=[], tazkira_number="", passport_number="")
        for i in range(9)
    ]
    case = approve(make_case(*members))
    _number, day = seat_on(case, "RCH871")
    boarding = services.issue_boarding_pass(
        actor=caseworker, reference=case.reference, flight_number="RCH871",
        departure_date=day,
    )
    assert qr.make_qr(boarding.token).version <= qr.MAX_VERSION  # type: ignore[operator]
    assert qr.read_qr_texts(qr.qr_png(boarding.token)) == [boarding.token]


def test_a_household_too_large_for_every_name_keeps_the_count_and_fits(
    make_case: Callable[..., Case], approve: Callable[[Case], Case], caseworker: User,
    seat_on: Callable[..., tuple[str, dt.date]],
) -> None:
    members = [person()] + [
        person(given_name=f"Abdulwahabullah{i:02d}", relationship_to_head=Relationship.OTHER,
               phones=[], tazkira_number="", passport_number="")
        for i in range(24)
    ]
    case = approve(make_case(*members))
    letter = services.issue_facilitation_letter(actor=caseworker, reference=case.reference)
    assert qr.make_qr(letter.token).version <= qr.MAX_VERSION  # type: ignore[operator]
    verdict = verify_credential(letter.token, trust=trust_store_from_database())
    assert verdict.result == VALID
    assert verdict.claims is not None and verdict.claims.payload.people == 25
    assert verdict.covered_names == []
