"""A member moved from one household to another changes both: triage scores both cases again."""

from __future__ import annotations

from typing import Any

import pytest

from safepassage.accounts.models import Role
from safepassage.registry import services as registry
from safepassage.registry.models import Case, Person
from safepassage.triage.models import Assessment
from tests.airlift.conftest import family

pytestmark = pytest.mark.django_db


def a_member_not_head(case: Case) -> Person:
    household = Case.objects.select_related("household").get(pk=case.pk).household
    return household.members.exclude(pk=household.head_id).order_by("pk").first()


def test_a_member_moved_out_rescores_the_case_left_and_the_case_joined(
    make_case: Any, make_user: Any,
) -> None:
    left = make_case(*family("Haidari", 3))
    joined = make_case(*family("Rahimi", 1))
    before = {c.pk: Assessment.objects.get(case=c).scored_at for c in (left, joined)}
    leaving = a_member_not_head(left)

    registry.move_member(actor=make_user(Role.CASEWORKER), person=leaving, to_case=joined,
                         reason="travels with the cousins")

    after = {c.pk: Assessment.objects.get(case=c).scored_at for c in (left, joined)}
    assert after[joined.pk] > before[joined.pk]
    assert after[left.pk] > before[left.pk]


def test_a_member_removed_rescores_the_case_left_and_scores_the_new_case(
    make_case: Any, make_user: Any,
) -> None:
    left = make_case(*family("Haidari", 3))
    before = Assessment.objects.get(case=left).scored_at
    leaving = a_member_not_head(left)

    own = registry.remove_member(actor=make_user(Role.CASEWORKER), person=leaving,
                                 reason="stays with an aunt")

    assert Assessment.objects.get(case=left).scored_at > before
    assert Assessment.objects.filter(case=own).exists()
