"""A case moved by a supervisor's override counts, but apart: the funnel, each commitment
("N of them by override") and the situation report say how many."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from safepassage.accounts.models import Role
from safepassage.dashboard import selectors
from safepassage.dashboard.models import Counts
from safepassage.dashboard.services import record_commitment
from safepassage.registry.models import Case, Status
from safepassage.registry.services import override_case_status
from tests.conftest import Journey, person

pytestmark = pytest.mark.django_db


def forced_to_boarded(case: Case, journey: Journey) -> None:
    journey.approve(case)
    for status in (Status.MANIFESTED, Status.BOARDED):
        override_case_status(actor=journey.supervisor, case=case, to_status=status,
                             reason="Flown on a partner's plane; no seat or gate recorded here")


def test_an_override_is_counted_apart_on_the_dashboard_and_in_the_commitment(
    make_case: Callable[..., Case], journey: Journey, client_for: Any, tmp_path: Path
) -> None:
    commitment = record_commitment(actor=journey.supervisor, title="Evacuate 100", target=100,
                                   counts=Counts.PEOPLE_EVACUATED)
    earned = make_case(person(), person(given_name="Sara"), person(given_name="Omid"))
    journey.walk(earned, Status.BOARDED)
    forced = make_case(person(given_name="Nazir"), person(given_name="Laila"))
    forced_to_boarded(forced, journey)

    groups = selectors.case_groups()
    progress = selectors.commitment_progress(commitment, groups)
    assert (progress.achieved, progress.by_override) == (5, 2)
    boarded = next(r for r in selectors.funnel(groups) if r.key == "boarded")
    assert (boarded.people, boarded.by_override) == (5, 2)
    manifested = next(r for r in selectors.funnel(groups) if r.key == "manifested")
    assert manifested.by_override == 2

    client, _user = client_for(Role.SUPERVISOR)
    selectors.compute_snapshot()
    page = client.get("/dashboard/").content.decode()
    assert "2 of them by override" in page
    assert 'data-by-override="2"' in page

    out = tmp_path / "sitrep.pdf"
    call_command("sitrep", "--out", str(out))
    text = " ".join(subprocess.run(["pdftotext", str(out), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert "5 of 100 (5.0 %), 2 of them by override" in text
    assert "override" in text.split("Pipeline")[1]


def test_without_overrides_nothing_is_marked(make_case: Callable[..., Case],
                                             journey: Journey) -> None:
    commitment = record_commitment(actor=journey.supervisor, title="Evacuate 100", target=100,
                                   counts=Counts.PEOPLE_EVACUATED)
    journey.walk(make_case(), Status.BOARDED)
    progress = selectors.commitment_progress(commitment, selectors.case_groups())
    assert (progress.achieved, progress.by_override) == (1, 0)
