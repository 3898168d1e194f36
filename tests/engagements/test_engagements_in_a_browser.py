"""A diplomatic officer records a meeting in a real browser and finds it again by a word."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from safepassage.accounts.models import Role, User
from safepassage.engagements.models import Meeting
from tests.conftest import sign_in_with_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_records_two_demands_and_a_concern_and_finds_the_meeting_by_a_word(
    page: Any, live_server: Any, make_user: Callable[..., User]
) -> None:
    officer = make_user(Role.DIPLOMATIC_OFFICER)
    sign_in_with_browser(page, live_server, officer)
    page.get_by_role("link", name="Engagements").click()
    page.get_by_role("link", name="Record a meeting").click()

    page.get_by_label("Date", exact=True).fill("2021-10-12")
    page.get_by_label("Place").fill("Doha")
    page.get_by_label("Format").select_option("in_person")
    page.get_by_label("Counterpart").fill("Deputy minister of foreign affairs")
    page.get_by_label("Partner states present").fill("Qatar")
    page.get_by_label("Our demands").fill(
        "Safe passage of Afghans with documents\nKeep Kabul airport open")
    page.get_by_label("Concerns raised").fill(
        "Entry into our embassy property, in breach of treaty obligations")
    page.get_by_label("Follow-up 1: action").fill("Send the record of conversation")
    page.get_by_label("Follow-up 1: owner").fill("Desk officer")
    page.get_by_role("button", name="Record the meeting").click()

    expect(page.get_by_role("heading", name="2021-10-12 · Doha")).to_be_visible()
    expect(page.get_by_role("link", name="Keep Kabul airport open")).to_be_visible()
    meeting = Meeting.objects.get()
    assert meeting.subjects.count() == 3

    page.get_by_role("link", name="All meetings").click()
    page.get_by_label("Search the log").fill("treaty")
    page.get_by_role("button", name="Search").click()
    assert "treaty" not in page.url
    expect(page.get_by_text("1 meeting found.")).to_be_visible()
    page.get_by_role("link", name="2021-10-12").click()
    expect(page.get_by_text("Entry into our embassy property")).to_be_visible()

    page.get_by_role("link", name="Safe passage of Afghans with documents").click()
    expect(page.get_by_text("Raised in 1 of 1 meetings")).to_be_visible()
