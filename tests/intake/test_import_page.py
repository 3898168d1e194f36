"""The staff import page: upload, the import in the background runner (never in the web
process), progress, quarantine with reasons, downloadable report."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from safepassage.accounts.models import Organisation, Role
from safepassage.audit.models import AuditEntry
from safepassage.intake.models import ImportBatch
from safepassage.registry.models import Case
from tests.conftest import run_ready_tasks
from tests.intake.conftest import csv_bytes, good_row

pytestmark = pytest.mark.django_db


def upload(client: Any, organisation: Organisation, data: bytes) -> Any:
    return client.post("/intake/imports/", {
        "organisation": organisation.pk,
        "file": SimpleUploadedFile("referrals.csv", data, content_type="text/csv"),
    }, follow=True)


def test_an_import_from_the_page_runs_in_the_background_runner_and_finishes_with_its_counts(
    client_for: Callable[..., Any], partner_org: Organisation,
) -> None:
    client, user = client_for(Role.CASEWORKER)
    page = upload(client, partner_org, csv_bytes([good_row(1), good_row(2), good_row(3)]))

    assert "Waiting" in page.content.decode()
    assert "No background worker is running" in page.content.decode()
    assert not Case.objects.exists()  # nothing imported by the web process
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.queue_name) == ("safepassage.intake.tasks.import_spreadsheet",
                                                 "imports")

    assert run_ready_tasks("imports") == 1

    batch = ImportBatch.objects.get()
    page = client.get(f"/intake/imports/{batch.pk}/")
    assert "imported 3, quarantined 0, unchanged 0" in page.content.decode()
    assert Case.objects.count() == 3
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.return_value == batch.summary()
    entry = AuditEntry.objects.get(action="intake.import_finished")
    assert entry.actor_id == user.pk  # run as the user who started it


def test_a_caseworker_imports_a_file_and_downloads_the_quarantine_report(
    client_for: Callable[..., Any], partner_org: Organisation,
) -> None:
    client, _user = client_for(Role.CASEWORKER)
    upload(client, partner_org, csv_bytes([good_row(1), good_row(2, category="spy")]))
    run_ready_tasks()
    page = client.get(f"/intake/imports/{ImportBatch.objects.get().pk}/")

    assert "imported 1, quarantined 1, unchanged 0" in page.content.decode()
    assert "category_unknown" not in page.content.decode()  # people read messages, not codes
    assert "is not a category we know" in page.content.decode()
    batch = ImportBatch.objects.get()
    report = client.get(f"/intake/imports/{batch.pk}/report.csv")
    lines = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert lines[0][:4] == ["row_number", "field", "problem", "how_to_fix"]
    assert lines[1][:2] == ["3", "category"]
    assert AuditEntry.objects.filter(action="intake.report_downloaded").exists()


def test_a_partner_sees_only_its_own_imports(
    client_for: Callable[..., Any], partner_org: Organisation,
    make_organisation: Callable[..., Organisation],
) -> None:
    staff, _ = client_for(Role.CASEWORKER)
    upload(staff, partner_org, csv_bytes([good_row(1)]))
    run_ready_tasks()
    batch = ImportBatch.objects.get()
    partner, _ = client_for(Role.PARTNER, make_organisation())

    assert partner.get(f"/intake/imports/{batch.pk}/").status_code == 404
    assert partner.get(f"/intake/imports/{batch.pk}/report.csv").status_code == 404


def test_a_gate_agent_may_not_import(client_for: Callable[..., Any]) -> None:
    client, _ = client_for(Role.GATE_AGENT)
    assert client.get("/intake/imports/").status_code == 403
