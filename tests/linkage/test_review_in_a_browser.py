"""A caseworker sees "possible duplicate" on a case, opens the pair, compares, and merges."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from safepassage.accounts.models import Role, User
from safepassage.linkage.models import CandidatePair, PairStatus
from safepassage.registry.models import Case, Status
from tests.conftest import person, sign_in_with_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_caseworker_merges_a_possible_duplicate_from_the_case_page(
    page: Any, live_server: Any, make_user: Callable[..., User], make_case: Callable[..., Case]
) -> None:
    original = make_case(person())
    duplicate = make_case(person(given_name="Zabihollah", tazkira_number="",
                                 passport_number=""))
    caseworker = make_user(Role.CASEWORKER)

    sign_in_with_browser(page, live_server, caseworker)
    page.goto(f"{live_server.url}/cases/{duplicate.reference}/")
    assert "possible duplicate of a person in" in page.content()
    page.get_by_role("link", name="review").click()
    table = page.locator("table.side-by-side").inner_text()
    assert "Zabihullah" in table and "Zabihollah" in table
    reasons = page.locator("section", has_text="Why they were paired").inner_text()
    # In words, not the model's column names: the duplicate gave no tazkira.
    assert "Father's name\tthe same (once spellings are aligned)" in reasons
    assert "Tazkira\tnot given in one of the two (or both)" in reasons
    assert "Before any comparison" in reasons
    assert "given_name" not in reasons and "Exact match" not in reasons

    page.get_by_role("button", name="Same person: merge").click()
    expect(page.locator("body")).to_contain_text("now one person")
    assert CandidatePair.objects.get().status == PairStatus.CONFIRMED
    assert Case.objects.get(pk=duplicate.pk).status == Status.WITHDRAWN
    assert Case.objects.get(pk=original.pk).status == Status.REGISTERED
