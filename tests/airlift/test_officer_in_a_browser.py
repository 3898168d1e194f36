"""An airlift officer works the flights in a real browser: create, plan, cancel, download."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from safepassage.airlift.models import Flight, Seat
from tests.airlift.conftest import family
from tests.conftest import sign_in_with_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_creates_a_flight_plans_cancels_and_downloads_the_manifest(
    page: Any, live_server: Any, officer, make_ready_case, make_flight, tmp_path: Path
) -> None:
    make_flight(4, hours=2)  # an earlier flight that will take the displaced households
    cases = [make_ready_case(*family(name, 2), priority=p)
             for name, p in (("Ahmadzai", 5), ("Barakzai", 4), ("Popalzai", 3), ("Safi", 1))]

    sign_in_with_browser(page, live_server, officer)
    page.goto(f"{live_server.url}/airlift/")
    page.get_by_label("Flight code").fill("RCH871")
    page.get_by_label("To", exact=True).fill("DOH")
    page.get_by_label("Departure (Kabul time)").fill("2021-08-20T14:30")
    page.get_by_label("Seats", exact=True).fill("4")
    page.get_by_role("button", name="Create flight").click()
    page.get_by_text("Flight RCH871 created.").wait_for()

    page.get_by_role("button", name="Plan manifests").click()
    page.get_by_text("Plan made: 4 households placed.").wait_for()
    percent = page.locator("#percent").inner_text()
    assert re.fullmatch(r"\d+\.\d\d%", percent)
    assert page.locator("#bound").inner_text() == "26"
    assert page.locator("#objective").inner_text() == "26"

    page.goto(f"{live_server.url}/airlift/")
    page.get_by_role("link", name="RCH871").click()
    manifest = page.locator("#manifest")
    on_flight = [c for c in cases if Seat.objects.get(case=c).flight.code == "RCH871"]
    assert len(on_flight) == 2
    for case in on_flight:
        assert case.reference in manifest.inner_text()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Manifest (PDF)").click()
    pdf = tmp_path / "manifest.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    names = {c.household.head.family_name.upper() for c in on_flight}
    assert all(name in text for name in names)

    page.get_by_role("button", name="Cancel flight and re-plan").click()
    page.get_by_text("Re-planned:").wait_for()
    moves = page.locator("#moves").inner_text()
    for case in on_flight:
        assert case.reference in moves
    for case in cases:
        if case not in on_flight:
            assert case.reference not in moves
    assert Flight.objects.get(code="RCH871").status == "cancelled"
