"""A pending pair says why it waits for a person, even when its likelihood rounds to 100%: the
rules that keep a merge from being automatic, read from the levels its fields reached."""

from __future__ import annotations

import datetime as dt
from typing import Any

from safepassage.linkage import engine
from safepassage.linkage.models import CandidatePair, PairStatus
from safepassage.linkage.selectors import held_reasons
from tests.conftest import person


def _pair(probability: float, *, source: str = CandidatePair.Source.RUN,
          **levels: tuple[str, float]) -> CandidatePair:
    return CandidatePair(
        match_probability=probability, match_weight=20.0, source=source,
        reasons=[{"field": f, "level": level, "weight": w} for f, (level, w) in levels.items()],
    )


SAME_NAMES = {"given_name": ("Exact match on given_key", 6.3),
              "family_name": ("Exact match on family_key", 4.1)}


def test_a_father_and_son_of_one_name_wait_for_a_person_unless_a_document_is_theirs() -> None:
    far_apart = {**SAME_NAMES, "date_of_birth": ("All other comparisons", -3.5),
                 "phone": ("same phone, same given name", 15.2)}

    (why,) = held_reasons(_pair(0.999, **far_apart))
    assert why.startswith("Born more than two years apart")

    same_tazkira = {**far_apart, "tazkira": ("Exact match on tazkira", 14.0)}
    assert not any("Born" in w for w in held_reasons(_pair(0.999, **same_tazkira)))


def test_brothers_wait_for_a_person() -> None:
    reasons = held_reasons(_pair(0.995, given_name=("All other comparisons", -5.0),
                                 father_name=("Exact match on father_key", 3.0),
                                 date_of_birth=("same day", 13.2)))
    assert reasons == [
        "Given names far apart with one father: brothers look like this, so such a pair is never "
        "merged automatically."]


def test_an_uncertain_pair_and_a_pair_found_at_registration_say_so() -> None:
    assert held_reasons(_pair(0.7, **SAME_NAMES)) == [
        "Not certain enough to merge without a person "
        f"(below {round(engine.AUTO_MERGE_PROBABILITY * 100)}%)."]
    (why,) = held_reasons(_pair(0.999, source=CandidatePair.Source.INTAKE, **SAME_NAMES))
    assert why.startswith("Found by the check at registration")
    (why,) = held_reasons(_pair(0.999, **SAME_NAMES))  # a run held it: the clustering refused
    assert why.startswith("Merging it would make one person of two people")


def test_a_decided_pair_gives_no_reason_to_wait() -> None:
    decided = _pair(0.7, **SAME_NAMES)
    decided.status = PairStatus.REJECTED
    assert held_reasons(decided) == []


def test_the_pair_page_says_why_a_person_decides(make_case: Any, client_for: Any) -> None:
    father = make_case(person(birth_date=dt.date(1960, 3, 1), birth_date_text="1960-03-01"))
    son = make_case(person(father_name="Zabihullah", tazkira_number="", passport_number="",
                           birth_date=dt.date(1990, 3, 1), birth_date_text="1990-03-01"))
    a, b = sorted(c.household.members.get().pk for c in (father, son))
    pair = CandidatePair.objects.get(person_a_id=a, person_b_id=b)  # the check at registration
    client, _user = client_for("caseworker")

    page = client.get(f"/linkage/review/{pair.pk}/").content.decode()

    assert "Why a person decides" in page
    assert "a generation apart (the years differ in one digit)" in page
    assert "Found by the check at registration" in page


def test_a_generation_between_years_one_digit_apart_is_said_only_for_that_level() -> None:
    typed = _pair(0.999, **SAME_NAMES, date_of_birth=("one digit typed wrong", 4.1))
    assert any("a generation apart" in w for w in held_reasons(typed, (1960, 1990)))
    assert not any("a generation apart" in w for w in held_reasons(typed, (1960, 1961)))
