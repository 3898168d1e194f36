"""A supervisor, in a real browser, changes a rule, publishes it, re-scores every case and sees
the new explanation on a case page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from safepassage.accounts import permissions
from safepassage.accounts.models import Role, User
from safepassage.registry.models import Case
from safepassage.triage import services
from tests.conftest import sign_in_with_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_edits_a_rule_publishes_rescores_and_sees_the_new_explanation(
    page: Any, live_server: Any, make_user: Callable[..., User],
    make_case: Callable[..., Case],
) -> None:
    case = make_case(category="woman_leader")
    services.rescore_cases(actor=permissions.TRIAGE)
    supervisor = make_user(Role.SUPERVISOR)
    sign_in_with_browser(page, live_server, supervisor)

    page.goto(f"{live_server.url}/cases/{case.reference}/")
    panel = page.locator("section.triage")
    assert "Priority 1: at risk for a public role +1" in panel.inner_text()

    page.get_by_role("link", name="Rules").click()
    page.get_by_role("button", name="Start a draft from this version").click()
    rule = page.get_by_role("group", name=re.compile(r"Rule \d+: at risk for a public role"))
    rule.get_by_label("Points").fill("3")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved: 12 rules.")).to_be_visible()
    page.get_by_role("button", name="Publish as the new version").click()
    expect(page.get_by_text("is now in force")).to_be_visible()
    page.get_by_role("button", name="Re-score all cases").click()
    scored = re.compile(r"Scored 1 cases under rules version \d+: the priority of 1 changed")
    expect(page.get_by_text(scored)).to_be_visible()

    page.goto(f"{live_server.url}/cases/{case.reference}/")
    text = panel.inner_text()
    assert "Priority 3: at risk for a public role +3" in text
    case.refresh_from_db()
    assert case.priority == 3
