"""The auditor's page: the trail filtered by actor, case, action and date, paged, exported as
CSV that a spreadsheet cannot run, and the verdict of walking the hash chains."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection

from safepassage.accounts.models import Role
from safepassage.audit import services as audit
from safepassage.audit.models import AuditEntry
from safepassage.registry.models import Status
from safepassage.registry.services import change_case_status
from tests.audit.test_audit_chain import drop_append_only_guard

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def trail(make_case: Any, make_user: Any) -> dict[str, Any]:
    alice, bob = make_user(Role.CASEWORKER), make_user(Role.SUPERVISOR)
    first, second = make_case(), make_case()
    change_case_status(actor=alice, case=first, to_status=Status.UNDER_REVIEW)
    change_case_status(actor=bob, case=second, to_status=Status.UNDER_REVIEW)
    change_case_status(actor=bob, case=second, to_status=Status.ELIGIBLE)
    return {"alice": alice, "bob": bob, "first": first, "second": second}


def rows_of(page: str) -> list[str]:
    body = re.search(r'<tbody>(.*?)</tbody>', page, re.S).group(1)
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def test_only_the_auditor_and_the_administrator_see_the_trail(client_for: Any) -> None:
    for role, expected in [(Role.AUDITOR, 200), (Role.ADMINISTRATOR, 200),
                           (Role.CASEWORKER, 403), (Role.SUPERVISOR, 403), (Role.PARTNER, 403)]:
        client, _user = client_for(role)
        assert client.get("/audit/").status_code == expected, role
        assert client.get("/audit/export.csv").status_code == expected, role


def test_the_auditor_filters_by_actor_case_action_and_date(trail: Any, client_for: Any) -> None:
    client, _auditor = client_for(Role.AUDITOR)
    bob, second = trail["bob"].username, trail["second"].reference

    by_actor = rows_of(client.get("/audit/", {"actor": bob}).content.decode())
    by_case = rows_of(client.get("/audit/", {"case": second.lower()}).content.decode())
    by_action = rows_of(client.get("/audit/", {"action": "case.status"}).content.decode())
    today = dt.date.today()
    tomorrow = (today + dt.timedelta(days=2)).isoformat()
    later = rows_of(client.get("/audit/", {"since": tomorrow}).content.decode())
    both = rows_of(client.get("/audit/", {"actor": bob, "case": trail["first"].reference}
                              ).content.decode())

    assert len(by_actor) == 2 and all(bob in r for r in by_actor)
    assert len(by_case) >= 2 and all(second in r for r in by_case)
    assert len(by_action) == 3
    assert "No entry matches." in later[0]
    assert "No entry matches." in both[0]


def test_the_trail_is_paged(trail: Any, client_for: Any) -> None:
    actor = trail["alice"]
    audit.record_many(actor=actor, events=[{"action": "test.filler", "object_id": str(i)}
                                           for i in range(120)])
    client, _auditor = client_for(Role.AUDITOR)

    first = client.get("/audit/", {"action": "test.filler"}).content.decode()
    third = client.get("/audit/", {"action": "test.filler", "page": 3}).content.decode()

    assert len(rows_of(first)) == 50
    assert len(rows_of(third)) == 20
    assert "Page 3 of 3" in third
    assert "action=test.filler&amp;page=2" in third


def test_the_export_holds_the_filtered_entries_and_no_cell_a_spreadsheet_would_run(
    trail: Any, client_for: Any,
) -> None:
    audit.record(actor=trail["alice"], action="test.note", object_type="case",
                 object_id="=HYPERLINK(\"http://evil\")", details={"field": "+cmd|' /C calc'!A0"})
    client, _auditor = client_for(Role.AUDITOR)

    response = client.get("/audit/export.csv", {"actor": trail["alice"].username})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))

    assert rows[0][:3] == ["at", "actor", "action"]
    assert sorted(r[2] for r in rows[1:]) == ["case.status_changed", "test.note"]
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)
    assert AuditEntry.objects.filter(action="audit.exported").count() == 1


def test_the_page_says_the_chain_is_intact_and_names_the_entry_that_was_altered(
    trail: Any, client_for: Any,
) -> None:
    client, _auditor = client_for(Role.AUDITOR)
    intact = client.get("/audit/").content.decode()
    assert "The chain is intact." in intact

    target = AuditEntry.objects.order_by("pk").first()
    drop_append_only_guard()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = %s WHERE id = %s",
                       ["case.withdrawn", target.pk])
    broken = client.get("/audit/", {"verify": "1"}).content.decode()

    assert "The chain is broken in 1 place." in broken
    assert f"entry #{target.pk}" in broken
    assert "content altered after it was written" in broken


def test_reading_the_trail_is_itself_audited(trail: Any, client_for: Any) -> None:
    client, auditor = client_for(Role.AUDITOR)
    client.get("/audit/", {"case": trail["first"].reference})

    read = AuditEntry.objects.get(action="audit.read")
    assert read.actor_id == auditor.pk
    assert read.details["case"] == trail["first"].reference
