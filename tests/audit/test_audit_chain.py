import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from safepassage.accounts.models import Role
from safepassage.audit.models import AuditEntry
from safepassage.registry.models import Status
from safepassage.registry.services import change_case_status


def drop_append_only_guard() -> None:
    """What an attacker with the database file would do first."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_entry_no_update")
        else:
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")


@pytest.fixture
def trail(make_case, make_user):
    caseworker = make_user(Role.CASEWORKER)
    for _ in range(6):
        case = make_case()
        change_case_status(actor=caseworker, case=case, to_status=Status.UNDER_REVIEW)
    return list(AuditEntry.objects.order_by("pk"))


def test_an_intact_trail_verifies(trail, capsys):
    call_command("verify_audit")

    assert f"intact: {len(trail)} entries" in capsys.readouterr().out


def test_changing_one_audit_row_makes_verify_fail_and_name_that_row(trail):
    target = trail[5]
    drop_append_only_guard()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET action = %s WHERE id = %s", ["case.withdrawn", target.pk]
        )

    with pytest.raises(CommandError) as failure:
        call_command("verify_audit")

    assert f"entry #{target.pk}" in str(failure.value)
    assert "altered" in str(failure.value)


def test_deleting_an_audit_row_is_detected(trail):
    by_lane = {}
    for entry in trail:
        by_lane.setdefault(entry.lane, []).append(entry)
    lane_entries = max(by_lane.values(), key=len)
    victim, follower = lane_entries[0], lane_entries[1] if len(lane_entries) > 1 else None
    if connection.vendor == "postgresql":
        drop_append_only_guard()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [victim.pk])

    with pytest.raises(CommandError) as failure:
        call_command("verify_audit")

    expected = f"entry #{follower.pk}" if follower else "last entries of the lane were deleted"
    assert expected in str(failure.value)


def test_the_database_refuses_to_rewrite_an_audit_row(trail):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=trail[0].pk).update(action="forged")
