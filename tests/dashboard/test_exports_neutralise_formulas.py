"""A commitment named like a spreadsheet formula is exported as text in the
dashboard's CSV files (issue 17, item 2); the figures stay numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest

from safepassage.accounts.models import Role, User
from safepassage.dashboard.services import record_commitment

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://evil/","x")', "+cmd|' /C calc'!A0", "-2+3"]


def test_a_commitment_titled_as_a_formula_is_exported_as_text(
    client_for: Callable[..., Any], make_user: Callable[..., User],
) -> None:
    supervisor = make_user(Role.SUPERVISOR)
    for n, title in enumerate(FORMULAS, start=1):
        record_commitment(actor=supervisor, title=title, target=1000 * n, counts="people_resettled")
    client, _user = client_for(Role.SUPERVISOR)

    response = client.get("/dashboard/csv/commitments.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode())))[2:]
    assert sorted(r[0] for r in rows) == sorted("'" + t for t in FORMULAS)
    assert sorted(r[2] for r in rows) == ["1000", "2000", "3000"]

