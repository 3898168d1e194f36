"""One household from a landed flight to resettled, in a real browser: reconciliation, a hotel
stay, placement, the host's acceptance and the milestones."""

from __future__ import annotations

from typing import Any

import pytest

from safepassage.registry.models import Status
from safepassage.resettlement import services
from safepassage.resettlement.models import Site
from tests.airlift.conftest import family
from tests.conftest import sign_in_with_browser
from tests.resettlement.conftest import ARRIVAL_DAY

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_household_walks_from_the_landed_flight_to_resettled(
        page: Any, chromium: Any, live_server: Any, make_ready_case, fly, resettler, programme,
        make_place, make_host) -> None:
    case = make_ready_case(*family("Ahmadzai", 2))
    flight = fly(case)
    services.create_site(actor=resettler, name="Airport Hotel", kind=Site.Kind.HOTEL, rooms=20,
                         beds=40)
    place = make_place(name="Villeurbanne", languages=["prs"])
    host = make_host(place)

    # Reconciliation: airlift recorded the landing; each person is recorded as arrived.
    sign_in_with_browser(page, live_server, resettler)
    page.goto(f"{live_server.url}/resettlement/")
    page.get_by_role("link", name=flight.code).click()
    page.get_by_role("button", name="Reconcile the arrivals").click()
    page.locator("#manifested").wait_for()
    assert page.locator("#manifested").inner_text() == "2"
    for _person in range(2):
        page.locator("#people").get_by_role("button", name="Arrived", exact=True).first.click()
        page.wait_for_load_state()
    assert page.locator("#arrived").inner_text() == "2"
    case.refresh_from_db()
    assert case.status == Status.ARRIVED

    # A hotel stay.
    page.get_by_role("link", name=case.reference).first.click()
    page.get_by_label("Site").select_option(label="Airport Hotel")
    page.get_by_role("button", name="Check in").click()
    page.get_by_text("Airport Hotel:").wait_for()

    # This week's batch offers the household to Villeurbanne.
    page.goto(f"{live_server.url}/resettlement/")
    page.get_by_label("Week of").fill(ARRIVAL_DAY.isoformat())
    page.get_by_role("button", name="Run this week's batch").click()
    page.get_by_text("Batch run. Households offered: 1; left unplaced: 0.").wait_for()

    # The host accepts, in its own browser.
    host_page = chromium.new_context().new_page()
    sign_in_with_browser(host_page, live_server, host)
    host_page.goto(f"{live_server.url}/resettlement/host/")
    offer = host_page.locator(".offer", has_text=case.reference)
    offer.get_by_role("button", name="Accept").click()
    host_page.get_by_text("Accepted.").wait_for()

    # The caseworker's milestones, then the host's: the last required one resettles the case.
    page.goto(f"{live_server.url}/resettlement/cases/{case.reference}/")
    for step in ("Met at arrival", "Health screening"):
        page.get_by_role("button", name=f"Done: {step}").click()
        page.get_by_text(f"Done: {step}.").wait_for()
    for step in ("First home visit", "School enrolment"):
        host_page.get_by_role("button", name=f"Done: {step}").click()
        host_page.get_by_text(f"Done: {step}.").wait_for()
    host_page.context.close()

    page.reload()
    assert page.locator("h1").inner_text().endswith("Resettled")
    assert page.locator("#resettled-on").is_visible()
    case.refresh_from_db()
    assert case.status == Status.RESETTLED
