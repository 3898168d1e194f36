"""A household registered twice is reviewed as one family: one decision for every pair between
the two registrations, a choice per pair that overrides it, never one person confirmed as two
members of the other; the queue leaves out pairs already one person; the thresholds say what
they cost, on the review page and in `link --report`."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from safepassage.linkage import selectors, services
from safepassage.linkage.models import CandidatePair, PairStatus, PersonCluster
from safepassage.registry.models import Case
from tests.conftest import person

YEAR_ONLY = dict(birth_date_precision="year", birth_date_text="", phones=[], tazkira_number="",
                 passport_number="", name_native="")


def father(**overrides: Any) -> Any:
    return person(**overrides)


def son(**overrides: Any) -> Any:
    return person(**{"given_name": "Farid", "father_name": "Zabihullah",
                     "birth_date": dt.date(2005, 3, 4), "name_native": "",
                     "tazkira_number": "", "passport_number": "", **overrides})


@pytest.fixture
def family(make_case: Any) -> dict[str, Case]:
    """The same father and son registered twice; the second time thin (a year, no documents)."""
    first = make_case(father(), son())
    second = make_case(
        father(given_name="Zabihollah", birth_date=dt.date(1987, 1, 1),
               birth_date_latest=dt.date(1987, 12, 31), **YEAR_ONLY),
        son(given_name="Fareed", birth_date=dt.date(2005, 1, 1),
            birth_date_latest=dt.date(2005, 12, 31), **YEAR_ONLY),
    )
    return {"first": first, "second": second}


def pending_between(family: dict[str, Case]) -> list[CandidatePair]:
    households = [family["first"].household_id, family["second"].household_id]
    return list(CandidatePair.objects.filter(
        status=PairStatus.PENDING, person_a__household_id__in=households,
        person_b__household_id__in=households).order_by("pk"))


def test_one_decision_confirms_every_pair_of_the_family(family: Any, make_user: Any) -> None:
    pairs = pending_between(family)
    assert len(pairs) >= 2
    caseworker = make_user("caseworker")
    file = selectors.get_family_file(actor=caseworker, pair_id=pairs[0].pk)
    assert {m.pair.pk for m in file.members} == {p.pk for p in pairs}
    merged, apart = services.decide_family(
        actor=caseworker, decisions={p.pk: True for p in pairs})
    assert (merged, apart) == (len(pairs), 0)
    clusters = PersonCluster.objects.filter(
        person__household__in=[family["first"].household, family["second"].household])
    assert len(set(clusters.values_list("cluster_id", flat=True))) == 2  # father, son


def test_a_per_pair_choice_overrides_the_family_decision(family: Any, make_user: Any) -> None:
    pairs = pending_between(family)
    caseworker = make_user("caseworker")
    decisions = {p.pk: True for p in pairs}
    decisions[pairs[-1].pk] = False
    services.decide_family(actor=caseworker, decisions=decisions)
    assert CandidatePair.objects.get(pk=pairs[-1].pk).status == PairStatus.REJECTED
    assert CandidatePair.objects.get(pk=pairs[0].pk).status == PairStatus.CONFIRMED


def test_one_person_is_never_confirmed_as_two_members_of_the_other_registration(
    make_case: Any, make_user: Any
) -> None:
    """Two brothers of one registration against one man of the other: confirming both is
    refused as a whole, and nothing is decided."""
    first = make_case(son(given_name="Farid"), son(given_name="Fareed"))  # twins
    second = make_case(son(given_name="Farid", birth_date=dt.date(2005, 1, 1),
                           birth_date_latest=dt.date(2005, 12, 31), **YEAR_ONLY))
    pairs = list(CandidatePair.objects.filter(
        person_b__household=second.household, person_a__household=first.household))
    assert len(pairs) == 2
    with pytest.raises(services.PairDecisionError):
        services.decide_family(actor=make_user("caseworker"),
                               decisions={p.pk: True for p in pairs})
    assert set(CandidatePair.objects.filter(pk__in=[p.pk for p in pairs])
               .values_list("status", flat=True)) == {PairStatus.PENDING}


def test_the_queue_leaves_out_a_pair_already_one_person(
    make_case: Any, make_user: Any
) -> None:
    """One man registered three times: once the first is confirmed with the second and with the
    third, the pair of the second and the third has nothing left to decide."""
    thin = dict(birth_date=dt.date(1987, 1, 1), birth_date_latest=dt.date(1987, 12, 31),
                **YEAR_ONLY)
    first = make_case(father())
    second = make_case(father(given_name="Zabihollah", **thin))
    third = make_case(father(given_name="Zabihulla", **thin))
    heads = [c.household.members.get().pk for c in (first, second, third)]
    caseworker = make_user("caseworker")

    def pair(a: int, b: int) -> CandidatePair:
        return CandidatePair.objects.get(person_a_id=min(a, b), person_b_id=max(a, b))

    last = pair(heads[1], heads[2])
    assert last.pk in set(selectors.review_queue(actor=caseworker).values_list("pk", flat=True))
    services.confirm_pair(actor=caseworker, pair=pair(heads[0], heads[1]))
    services.confirm_pair(actor=caseworker, pair=pair(heads[0], heads[2]))
    assert last.pk not in set(
        selectors.review_queue(actor=caseworker).values_list("pk", flat=True))


def test_threshold_costs_come_from_the_decisions_and_link_report_prints_them(
    family: Any, make_user: Any
) -> None:
    caseworker = make_user("caseworker")
    pairs = pending_between(family)
    decisions = {p.pk: True for p in pairs}
    decisions[pairs[-1].pk] = False
    services.decide_family(actor=caseworker, decisions=decisions)
    costs = {c.name: c for c in selectors.threshold_costs(actor=caseworker)}
    review = costs["review"]
    same = sum(decisions.values())
    assert review.labelled_same == same
    assert review.recall == 1.0  # every decided pair was proposed at or above 0.5
    assert review.precision == round(same / len(pairs), 3)
    out = StringIO()
    call_command("link", "--report", stdout=out)
    text = out.getvalue()
    assert "review" in text and "merge" in text and f"{review.precision:.3f}" in text
