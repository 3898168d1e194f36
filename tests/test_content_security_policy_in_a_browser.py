"""Under the Content-Security-Policy, Chromium blocks nothing the staff pages and the API's
documentation need, and the case list's status filter still sends itself (a static script)."""

from __future__ import annotations

from typing import Any

import pytest

from safepassage.accounts.models import Role
from safepassage.registry.models import Status
from tests.conftest import person, sign_in_with_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _watch_for_violations(page: Any) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda message: violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text else None)
    return violations


def test_staff_pages_run_under_the_policy_without_a_violation(
    page: Any, live_server: Any, make_user: Any, make_case: Any
) -> None:
    make_case(person())
    violations = _watch_for_violations(page)
    sign_in_with_browser(page, live_server, make_user(Role.SUPERVISOR))

    page.goto(f"{live_server.url}/cases/")
    with page.expect_navigation():
        page.select_option("#status", Status.REGISTERED.value)

    assert f"status={Status.REGISTERED.value}" in page.url
    for path in ("/linkage/review/", "/dashboard/", "/api/docs/"):
        page.goto(f"{live_server.url}{path}")
    page.wait_for_selector(".swagger-ui .info")
    assert violations == []


def test_the_policy_blocks_an_injected_inline_script(page: Any, live_server: Any) -> None:
    violations = _watch_for_violations(page)
    page.goto(f"{live_server.url}/register/")

    page.evaluate("""() => { const s = document.createElement("script");
        s.textContent = "window.injected = true"; document.body.appendChild(s); }""")

    assert page.evaluate("window.injected") is None
    assert violations
