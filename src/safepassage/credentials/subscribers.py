"""Credentials follow the registry: a case that loses its approval or its seat loses its
documents in the same transaction (decision 0071)."""

from __future__ import annotations

from safepassage.credentials import services
from safepassage.registry import events


def case_status_changed(event: events.CaseStatusChanged) -> None:
    services.revoke_documents_of_a_moved_case(actor=event.actor, case=event.case,
                                              to_status=event.to_status)
