"""Each household registered in a batch is led by its member marked head, else its first
member, however the batch is written (keys drawn beforehand on PostgreSQL, afterwards on
SQLite)."""

import pytest

from safepassage.accounts import permissions
from safepassage.registry.models import Channel, Relationship
from safepassage.registry.services import HouseholdData, register_households
from tests.conftest import person

pytestmark = pytest.mark.django_db


def test_the_member_marked_head_leads_each_household_of_a_batch() -> None:
    households = [
        HouseholdData(category="interpreter", members=[
            person(given_name="Maryam", relationship_to_head=Relationship.DAUGHTER),
            person(given_name="Wahid", relationship_to_head=Relationship.HEAD),
        ]),
        HouseholdData(category="journalist", members=[
            person(given_name="Freshta", relationship_to_head=Relationship.SPOUSE),
            person(given_name="Farid", relationship_to_head=Relationship.SON),
        ]),
        HouseholdData(category="citizen", members=[person(given_name="Nasrin")]),
    ]

    cases = register_households(actor=permissions.DEMO, households=households, channel=Channel.DEMO)

    heads = []
    for case in cases:
        case.household.refresh_from_db()
        assert case.household.head.household_id == case.household_id
        heads.append(case.household.head.given_name)
    assert heads == ["Wahid", "Freshta", "Nasrin"]
    assert [sorted(m.given_name for m in c.household.members.all()) for c in cases] == [
        ["Maryam", "Wahid"], ["Farid", "Freshta"], ["Nasrin"]]
