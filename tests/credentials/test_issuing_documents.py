"""Issuing letters and boarding passes: who may, for which cases, what is audited, what prints."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safepassage.accounts.models import Role, User
from safepassage.audit.models import AuditEntry
from safepassage.credentials import qr, selectors, services
from safepassage.credentials.models import Credential
from safepassage.registry.models import Case

pytestmark = pytest.mark.django_db


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_issuing_is_audited_with_the_acting_user_and_no_names(
    approved_case: Case, caseworker: User
) -> None:
    letter = services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    entry = AuditEntry.objects.get(action="credential.issued")
    assert entry.actor_id == caseworker.pk
    assert entry.object_id == approved_case.reference
    assert entry.details["token_id"] == letter.token_id
    assert "Zabihullah" not in str(entry.details)


def test_re_issuing_replaces_the_previous_letter_and_records_why(
    approved_case: Case, caseworker: User
) -> None:
    first = services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    second = services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    first.refresh_from_db()
    assert first.revoked_at is not None and first.replaced_by == second
    assert first.revoked_by == caseworker and first.revocation_reason == "replaced"
    assert AuditEntry.objects.filter(action="credential.revoked").count() == 1


def test_a_boarding_pass_only_for_the_flight_the_household_holds_a_seat_on(
    approved_case: Case, caseworker: User, seat_on: Callable[..., tuple[str, dt.date]]
) -> None:
    with pytest.raises(ValidationError, match=r"holds no seat|only to an approved household"):
        services.issue_boarding_pass(actor=caseworker, reference=approved_case.reference,
                                     flight_number="RCH871",
                                     departure_date=dt.date.today() + dt.timedelta(days=1))
    number, day = seat_on(approved_case, "RCH871")
    a = services.issue_boarding_pass(actor=caseworker, reference=approved_case.reference,
                                     flight_number="RCH871", departure_date=day)
    for flight in ("ZZ999", "RCH872"):
        with pytest.raises(ValidationError) as refused:
            services.issue_boarding_pass(actor=caseworker, reference=approved_case.reference,
                                         flight_number=flight, departure_date=day)
        assert "flight_number" in refused.value.message_dict
    again = services.issue_boarding_pass(actor=caseworker, reference=approved_case.reference,
                                         flight_number="rch-871", departure_date=day)
    live = set(Credential.objects.filter(revoked_at__isnull=True).values_list("pk", flat=True))
    assert live == {again.pk} and a.pk not in live
    assert number == again.flight_number


def test_an_approved_case_without_a_seat_gets_a_letter_but_no_pass(
    approved_case: Case, caseworker: User
) -> None:
    services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    with pytest.raises(ValidationError, match="only to an approved household holding a seat"):
        services.issue_boarding_pass(actor=caseworker, reference=approved_case.reference,
                                     flight_number="RCH871",
                                     departure_date=dt.date.today() + dt.timedelta(days=1))


def test_a_case_not_yet_approved_gets_no_document(
    make_case: Callable[..., Case], caseworker: User
) -> None:
    case = make_case()
    with pytest.raises(ValidationError, match="approved"):
        services.issue_facilitation_letter(actor=caseworker, reference=case.reference)
    assert not Credential.objects.exists()


def test_a_gate_agent_cannot_issue(approved_case: Case, make_user: Callable[..., User]) -> None:
    with pytest.raises(PermissionDenied):
        services.issue_facilitation_letter(actor=make_user(Role.GATE_AGENT),
                                           reference=approved_case.reference)


@pytest.mark.parametrize(
    ("flight", "day", "field"),
    [("not a flight", 1, "flight_number"), ("RCH871", -1, "departure_date")],
)
def test_a_bad_flight_or_date_names_the_field(
    approved_case: Case, caseworker: User, flight: str, day: int, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.issue_boarding_pass(
            actor=caseworker, reference=approved_case.reference, flight_number=flight,
            departure_date=dt.date.today() + dt.timedelta(days=day),
        )
    assert field in caught.value.message_dict


@pytest.mark.slow
def test_the_letter_pdf_speaks_dari_and_english_and_carries_the_qr(
    approved_case: Case, caseworker: User, tmp_path: Path
) -> None:
    letter = services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    filename, pdf = selectors.credential_pdf(actor=caseworker, token_id=letter.token_id)
    assert filename == f"letter-{approved_case.reference}.pdf"
    text = _pdf_text(pdf, tmp_path)
    assert "Facilitation letter" in text and "Zabihullah Stanikzai" in text
    assert "تسهیل" in text, "the Dari title is in the letter"
    assert approved_case.reference in text
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(tmp_path / "doc.pdf"),
                    str(tmp_path / "page")], check=True)
    assert qr.read_qr_texts(tmp_path / "page-1.png") == [letter.token]
    assert AuditEntry.objects.filter(action="credential.downloaded",
                                     object_id=approved_case.reference).exists()


@pytest.mark.slow
def test_the_boarding_pass_pdf_names_the_flight_in_pashto_and_english(
    make_case: Callable[..., Case], approve: Callable[[Case], Case], caseworker: User,
    tmp_path: Path, seat_on: Callable[..., tuple[str, dt.date]],
) -> None:
    from tests.conftest import person

    case = approve(make_case(person(preferred_language="ps")))
    _number, day = seat_on(case, "RCH871")
    boarding = services.issue_boarding_pass(
        actor=caseworker, reference=case.reference, flight_number="RCH871",
        departure_date=day,
    )
    _name, pdf = selectors.credential_pdf(actor=caseworker, token_id=boarding.token_id)
    text = _pdf_text(pdf, tmp_path)
    assert "Boarding pass" in text and "RCH871" in text
    assert "الوتنې" in text
