"""How resettlement follows the registry (registry.events, subscribed in ResettlementConfig.ready):
a case that becomes "arrived" gets its resettlement file and milestones at once."""

from __future__ import annotations

from safepassage.registry import events
from safepassage.registry.models import Status
from safepassage.resettlement import services


def case_status_changed(event: events.CaseStatusChanged) -> None:
    if event.to_status == Status.ARRIVED:
        services.open_file_on_arrival(actor=event.actor, case=event.case)
