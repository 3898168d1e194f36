"""A correction to what a document prints (who is in the household, a name) issues the
household's documents in force again and revokes the old ones: a gate agent never checks a
letter or a pass against people who have left the household or a name since corrected."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from safepassage.accounts.models import User
from safepassage.credentials import services
from safepassage.credentials.models import Credential, CredentialKind
from safepassage.credentials.selectors import trust_store_from_database
from safepassage.credentials.verification import REVOKED, VALID, verify_credential
from safepassage.registry import services as registry
from safepassage.registry.models import Case, Person

pytestmark = pytest.mark.django_db


def member(case: Case, given_name: str) -> Person:
    return next(p for p in case.household.members.all() if p.given_name == given_name)


def in_force(case: Case, kind: str) -> Credential:
    return Credential.objects.get(case=case, kind=kind, revoked_at__isnull=True)


def test_a_member_who_leaves_is_no_longer_on_the_letter_and_the_old_letter_is_revoked(
    approved_case: Case, caseworker: User,
) -> None:
    old = services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    daughter = member(approved_case, "Fatima")

    registry.remove_member(actor=caseworker, person=daughter, reason="travels with her aunt")

    new = in_force(approved_case, CredentialKind.LETTER)
    assert new.pk != old.pk
    old.refresh_from_db()
    assert old.revocation_reason == "replaced" and old.replaced_by_id == new.pk
    trust = trust_store_from_database()
    assert verify_credential(old.token, trust=trust).result == REVOKED
    verdict = verify_credential(new.token, trust=trust)
    assert verdict.result == VALID
    assert verdict.covered_names == ["Zabihullah", "Mariam", "Ahmad"]


def test_a_corrected_name_is_printed_on_the_boarding_pass_issued_again(
    approved_case: Case, caseworker: User, seat_on: Callable[..., tuple[str, dt.date]],
) -> None:
    number, day = seat_on(approved_case, "RCH871")
    old = services.issue_boarding_pass(actor=caseworker, reference=approved_case.reference,
                                       flight_number=number, departure_date=day)
    son = member(approved_case, "Ahmad")

    registry.correct_person(actor=caseworker, person=son,
                            changes={"latin_given_name": "Ahmed"}, reason="as in his passport")

    new = in_force(approved_case, CredentialKind.BOARDING_PASS)
    assert new.pk != old.pk and (new.flight_number, new.departure_date) == (number, day)
    verdict = verify_credential(new.token, trust=trust_store_from_database())
    assert verdict.result == VALID and "Ahmed" in verdict.covered_names


def test_a_correction_that_prints_nothing_leaves_the_documents_as_they_are(
    approved_case: Case, caseworker: User,
) -> None:
    letter = services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    son = member(approved_case, "Ahmad")

    registry.correct_person(actor=caseworker, person=son, changes={"sex": "female"},
                            reason="typed wrong")

    assert in_force(approved_case, CredentialKind.LETTER).pk == letter.pk
