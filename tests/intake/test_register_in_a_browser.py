"""A person registers a family of four in Dari in a real browser, without help, and checks the
status with the reference and the secret they were given."""

# ruff: noqa: RUF001
from __future__ import annotations

from typing import Any

import pytest

from safepassage.registry.models import Case
from tests.intake.conftest import register_accepted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_family_of_four_registers_in_dari_and_sees_registered_in_dari(
    page: Any, live_server: Any, settings: Any,
) -> None:
    settings.INTAKE_FORM_MIN_SECONDS = 0  # Playwright fills the form faster than a person
    page.goto(f"{live_server.url}/register/")
    page.get_by_role("link", name="دری").click()

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "fa-af"
    assert page.get_by_role("heading", level=1).inner_text() == "ثبت نام برای تخلیه"
    page.get_by_label("نام *").fill("فرشته")
    page.get_by_label("تخلص").first.fill("پوپلزی")
    page.get_by_label("تاریخ تولد").first.fill("۱۳۶۴/۰۳/۱۵")  # Persian digits, as on a tazkira
    page.get_by_label("شماره تلفون").fill("۰۷۹۱ ۲۳۴ ۵۶۷")
    page.get_by_label("چرا در خطر هستید").select_option("woman_leader")
    family = [("وحید", "spouse", "1360"), ("احمد", "son", "۱۳۹۰"), ("مریم", "daughter", "2014")]
    for n, (name, relationship, born) in enumerate(family, start=1):
        page.locator(f"#id_p{n}-given_name").fill(name)
        page.locator(f"#id_p{n}-relationship_to_head").select_option(relationship)
        page.locator(f"#id_p{n}-date_of_birth").fill(born)
    page.get_by_role("button", name="ارسال ثبت نام").click()

    assert page.get_by_role("heading", level=1).inner_text() == "ثبت نام شما دریافت شد"
    reference = page.locator("#reference").inner_text()
    secret = page.locator("#secret").inner_text()
    register_accepted()  # the runner's worker registers what the form accepted
    case = Case.objects.get(reference=reference)
    members = list(case.household.members.all())
    assert len(members) == 4
    assert {m.preferred_language for m in members} == {"fa-af"}

    page.get_by_role("link", name="وضعیت خود را بررسی کنید").click()
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.get_by_label("نمبر مرجع").fill(reference)
    page.get_by_label("رمز").fill(secret)
    page.get_by_role("button", name="بررسی").click()
    assert "ثبت شده" in page.locator("#case-status").inner_text()

    page.get_by_label("نمبر مرجع").fill(reference)
    page.get_by_label("رمز").fill("AAAA-BBBB-CCCC")
    page.get_by_role("button", name="بررسی").click()
    shown = page.locator("main").inner_text()
    assert "ثبت شده" not in shown
    assert reference not in shown
    assert "هیچ ثبت نامی" in page.locator("#case-status").inner_text()
