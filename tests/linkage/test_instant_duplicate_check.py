"""A new registration is compared with the persons already registered, at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from safepassage.linkage.models import CandidatePair, PairStatus, PersonFeatures
from safepassage.registry.models import Relationship, Sex
from tests.conftest import person


def test_registering_a_household_stores_the_features_of_each_person(make_case: Any) -> None:
    case = make_case(person(), person(given_name="Zahra", sex=Sex.FEMALE,
                                      relationship_to_head=Relationship.SPOUSE))
    stored = PersonFeatures.objects.filter(person__household=case.household)
    assert stored.count() == 2
    assert {f.data["given_key"] for f in stored} == {"zabihulah", "zahra"}


def test_the_same_person_spelt_another_way_is_flagged_as_a_possible_duplicate(
    make_case: Any,
) -> None:
    first = make_case(person())
    second = make_case(
        person(given_name="Zabiullah", family_name="Stanekzai", father_name="Abdurrahman",
               name_native="", birth_date=dt.date(1987, 1, 1),
               birth_date_latest=dt.date(1987, 12, 31),
               birth_date_precision="year", phones=["+93791234567"], tazkira_number="",
               passport_number="")
    )
    pair = CandidatePair.objects.get()
    assert pair.status == PairStatus.PENDING
    assert pair.source == CandidatePair.Source.INTAKE
    assert {pair.person_a.household_id, pair.person_b.household_id} == {
        first.household_id, second.household_id}
    reasons = {r["field"]: r for r in pair.reasons}
    assert reasons["father_name"]["level"].startswith("Exact match")
    assert reasons["date_of_birth"]["level"] == "imprecise date compatible"
    assert reasons["date_of_birth"]["weight"] > 0


def test_a_different_person_is_not_flagged(make_case: Any) -> None:
    make_case(person())
    make_case(person(given_name="Farid", family_name="Wardak", father_name="Karim",
                     name_native="", birth_date=dt.date(1990, 3, 4), phones=["+93701111111"],
                     tazkira_number="", passport_number="P99999999"))
    assert not CandidatePair.objects.exists()


def test_the_case_page_says_possible_duplicate_of_the_other_case(
    make_case: Any, client_for: Any
) -> None:
    first = make_case(person())
    second = make_case(person(given_name="Zabihollah", tazkira_number="", passport_number=""))
    client, _user = client_for("caseworker")
    page = client.get(f"/cases/{second.reference}/").content.decode()
    assert "possible duplicate of a person in" in page
    assert first.reference in page


def test_with_a_common_name_the_candidates_sharing_most_keys_are_compared_first(
    make_case: Any, monkeypatch: Any,
) -> None:
    """Thousands share "Mohammad, born 1990": the check compares only so many people, and the
    one who also shares the phone and the tazkira must be among them, however late he came."""
    from safepassage.linkage import services

    monkeypatch.setattr(services, "CANDIDATE_LIMIT", 1)
    common = {"given_name": "Mohammad", "birth_date": dt.date(1990, 1, 1),
              "birth_date_text": "1990-01-01", "name_native": "", "passport_number": ""}
    for n, family in enumerate(["Ahmadi", "Rahimi", "Karimi", "Noori", "Sultani"]):
        make_case(person(**common, family_name=family, father_name=f"Father{n}",
                         phones=[f"+9370000000{n}"], tazkira_number=f"99990000{n}"))
    same_man = make_case(person(**common, family_name="Hotak", father_name="Gul Agha",
                                phones=["+93799999999"], tazkira_number="55551111"))
    assert not CandidatePair.objects.exists()

    again = make_case(person(**common, family_name="Hotaki", father_name="Gul Aga",
                             phones=["+93799999999"], tazkira_number="55551111"))

    pair = CandidatePair.objects.get()
    assert {pair.person_a.household_id, pair.person_b.household_id} == {
        same_man.household_id, again.household_id}


def test_a_new_person_gets_only_the_strongest_possible_duplicates(
    make_case: Any, monkeypatch: Any,
) -> None:
    from safepassage.linkage import services

    monkeypatch.setattr(services, "PAIRS_PER_PERSON", 1)
    make_case(person(tazkira_number="", passport_number=""))
    twin = make_case(person(given_name="Zabihollah", tazkira_number="777", passport_number=""))
    before = CandidatePair.objects.count()

    newcomer = make_case(person(given_name="Zabihollah", tazkira_number="777",
                                passport_number=""))

    pairs = CandidatePair.objects.filter(person_b__household=newcomer.household)
    assert CandidatePair.objects.count() == before + 1
    assert pairs.get().person_a.household_id == twin.household_id
