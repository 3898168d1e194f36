"""The public form in a real browser as people use it: a double click and a reload register
once, a household of 15 is typed with JavaScript off without losing anything, and every error
shows at once in a summary whose links lead to the fields."""

from __future__ import annotations

from typing import Any

import pytest

from safepassage.intake.models import RawSubmission
from safepassage.registry.models import Case
from tests.intake.conftest import register_accepted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def no_wait(settings: Any) -> None:
    settings.INTAKE_FORM_MIN_SECONDS = 0  # Playwright fills the form faster than a person


def fill_registrant(page: Any) -> None:
    page.get_by_label("Given name *").fill("Freshta")
    page.locator("#id_family_name").fill("Popalzai")
    page.locator("#id_date_of_birth").fill("1364")
    page.get_by_label("Phone number").fill("0791234567")
    page.get_by_label("Why you are at risk").select_option("woman_leader")


def test_a_double_click_and_a_reload_register_the_family_once(
    page: Any, live_server: Any,
) -> None:
    page.goto(f"{live_server.url}/register/?lang=en")
    fill_registrant(page)
    page.locator("#id_p1-given_name").fill("Wahid")
    page.locator("#id_p1-relationship_to_head").select_option("spouse")

    page.get_by_role("button", name="Send registration").dblclick()
    page.wait_for_url("**/register/received/**")
    reference = page.locator("#reference").inner_text()
    page.reload()
    page.reload()
    register_accepted()  # the runner's worker
    page.reload()

    assert page.locator("#reference").inner_text() == reference
    assert page.locator("#secret").is_visible()
    assert Case.objects.count() == 1
    assert Case.objects.get().reference == reference
    assert Case.objects.get().household.members.count() == 2
    assert RawSubmission.objects.filter(outcome="registered").count() == 1


def test_a_household_of_15_is_typed_with_javascript_off_and_nothing_is_lost(
    chromium: Any, live_server: Any,
) -> None:
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/register/?lang=en")
        fill_registrant(page)
        typed = 0
        while True:
            for n in range(typed + 1, page.locator("fieldset.card").count()):
                page.locator(f"#id_p{n}-given_name").fill(f"Child{n}")
                page.locator(f"#id_p{n}-relationship_to_head").select_option("son")
                page.locator(f"#id_p{n}-date_of_birth").fill(str(2000 + n))
                typed = n
            more = page.get_by_role("button", name="Add more family members")
            if more.count() == 0:
                break
            more.click()
            assert page.locator("#id_given_name").input_value() == "Freshta"
            assert page.locator("#id_category").input_value() == "woman_leader"
            for n in range(1, typed + 1):
                assert page.locator(f"#id_p{n}-given_name").input_value() == f"Child{n}"
                assert page.locator(f"#id_p{n}-relationship_to_head").input_value() == "son"
        assert typed == 14
        page.get_by_role("button", name="Send registration").click()
        page.wait_for_url("**/register/received/**")

        assert "We received the details of 15 people." in page.locator("main").inner_text()
        register_accepted()  # the runner's worker
        members = Case.objects.get().household.members.all()
        assert len(members) == 15
        assert {m.given_name for m in members} >= {"Freshta", "Child1", "Child14"}
    finally:
        context.close()


def test_every_error_is_listed_at_the_top_and_each_link_leads_to_its_field(
    page: Any, live_server: Any,
) -> None:
    page.goto(f"{live_server.url}/register/?lang=en")
    page.locator("#id_family_name").fill("Popalzai")
    page.get_by_label("Phone number").fill("0791 23")
    page.locator("#id_date_of_birth").fill("31/02/1990")
    page.locator("#id_p1-given_name").fill("Wahid")
    page.get_by_role("button", name="Send registration").click()

    summary = page.locator("#error-summary")
    assert "There are 5 problems with the form" in summary.inner_text()
    links = summary.get_by_role("link")
    assert links.count() == 5
    assert page.locator(".field.invalid").count() == 5
    assert page.locator("#id_family_name").input_value() == "Popalzai"
    summary.get_by_role("link", name="Person 2: Relationship to you").click()
    assert page.evaluate("location.hash") == "#id_p1-relationship_to_head"

    page.get_by_label("Given name *").fill("Freshta")
    page.get_by_label("Phone number").fill("0791234567")
    page.locator("#id_date_of_birth").fill("1364")
    page.get_by_label("Why you are at risk").select_option("journalist")
    page.locator("#id_p1-relationship_to_head").select_option("spouse")
    page.get_by_role("button", name="Send registration").click()
    page.wait_for_url("**/register/received/**")
    register_accepted()  # the runner's worker
    assert Case.objects.count() == 1
