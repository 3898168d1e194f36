"""How triage follows the registry (registry.events, subscribed in TriageConfig.ready): a case is
scored when its household is registered, and again when one of its people is corrected (a birth
date changes the age facts) or moves between households (both cases). A change of status
changes no score: the rules do not read it."""

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
    case_ids = list(Case.objects.filter(household_id=event.person.household_id)
                    .values_list("pk", flat=True))
    if event.left_case is not None:  # the household the person left lost a member
        case_ids.append(event.left_case.pk)
    services.rescore_cases(actor=permissions.TRIAGE, case_ids=case_ids)
