"""The staff import page: upload, progress, quarantine with reasons, downloadable report."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safepassage.accounts.models import Organisation, Role
from safepassage.audit.models import AuditEntry
from safepassage.intake.models import ImportBatch
from tests.intake.conftest import csv_bytes, good_row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def import_in_the_request(settings: Any) -> None:
    settings.INTAKE_IMPORT_IN_BACKGROUND = False


def upload(client: Any, organisation: Organisation, data: bytes) -> Any:
    return client.post("/intake/imports/", {
        "organisation": organisation.pk,
        "file": SimpleUploadedFile("referrals.csv", data, content_type="text/csv"),
    }, follow=True)


def test_a_caseworker_imports_a_file_and_downloads_the_quarantine_report(
    client_for: Callable[..., Any], partner_org: Organisation,
) -> None:
    client, _user = client_for(Role.CASEWORKER)
    page = upload(client, partner_org, csv_bytes([good_row(1), good_row(2, category="spy")]))

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
    batch = ImportBatch.objects.get()
    partner, _ = client_for(Role.PARTNER, make_organisation())

    assert partner.get(f"/intake/imports/{batch.pk}/").status_code == 404
    assert partner.get(f"/intake/imports/{batch.pk}/report.csv").status_code == 404


def test_a_gate_agent_may_not_import(client_for: Callable[..., Any]) -> None:
    client, _ = client_for(Role.GATE_AGENT)
    assert client.get("/intake/imports/").status_code == 403
