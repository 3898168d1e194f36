"""A caseworker signs in with both factors in a real browser and works the case list."""

# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from safepassage.accounts.models import Role, User
from safepassage.registry.models import Case
from tests.conftest import person, sign_in_with_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_caseworker_signs_in_finds_a_case_by_phone_and_opens_its_file(
    page: Any, live_server: Any, make_user: Callable[..., User], make_case: Callable[..., Case]
) -> None:
    case = make_case(person(given_name="Freshta", family_name="Popalzai", phones=["+93700111222"]))
    make_case(person(given_name="Wahid", family_name="Karimi", phones=["+93700999888"]))
    caseworker = make_user(Role.CASEWORKER)

    sign_in_with_browser(page, live_server, caseworker)
    page.goto(f"{live_server.url}/cases/")
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    header_colour = page.evaluate(
        "getComputedStyle(document.querySelector('header')).backgroundColor"
    )
    assert header_colour != "rgba(0, 0, 0, 0)", "the style sheet must be served"

    page.get_by_label("Reference, name, phone").fill("0700 111 222")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)  # waits for the results page (the list had two)
    assert "0700" not in page.url, "a searched phone must never land in a URL"
    assert "Popalzai" in rows.first.inner_text()

    page.get_by_role("link", name=case.reference).click()
    page.wait_for_url(f"**/cases/{case.reference}/")  # the search results also name her
    expect(page.locator("body")).to_contain_text("Freshta")
    expect(page.get_by_role("heading", name="History")).to_be_visible()


def test_a_wrong_second_factor_keeps_the_door_shut(
    page: Any, live_server: Any, make_user: Callable[..., User]
) -> None:
    caseworker = make_user(Role.CASEWORKER)
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("User name").fill(caseworker.username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_label("Six-digit code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/cases/")
    assert "/accounts/sign-in/" in page.url


def test_a_caseworker_switches_the_staff_pages_to_dari_and_back(
    page: Any, live_server: Any, make_user: Callable[..., User], make_case: Callable[..., Case]
) -> None:
    case = make_case(person())
    sign_in_with_browser(page, live_server, make_user(Role.CASEWORKER))
    page.goto(f"{live_server.url}/cases/{case.reference}/")

    page.get_by_label("Language").select_option("fa-af")
    page.get_by_role("button", name="Change language").click()

    page.wait_for_url(f"**/cases/{case.reference}/")  # back on the page it was chosen on
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("navigation").get_by_role("link", name="پرونده‌ها")).to_be_visible()
    page.goto(f"{live_server.url}/cases/")
    expect(page.locator("html")).to_have_attribute("lang", "fa-af")  # the choice is kept

    page.get_by_label("زبان").select_option("en")
    page.get_by_role("button", name="تغییر زبان").click()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("navigation").get_by_role("link", name="Cases")).to_be_visible()
