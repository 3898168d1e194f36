"""The static verifier page, opened once and then used offline, accepts a genuine token and
rejects an altered one, from pasted text and from a photo of the QR code."""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

import base45
import pytest
from django.test import override_settings
from playwright.sync_api import expect

from safepassage.accounts.models import Role, User
from safepassage.credentials import qr, services
from safepassage.credentials import token as tk
from safepassage.registry.models import Case

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _altered(text: str) -> str:
    raw = base45.b45decode(text[len(tk.PREFIX):])
    raw = bytearray(zlib.decompress(raw) if raw[:1] == b"\x78" else raw)
    at = raw.index(b"Mariam")
    raw[at] = ord("K")
    return tk.PREFIX + base45.b45encode(bytes(raw)).decode()


def _compressed(text: str) -> str:
    """The same signed bytes sent through zlib, as the issuer does when zlib pays."""
    raw = base45.b45decode(text[len(tk.PREFIX):])
    raw = zlib.decompress(raw) if raw[:1] == b"\x78" else raw
    return tk.PREFIX + base45.b45encode(zlib.compress(raw, 9)).decode()


def _check(page: Any, text: str) -> str:
    page.locator("#text").fill(text)
    page.get_by_role("button", name="Verify").click()
    page.wait_for_selector("#result[data-result]")
    result = page.locator("#result")
    verdict: str = result.get_attribute("data-result")
    page.evaluate("document.getElementById('result').removeAttribute('data-result')")
    return verdict


@pytest.mark.parametrize("alg", ["EdDSA", "ES256"])
def test_the_offline_page_accepts_a_genuine_token_and_rejects_an_altered_one(
    alg: str, page: Any, live_server: Any, approved_case: Case, make_user: Any, tmp_path: Path
) -> None:
    caseworker: User = make_user(Role.CASEWORKER)
    with override_settings(CREDENTIALS_ALG=alg):
        letter = services.issue_facilitation_letter(
            actor=caseworker, reference=approved_case.reference
        )
    page.goto(f"{live_server.url}/verify/")
    page.context.set_offline(True)

    assert _check(page, letter.token) == "VALID"
    expect(page.locator("#result.ok")).to_be_visible()
    body = page.locator("#result").inner_text()
    assert "Mariam" in body and "Fatima" in body and approved_case.reference in body

    assert _check(page, _altered(letter.token)) == "INVALID SIGNATURE"
    expect(page.locator("#result.bad")).to_be_visible()
    assert "FORGED OR ALTERED" in page.locator("#result").inner_text()
    assert "Mariam" not in page.locator("#result").inner_text()

    # zlib where it does not shorten the token is not as issued (tests/credentials/corpus).
    assert _check(page, _compressed(letter.token)) == "MALFORMED"
    assert _check(page, "SP1:NOT A TOKEN") == "MALFORMED"

    image = tmp_path / "letter.png"
    image.write_bytes(qr.qr_png(letter.token))
    page.locator("#photo").set_input_files(str(image))
    page.wait_for_selector("#result[data-result]")
    assert page.locator("#result").get_attribute("data-result") == "VALID"


def test_the_page_knows_revocations_and_speaks_dari(
    page: Any, live_server: Any, approved_case: Case, make_user: Any
) -> None:
    caseworker: User = make_user(Role.CASEWORKER)
    first = services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    page.goto(f"{live_server.url}/verify/")
    page.context.set_offline(True)
    page.get_by_role("button", name="دری").click()
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.locator("#text").fill(first.token)
    page.get_by_role("button", name="تأیید").click()
    page.wait_for_selector("#result[data-result]")
    assert page.locator("#result").get_attribute("data-result") == "REVOKED"
    assert "باطل شده" in page.locator("#result").inner_text()
