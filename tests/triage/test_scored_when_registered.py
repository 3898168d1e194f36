"""A case is scored under the rules in force as its household is registered, and again when one
of its people is corrected: no one waits for the nightly `rescore` to know its priority."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from safepassage.accounts import permissions
from safepassage.audit.models import AuditEntry
from safepassage.registry import events
from safepassage.registry.models import Case, Channel, Person
from safepassage.registry.services import HouseholdData, register_households
from safepassage.triage.models import Assessment
from tests.conftest import person

CHILD_BORN = dt.date.today() - dt.timedelta(days=365 * 12)


def test_a_household_has_its_priority_as_soon_as_it_is_registered(
    make_case: Callable[..., Case],
) -> None:
    case = make_case(category="citizen")

    assert case.priority == Case.objects.get(pk=case.pk).priority == 3
    assessment = Assessment.objects.get(case=case)
    assert (assessment.rule_set.version, assessment.eligible) == (1, True)
    entry = AuditEntry.objects.get(action="case.priority_changed", object_id=case.reference)
    assert entry.actor == "triage" and entry.details["to"] == 3


def test_the_ages_of_a_new_household_count_at_once(make_case: Callable[..., Case]) -> None:
    adult = make_case(category="journalist")
    child_alone = make_case(person(given_name="Sana", birth_date=CHILD_BORN),
                            category="journalist")

    assert (adult.priority, child_alone.priority) == (1, 2)  # + every member a minor


def test_a_whole_import_batch_is_scored_with_its_registration() -> None:
    households = [HouseholdData([person(given_name=f"Member{n}")], category)
                  for n, category in enumerate(["citizen", "permanent_resident", "other"])]
    cases = register_households(actor=permissions.DEMO, households=households,
                                channel=Channel.DEMO)

    assert [c.priority for c in cases] == [3, 2, None]  # "other": a supervisor decides
    assert Assessment.objects.filter(case__in=cases).count() == 3


def test_a_corrected_birth_date_scores_the_case_again(make_case: Callable[..., Case]) -> None:
    case = make_case(category="journalist")
    head = Person.objects.get(household=case.household)
    head.birth_date = head.birth_date_latest = CHILD_BORN  # as a correction would record it
    head.save(update_fields=["birth_date", "birth_date_latest"])

    events.person_corrected.publish(events.PersonCorrected(
        actor=permissions.DEMO, person=head, fields=frozenset({"birth_date"})))

    assert Case.objects.get(pk=case.pk).priority == 2
