"""A caseworker reviews a household registered twice as one family, with the keyboard only:
"s" for the same family, a digit to switch one pair, Enter to decide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from safepassage.accounts.models import Role, User
from safepassage.linkage.models import CandidatePair, PairStatus
from safepassage.registry.models import Case
from tests.conftest import person, sign_in_with_browser
from tests.linkage.test_family_review import YEAR_ONLY, son

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_family_is_decided_with_the_keyboard_with_one_pair_overridden(
    page: Any, live_server: Any, make_user: Callable[..., User], make_case: Callable[..., Case]
) -> None:
    first = make_case(person(), son())
    second = make_case(
        person(given_name="Zabihollah", birth_date=dt.date(1987, 1, 1),
               birth_date_latest=dt.date(1987, 12, 31), **YEAR_ONLY),
        son(given_name="Fareed", birth_date=dt.date(2005, 1, 1),
            birth_date_latest=dt.date(2005, 12, 31), **YEAR_ONLY),
    )
    households = [first.household_id, second.household_id]
    pairs = list(CandidatePair.objects.filter(
        status=PairStatus.PENDING, person_a__household_id__in=households,
        person_b__household_id__in=households).order_by("-match_probability", "pk"))
    assert len(pairs) >= 2
    caseworker = make_user(Role.CASEWORKER)

    sign_in_with_browser(page, live_server, caseworker)
    page.goto(f"{live_server.url}/linkage/review/")
    expect(page.locator("#threshold-costs")).to_contain_text("Automatic merge")
    page.get_by_role("link", name="family").first.click()
    expect(page.locator("#left-in-queue")).to_contain_text(f"{len(pairs)} pairs left")
    # The two registrations side by side, pair by pair, with their reasons.
    assert page.locator("section.member-pair").count() == len(pairs)
    shown = page.locator("#family-form").inner_text()
    assert "Zabihollah" in shown and "Fareed" in shown

    page.locator("h1").click()  # the page, not a field, has the keyboard
    page.keyboard.press("s")
    expect(page.locator("#family-same")).to_be_checked()
    last = pairs[-1]
    key = page.locator(f"#member-{last.pk}").get_attribute("data-key")
    page.keyboard.press(str(key))
    page.keyboard.press(str(key))  # as the family -> same -> different
    expect(page.locator(f"#member-{last.pk}")).to_have_value("different")
    page.keyboard.press("Enter")

    expect(page.locator("body")).to_contain_text("Family decided")
    statuses = {p.pk: CandidatePair.objects.get(pk=p.pk).status for p in pairs}
    assert statuses[last.pk] == PairStatus.REJECTED
    assert all(statuses[p.pk] == PairStatus.CONFIRMED for p in pairs[:-1])
