"""How airlift follows the registry's corrections (registry.events, subscribed in
AirliftConfig.ready): a household whose members change keeps a seat only for the people it now
has, on a flight with room for them (services.recheck_seat)."""

from __future__ import annotations

from safepassage.accounts import permissions
from safepassage.airlift import services
from safepassage.registry import events
from safepassage.registry.models import Case


def person_corrected(event: events.PersonCorrected) -> None:
    if not {"household", "birth_date"} & event.fields:
        return
    cases = list(Case.objects.filter(household_id=event.person.household_id))
    if event.left_case is not None:
        cases.append(event.left_case)
    for case in cases:
        services.recheck_seat(actor=permissions.SEAT_RECHECK, case=case)
