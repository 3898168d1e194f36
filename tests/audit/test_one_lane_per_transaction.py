"""Everything one transaction audits goes on one lane: two transactions can then never each hold
a lane the other needs (the deadlock two import processes met on PostgreSQL)."""

import pytest
from django.db import transaction
from django.test import override_settings

from safepassage.accounts.permissions import DEMO
from safepassage.audit import services as audit
from safepassage.audit.models import AuditEntry


@pytest.mark.django_db(transaction=True)
@override_settings(AUDIT_LANES=8)
def test_each_transaction_keeps_to_one_lane_and_transactions_spread_over_lanes() -> None:
    for batch in range(30):
        with transaction.atomic():
            for step in range(4):
                audit.record(actor=DEMO, action="test.step", object_type="batch",
                             object_id=f"{batch}-{step}")
    lanes_by_batch: dict[str, set[int]] = {}
    for entry in AuditEntry.objects.filter(action="test.step"):
        lanes_by_batch.setdefault(entry.object_id.split("-")[0], set()).add(entry.lane)
    assert len(lanes_by_batch) == 30
    assert all(len(lanes) == 1 for lanes in lanes_by_batch.values())
    assert len(set().union(*lanes_by_batch.values())) > 1  # the lanes still spread the load
