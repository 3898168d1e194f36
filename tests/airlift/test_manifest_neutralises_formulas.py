"""A name typed in the public form as a spreadsheet formula reaches the carrier's manifest CSV
as text: the clerk who opens it in a spreadsheet runs nothing (issue 17, item 2)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from safepassage.accounts.models import Role, User
from safepassage.airlift import services
from safepassage.airlift.models import Flight
from safepassage.registry.models import Case, Status
from safepassage.registry.services import change_case_status
from tests.airlift.conftest import DAY
from tests.conftest import make_ready
from tests.intake.conftest import register_accepted
from tests.intake.test_public_form import form_data

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil/","x")'
COMMAND = "+cmd|' /C calc'!A0"
ARITHMETIC = "-2+3"


def test_a_formula_typed_in_the_public_form_reaches_the_manifest_as_text(
    settings: Any, client_for: Callable[..., Any], make_user: Callable[..., User],
    officer: User, make_flight: Callable[..., Flight],
) -> None:
    settings.INTAKE_FORM_MIN_SECONDS = 0
    public = Client()
    others = {"p1-given_name": ARITHMETIC, "p2-given_name": "", "p2-relationship_to_head": "",
              "p2-date_of_birth": ""}
    public.post("/register/?lang=en", form_data(
        public, given_name=HYPERLINK, family_name=COMMAND, **others))
    register_accepted()  # the runner's worker, here
    case = Case.objects.get()
    supervisor = make_user(Role.SUPERVISOR)
    for status in (Status.UNDER_REVIEW, Status.ELIGIBLE, Status.APPROVED):
        change_case_status(actor=supervisor, case=case, to_status=status)
    make_ready(officer, case, ready_at=DAY - dt.timedelta(days=1), extra_seats=0)
    flight = make_flight(10)
    services.plan_manifests(actor=officer)

    client, _user = client_for(Role.AIRLIFT_OFFICER)
    response = client.get(f"/airlift/flights/{flight.pk}/manifest.csv")

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    cells = [cell for row in rows for cell in row.values()]
    assert len(rows) == 2
    # No cell starts a formula; the names keep their text.
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))], cells
    assert any("HYPERLINK" in c.upper() for c in cells)
    # Numbers the product writes itself keep their sign and form.
    assert {r["household"] for r in rows} == {"1"}
    assert {r["household_seats"] for r in rows} == {"2"}
