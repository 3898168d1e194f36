"""The person's own status page shows the boarding pass in force (QR, flight, departure, what to
bring) and the letter, in their language; a revoked one is gone from it."""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from safepassage.accounts.models import User
from safepassage.credentials import qr, services
from safepassage.intake.services import issue_status_secret
from safepassage.registry.models import Case, Status
from safepassage.registry.services import change_case_status
from tests.conftest import Journey

pytestmark = pytest.mark.django_db


def status_page(case: Case, secret: str, lang: str = "en") -> str:
    return Client().post(f"/status/?lang={lang}",
                         {"reference": case.reference, "secret": secret}).content.decode()


def qr_texts(html: str) -> list[str]:
    return [t for uri in re.findall(r'src="data:image/png;base64,([^"]+)"', html)
            for t in qr.read_qr_texts(base64.b64decode(uri))]


def test_the_status_page_shows_the_pass_and_the_letter_in_force(
    approved_case: Case, caseworker: User, journey: Journey,
    seat_on: Callable[..., tuple[str, dt.date]],
) -> None:
    secret = issue_status_secret(case=approved_case)
    assert 'id="your-documents"' not in status_page(approved_case, secret)

    letter = services.issue_facilitation_letter(actor=caseworker,
                                                reference=approved_case.reference)
    number, day = seat_on(approved_case, "RCH871")
    boarding = services.issue_boarding_pass(actor=caseworker, reference=approved_case.reference,
                                            flight_number=number, departure_date=day)

    page = status_page(approved_case, secret)
    assert 'id="boarding-pass"' in page and "RCH871" in page
    assert "What to bring" in page and 'id="letter"' in page
    assert "Abbey Gate, Kabul airport" in page, "the assembly point recorded for readiness"
    assert set(qr_texts(page)) == {boarding.token, letter.token}
    dari = status_page(approved_case, secret, lang="fa-af")
    assert "کارت سوار شدن شما" in dari and "مکتوب تسهیلات شما" in dari

    approved_case.refresh_from_db()
    change_case_status(actor=journey.supervisor, case=approved_case, to_status=Status.ON_HOLD)
    page = status_page(approved_case, secret)
    assert 'id="your-documents"' not in page, "revoked documents are not shown"


def test_the_message_that_tells_of_the_pass_links_to_the_status_page(
    approved_case: Case, caseworker: User, seat_on: Callable[..., tuple[str, dt.date]],
    settings: Any,
) -> None:
    from safepassage.messaging.models import Kind, Message, Via

    settings.MESSAGING_STATUS_PAGE_URL = "https://safepassage.example/status/"
    number, day = seat_on(approved_case, "RCH871")
    services.issue_boarding_pass(actor=caseworker, reference=approved_case.reference,
                                 flight_number=number, departure_date=day)
    told = Message.objects.filter(case=approved_case, kind=Kind.BOARDING_PASS_ISSUED)
    bodies = {m.channel: m.body for m in told}
    assert Via.SMS in bodies, "the household is told its pass is ready by SMS"
    for channel, body in bodies.items():
        if channel != Via.STATUS_PAGE:
            assert "https://safepassage.example/status/" in body, channel
