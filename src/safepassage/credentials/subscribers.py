"""Credentials follow the registry: a case that loses its approval or its seat loses its
documents in the same transaction (decision 0071), and a correction to what a document prints
issues it again (decision 0016)."""

from __future__ import annotations

from safepassage.accounts import permissions
from safepassage.credentials import services
from safepassage.registry import events
from safepassage.registry.models import Case


def case_status_changed(event: events.CaseStatusChanged) -> None:
    services.revoke_documents_of_a_moved_case(actor=event.actor, case=event.case,
                                              to_status=event.to_status)


def person_corrected(event: events.PersonCorrected) -> None:
    if not services.PRINTED_FIELDS & event.fields:
        return
    cases = list(Case.objects.filter(household_id=event.person.household_id))
    if event.left_case is not None:
        cases.append(event.left_case)
    services.reissue_documents_after_correction(actor=permissions.DOCUMENT_REISSUE, cases=cases)
