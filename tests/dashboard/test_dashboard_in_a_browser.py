"""A supervisor opens the operations picture in a real browser: the charts are there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from safepassage.accounts.models import Role, User
from safepassage.dashboard.demo import load_demo_commitments
from safepassage.engagements.demo import load_demo_engagements
from safepassage.registry.demo import load_demo_population
from tests.conftest import sign_in_with_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_renders_its_charts_and_offers_the_report(
    page: Any, live_server: Any, make_user: Callable[..., User]
) -> None:
    load_demo_population(households=150, seed=7)
    load_demo_engagements()
    load_demo_commitments()
    supervisor = make_user(Role.SUPERVISOR)

    sign_in_with_browser(page, live_server, supervisor)
    page.get_by_role("link", name="Operations").click()
    page.wait_for_url("**/dashboard/")

    expect(page.get_by_role("heading", name="Operations picture")).to_be_visible()
    for name in ["Pipeline funnel (people)", "Registrations per day (cases)",
                 "Resettle 21,000 Afghans"]:
        chart = page.get_by_role("img", name=name)
        assert chart.is_visible(), name
        box = chart.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 50
    assert page.locator("svg.chart").count() >= 6
    expect(page.get_by_text("No flights yet.")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download situation report (PDF)").click()
    assert download.value.suggested_filename.startswith("safepassage-sitrep-")
