"""How triage follows the registry (registry.events, subscribed in TriageConfig.ready): a case is
scored when its household is registered, and again when one of its people is corrected (a birth
date changes the age facts). A change of status changes no score: the rules do not read it."""

from __future__ import annotations

from safepassage.accounts import permissions
from safepassage.registry import events
from safepassage.registry.models import Case
from safepassage.triage import services
from safepassage.triage.selectors import active_rule_set


def households_registered(event: events.HouseholdsRegistered) -> None:
    services.score_registered(actor=permissions.TRIAGE, cases=event.cases, people=event.people)


def person_corrected(event: events.PersonCorrected) -> None:
    if active_rule_set() is None:
        return
    cases = Case.objects.filter(household_id=event.person.household_id)
    services.rescore_cases(actor=permissions.TRIAGE,
                           case_ids=list(cases.values_list("pk", flat=True)))
