"""A quarantined row comes back in the import's report CSV as text, not as formulas a
caseworker's spreadsheet would run (issue 17, item 2)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest

from safepassage.accounts.models import Organisation, Role
from safepassage.intake.models import ImportBatch
from tests.conftest import run_ready_tasks
from tests.intake.conftest import csv_bytes, good_row
from tests.intake.test_import_page import upload

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil/","x")'
COMMAND = "+cmd|' /C calc'!A0"


def test_a_quarantined_row_comes_back_in_the_report_as_text(
    client_for: Callable[..., Any], partner_org: Organisation,
) -> None:
    client, _user = client_for(Role.CASEWORKER)
    upload(client, partner_org, csv_bytes([good_row(
        1, given_name=HYPERLINK, family_name=COMMAND, notes="-2+3", father_name="=1+1",
        category="@spy")]))
    run_ready_tasks()
    batch = ImportBatch.objects.get()
    assert batch.quarantined == 1

    report = client.get(f"/intake/imports/{batch.pk}/report.csv")

    lines = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    header, cells = lines[0], [cell for line in lines[1:] for cell in line]
    assert "'" + HYPERLINK in cells and "'" + COMMAND in cells
    assert "'-2+3" in cells and "'=1+1" in cells and "'@spy" in cells
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert lines[1][header.index("row_number")] == "2"
