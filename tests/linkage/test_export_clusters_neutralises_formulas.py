"""`safepassage export-clusters` writes a partner's external id that looks like a formula as
text (issue 17, item 2)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from safepassage.intake import services
from tests.intake.conftest import csv_bytes, good_row

pytestmark = pytest.mark.django_db

IDS = ['=HYPERLINK("http://evil/","x")', "+cmd|' /C calc'!A0", "-2+3"]


def test_external_ids_that_look_like_formulas_are_exported_as_text(
    tmp_path: Path, make_organisation: Any,
) -> None:
    organisation = make_organisation()
    services.start_import(
        actor=services.service_account(organisation), organisation=organisation,
        data=csv_bytes([good_row(n, external_id=e) for n, e in enumerate(IDS, start=1)]),
        filename="ids.csv", wait=True)
    out = tmp_path / "clusters.csv"

    call_command("export_clusters", "--out", str(out), stdout=io.StringIO())

    with open(out, newline="", encoding="utf-8") as handle:
        exported = [row["external_id"] for row in csv.DictReader(handle)]
    assert sorted(exported) == sorted("'" + e for e in IDS)
