"""Leadership and auditors see the picture with its charts and CSV; nobody else does."""

from __future__ import annotations

import csv
import io
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from safepassage.accounts.models import Role
from safepassage.dashboard.models import Commitment, Counts
from safepassage.registry.models import Case, Status
from tests.conftest import Journey, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def some_cases(make_case: Callable[..., Case], journey: Journey) -> None:
    make_case(person(), person(given_name="Laila"), category="journalist")
    journey.walk(make_case(person(), category="citizen"), Status.LEFT_BEHIND)
    Commitment.objects.create(title="Resettle 21,000 Afghans", target=21000,
                              counts=Counts.AFGHANS_RESETTLED)


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.AUDITOR, Role.ADMINISTRATOR])
def test_leadership_sees_every_chart_drawn_on_the_server(
    client_for: Any, some_cases: None, role: str
) -> None:
    client, _user = client_for(role)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") >= 5, "funnel, daily, categories, organisations, burn-up"
    assert "<script" not in html
    assert "Pipeline funnel (people)" in html
    assert "No flights yet." in html
    assert "Resettle 21,000 Afghans" in html


@pytest.mark.parametrize("role", [Role.PARTNER, Role.CASEWORKER, Role.DIPLOMATIC_OFFICER,
                                  Role.GATE_AGENT, Role.AIRLIFT_OFFICER])
def test_other_roles_cannot_open_the_dashboard(client_for: Any, role: str) -> None:
    client, _user = client_for(role)
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/dashboard/csv/funnel.csv").status_code == 403
    assert client.get("/dashboard/situation-report.pdf").status_code == 403


def test_the_numbers_behind_each_chart_download_as_csv(client_for: Any, some_cases: None
                                                       ) -> None:
    client, _user = client_for(Role.SUPERVISOR)
    response = client.get("/dashboard/csv/funnel.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["stage", "people", "cases", "note"]
    assert rows[1][0].startswith("#"), "an HXL hashtag row under the header"
    assert rows[2][:3] == ["registered", "3", "2"]
    for chart in ["categories", "organisations", "left-behind", "registrations", "flights",
                  "commitments"]:
        response = client.get(f"/dashboard/csv/{chart}.csv")
        assert response.status_code == 200, chart
    left = list(csv.reader(io.StringIO(
        client.get("/dashboard/csv/left-behind.csv").content.decode())))
    assert left[2] == ["Citizen", "1", "0"]
    assert client.get("/dashboard/csv/people.csv").status_code == 404


def test_the_situation_report_is_a_pdf_with_the_figures(
    client_for: Any, some_cases: None, tmp_path: Path
) -> None:
    client, _user = client_for(Role.SUPERVISOR)
    response = client.get("/dashboard/situation-report.pdf?date=2021-08-31")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")

    out = tmp_path / "sitrep.pdf"
    call_command("sitrep", "--date", "2021-08-31", "--out", str(out))
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Situation report, 31 August 2021" in text
    assert "3 people in 2 households registered" in text
    assert "Resettle 21,000 Afghans" in text
    assert "No flights that day." in text


def test_the_sitrep_command_explains_a_bad_date(tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("sitrep", "--date", "31/08/2021", "--out", str(tmp_path / "x.pdf"))
