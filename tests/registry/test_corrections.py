"""Caseworkers correct people and households: names, dates, documents; add, remove or move a
member. Every change keeps the old value in the case's history, is audited (fields only), and
is announced so that duplicates and the priority are checked again."""
from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safepassage.accounts.models import Role
from safepassage.audit.models import AuditEntry
from safepassage.registry import events, services
from safepassage.registry.models import Case, Correction, Identifier, Person
from safepassage.registry.selectors import search_cases
from tests.conftest import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard() -> Any:
    received: list[events.PersonCorrected] = []
    events.person_corrected.subscribe(received.append)
    yield received
    events.person_corrected.unsubscribe(received.append)


def head_of(case: Case) -> Person:
    return Case.objects.get(pk=case.pk).household.head


def test_a_correction_keeps_the_old_value_audits_the_field_and_announces_it(
    make_case: Any, make_user: Any, heard: list[Any],
) -> None:
    case = make_case(person(family_name="Stanikzai", passport_number="P01234567"))
    caseworker = make_user(Role.CASEWORKER)
    head = head_of(case)

    services.correct_person(actor=caseworker, person=head, reason="Passport seen",
                            changes={"family_name": "Stanekzai", "passport_number": "p 0765-4321",
                                     "date_of_birth": "1366"})

    head.refresh_from_db()
    assert head.family_name == "Stanekzai"
    assert head.passport_number == "P07654321"
    assert head.birth_date_precision == "year"
    assert head.latin_family_name == "Stanekzai"  # a Latin name typed follows the correction
    kept = {c.field: (c.old_value, c.new_value) for c in case.corrections.all()}
    assert kept["family_name"] == ("Stanikzai", "Stanekzai")
    assert kept["passport_number"] == ("P01234567", "P07654321")
    entry = AuditEntry.objects.get(action="person.corrected")
    assert entry.object_id == case.reference
    assert "Stanekzai" not in str(entry.details) and "P07654321" not in str(entry.details)
    fields = {"date_of_birth", "family_name", "latin_family_name", "passport_number"}
    assert set(entry.details["fields"]) == fields
    assert [e.person.pk for e in heard] == [head.pk]
    assert heard[0].fields == fields


def test_after_a_correction_the_person_is_found_by_the_new_document_not_the_old(
    make_case: Any, make_user: Any,
) -> None:
    case = make_case(person(passport_number="P01234567"))
    caseworker = make_user(Role.CASEWORKER)
    services.correct_person(actor=caseworker, person=head_of(case), reason="typo",
                            changes={"passport_number": "P07654321"})

    assert [c.reference for c in search_cases(actor=caseworker, text="P07654321")] == [
        case.reference]
    assert list(search_cases(actor=caseworker, text="P01234567")) == []
    assert Identifier.objects.filter(person=head_of(case), kind="passport").count() == 1


def test_a_wrong_value_is_refused_with_every_problem_by_field(make_case: Any,
                                                              make_user: Any) -> None:
    case = make_case()
    with pytest.raises(ValidationError) as refused:
        services.correct_person(actor=make_user(Role.CASEWORKER), person=head_of(case),
                                reason="x", changes={"date_of_birth": "31/02/1990",
                                                     "given_name": "",
                                                     "latin_family_name": "ستانکزی"})
    assert set(refused.value.message_dict) == {"date_of_birth", "given_name", "latin_family_name"}
    assert Correction.objects.count() == 0


def test_a_correction_needs_a_reason_and_a_caseworker(make_case: Any, make_user: Any) -> None:
    case = make_case()
    with pytest.raises(ValidationError):
        services.correct_person(actor=make_user(Role.CASEWORKER), person=head_of(case),
                                reason=" ", changes={"family_name": "Other"})
    for role in (Role.GATE_AGENT, Role.AUDITOR, Role.PARTNER):
        with pytest.raises(PermissionDenied):
            services.correct_person(actor=make_user(role), person=head_of(case), reason="x",
                                    changes={"family_name": "Other"})


def test_a_suggested_latin_name_corrected_by_hand_is_confirmed(make_case: Any,
                                                               make_user: Any) -> None:
    case = make_case(person(given_name="ذبیح الله", family_name="ستانکزی"))
    head = head_of(case)
    assert head.latin_name_unconfirmed

    services.correct_person(actor=make_user(Role.CASEWORKER), person=head, reason="tazkira",
                            changes={"latin_given_name": "Zabiullah"})

    head.refresh_from_db()
    assert head.latin_given_name == "Zabiullah"
    assert head.latin_name_source == "confirmed"


def test_members_are_added_moved_and_removed_and_no_one_is_lost(
    make_case: Any, make_user: Any, heard: list[Any],
) -> None:
    family = make_case(person(given_name="Wahid"), person(given_name="Laila",
                                                          relationship_to_head="spouse"))
    cousins = make_case(person(given_name="Karim", family_name="Haidari", phones=[]))
    caseworker = make_user(Role.CASEWORKER)

    added = services.add_member(actor=caseworker, case=family, reason="born last month",
                                values={"given_name": "Maryam", "relationship_to_head":
                                        "daughter", "date_of_birth": "2021"})
    laila = next(m for m in family.household.members.all() if m.given_name == "Laila")
    services.move_member(actor=caseworker, person=laila, to_case=cousins, reason="travels with")
    own = services.remove_member(actor=caseworker, person=added, reason="stays with an aunt")

    assert sorted(m.given_name for m in family.household.members.all()) == ["Wahid"]
    assert sorted(m.given_name for m in cousins.household.members.all()) == ["Karim", "Laila"]
    assert [m.given_name for m in own.household.members.all()] == ["Maryam"]
    assert own.status == "registered" and own.category == family.category
    kinds = list(family.corrections.values_list("kind", flat=True))
    assert kinds == ["member_added", "member_moved_out", "member_removed"]
    assert list(cousins.corrections.values_list("kind", flat=True)) == ["member_moved_in"]
    assert len(heard) == 3
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"household.member_added", "household.member_moved_out",
            "household.member_moved_in", "household.member_removed"} <= actions


def test_the_head_and_the_last_member_cannot_leave(make_case: Any, make_user: Any) -> None:
    family = make_case(person(given_name="Wahid"), person(given_name="Laila",
                                                          relationship_to_head="spouse"))
    alone = make_case(person(given_name="Karim"))
    caseworker = make_user(Role.CASEWORKER)

    with pytest.raises(ValidationError, match="heads the household"):
        services.remove_member(actor=caseworker, person=head_of(family), reason="x")
    with pytest.raises(ValidationError, match="only member"):
        services.move_member(actor=caseworker, person=head_of(alone), to_case=family, reason="x")


def test_a_caseworker_corrects_through_the_case_page_and_sees_the_history(
    make_case: Any, client_for: Any,
) -> None:
    case = make_case(person(given_name="ذبیح الله", family_name="ستانکزی"))
    client, _user = client_for(Role.CASEWORKER)
    head = head_of(case)

    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert "to confirm" in page and "Zabihullah" in page
    form = client.get(f"/cases/{case.reference}/people/{head.pk}/correct/").content.decode()
    shown = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', form))
    response = client.post(f"/cases/{case.reference}/people/{head.pk}/correct/",
                           {**shown, "sex": head.sex, "relationship_to_head": "head",
                            "latin_family_name": "Stanekzai", "reason": "passport seen"})
    assert response.status_code == 302
    client.post(f"/cases/{case.reference}/people/{head.pk}/confirm-latin-name/")

    page = client.get(f"/cases/{case.reference}/").content.decode()
    history = re.search(r'<section class="card" id="corrections">(.*?)</section>', page,
                        re.S).group(1)
    assert "Stanikzai" in history and "Stanekzai" in history and "passport seen" in history
    assert "to confirm" not in page


def test_the_correction_form_refuses_a_role_that_may_not_correct(
    make_case: Any, client_for: Any,
) -> None:
    case = make_case()
    client, _user = client_for(Role.AIRLIFT_OFFICER)
    head = head_of(case)
    assert client.get(f"/cases/{case.reference}/people/{head.pk}/correct/").status_code == 403
    assert client.post(f"/cases/{case.reference}/people/{head.pk}/move/",
                       {"reason": "x"}).status_code == 403
