"""In a browser: an administrator creates an account, its holder chooses a password and scans
the QR code; later the holder's phone is lost, the administrator resets the second factor and
the holder enrols a new phone with the same password."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from safepassage.accounts.models import Role, User
from safepassage.audit.models import AuditEntry
from tests.conftest import sign_in_with_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSPHRASE = "dust on the runway at dawn"


def enrol_phone(page: Any) -> list[str]:
    """Read the key under the QR code as an authenticator app would, type its code."""
    expect(page.locator("svg")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    code = f"{TOTP(base64.b32decode(secret)).token():06d}"
    page.get_by_label("Six-digit code your app shows now").fill(code)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_test_id("backup-codes")).to_be_visible()
    return page.get_by_test_id("backup-codes").locator("code").all_inner_texts()


def test_onboarding_and_a_second_factor_reset(
    chromium: Any, live_server: Any, make_user: Callable[..., User],
) -> None:
    admin_page = chromium.new_context().new_page()
    sign_in_with_browser(admin_page, live_server, make_user(Role.ADMINISTRATOR))
    admin_page.get_by_role("link", name="Staff").click()
    admin_page.get_by_role("link", name="New account").click()
    admin_page.get_by_label("User name").fill("nazanin")
    admin_page.get_by_label("Role").select_option("caseworker")
    admin_page.get_by_role("button", name="Create the account").click()
    link = admin_page.get_by_test_id("one-time-link").inner_text()

    newcomer = chromium.new_context().new_page()
    newcomer.goto(link)
    newcomer.get_by_label("Choose a password").fill(PASSPHRASE)
    newcomer.get_by_label("The same password again").fill(PASSPHRASE)
    newcomer.get_by_role("button", name="Continue").click()
    codes = enrol_phone(newcomer)
    assert len(codes) == 10
    newcomer.get_by_role("link", name="Continue to SafePassage").click()
    expect(newcomer.locator(".who")).to_contain_text("nazanin · Caseworker")

    # The phone is lost: the administrator resets the second factor, with a reason.
    admin_page.goto(f"{live_server.url}/accounts/staff/")
    admin_page.get_by_role("link", name="nazanin").click()
    admin_page.get_by_label("Reason").fill("phone lost")
    admin_page.get_by_role("button", name="Reset the second factor").click()
    relink = admin_page.get_by_test_id("one-time-link").inner_text()
    assert AuditEntry.objects.filter(action="accounts.second_factor_reset").count() == 1

    again = chromium.new_context().new_page()
    again.goto(relink)
    again.get_by_label("Your password").fill(PASSPHRASE)
    again.get_by_role("button", name="Continue").click()
    enrol_phone(again)
    again.get_by_role("link", name="Continue to SafePassage").click()
    expect(again.locator(".who")).to_contain_text("nazanin")
    # The old backup codes went with the old phone.
    gone = chromium.new_context().new_page()
    gone.goto(f"{live_server.url}/accounts/sign-in/")
    gone.get_by_label("User name").fill("nazanin")
    gone.get_by_label("Password").fill(PASSPHRASE)
    gone.get_by_label("Six-digit code from your authenticator app").fill(codes[0])
    gone.get_by_role("button", name="Sign in").click()
    expect(gone.get_by_role("alert")).to_contain_text("not right")
