"""Staff issue a letter or a boarding pass from the case page and download the PDF."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from safepassage.accounts.models import Role
from safepassage.credentials.models import Credential
from safepassage.registry.models import Case

pytestmark = pytest.mark.django_db


def test_a_caseworker_issues_a_letter_from_the_case_page_and_downloads_it(
    approved_case: Case, client_for: Callable[..., Any]
) -> None:
    client, _user = client_for(Role.CASEWORKER)
    page = client.get(f"/cases/{approved_case.reference}/")
    assert b"Issue facilitation letter" in page.content
    response = client.post(f"/credentials/cases/{approved_case.reference}/letter/", follow=True)
    assert b"Facilitation letter issued" in response.content
    letter = Credential.objects.get()
    assert f"/credentials/{letter.token_id}/pdf/".encode() in response.content
    pdf = client.get(f"/credentials/{letter.token_id}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert approved_case.reference in pdf["Content-Disposition"]


def test_a_boarding_pass_with_a_bad_flight_number_says_what_to_fix(
    approved_case: Case, client_for: Callable[..., Any], seat_on: Callable[..., Any]
) -> None:
    client, _user = client_for(Role.AIRLIFT_OFFICER)
    tomorrow = seat_on(approved_case, "RCH871")[1].isoformat()
    response = client.post(
        f"/credentials/cases/{approved_case.reference}/boarding-pass/",
        {"flight_number": "???", "departure_date": tomorrow}, follow=True,
    )
    assert b"is not a flight number" in response.content
    assert not Credential.objects.exists()
    response = client.post(
        f"/credentials/cases/{approved_case.reference}/boarding-pass/",
        {"flight_number": "ZZ999", "departure_date": tomorrow}, follow=True,
    )
    assert b"not on ZZ999" in response.content
    assert not Credential.objects.exists()
    response = client.post(
        f"/credentials/cases/{approved_case.reference}/boarding-pass/",
        {"flight_number": "RCH871", "departure_date": tomorrow}, follow=True,
    )
    assert Credential.objects.get().flight_number == "RCH871"


def test_a_partner_sees_no_document_panel_and_cannot_issue(
    approved_case: Case, client_for: Callable[..., Any]
) -> None:
    client, _user = client_for(Role.PARTNER)
    response = client.post(f"/credentials/cases/{approved_case.reference}/letter/")
    assert response.status_code in {403, 404}
    assert not Credential.objects.exists()


def test_the_verifier_page_is_public_and_holds_no_personal_data(
    approved_case: Case, client_for: Callable[..., Any]
) -> None:
    client, _user = client_for(Role.CASEWORKER)
    client.post(f"/credentials/cases/{approved_case.reference}/letter/")
    client.post(f"/credentials/cases/{approved_case.reference}/letter/")  # one revoked
    from django.test import Client

    response = Client().get("/verify/?download=1")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    html = response.content.decode()
    assert "jsQR" in html and "crypto.subtle" in html
    assert "Zabihullah" not in html and approved_case.reference not in html


def test_a_case_not_yet_approved_says_why_no_document_can_be_issued(
    make_case: Callable[..., Case], client_for: Callable[..., Any]
) -> None:
    case = make_case()
    client, _user = client_for(Role.CASEWORKER)
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert "Documents are signed once the case is approved; it is registered." in page
    assert "Issue facilitation letter" not in page
