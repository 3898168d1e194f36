"""Nothing revealing to an unconfirmed number (issue 17, item 3): a number typed in the anonymous
form hears only a neutral code (at most one at a time, three a day) until its holder confirms it
(the code typed back, or a message from that phone); then what waited for it goes. Partners' and
staff's registrations keep sending at once."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from safepassage.accounts import permissions
from safepassage.messaging.delivery import send_due_messages
from safepassage.messaging.models import Kind, Message, State, Via
from safepassage.messaging.services import receive_inbound_sms
from safepassage.registry.models import Case, ConfirmationCode, ContactConfirmation
from tests.conftest import person
from tests.intake.conftest import register_accepted
from tests.intake.test_public_form import form_data

pytestmark = pytest.mark.django_db

STRANGER = "0791234567"  # typed by someone else: the form's own example data
STRANGER_E164 = "+93791234567"


@pytest.fixture(autouse=True)
def no_wait(settings: Any) -> None:
    settings.INTAKE_FORM_MIN_SECONDS = 0


def _register(client: Client, **overrides: str) -> tuple[str, str]:
    page = client.post("/register/?lang=en", form_data(client, phone=STRANGER, **overrides),
                       follow=True)
    text = page.content.decode()
    reference = re.search(r'id="reference">([^<]+)<', text)
    secret = re.search(r'id="secret">([^<]+)<', text)
    assert reference and secret, text[:2000]
    register_accepted()  # the runner's worker registers what the form accepted
    return reference.group(1), secret.group(1)


def _texts_to_the_stranger(sms_provider: Any) -> list[dict[str, str]]:
    send_due_messages(worker="w1")
    return [d for d in sms_provider.state.deliveries.values() if d["to"] == STRANGER_E164]


def _assert_neutral(delivery: dict[str, str], references: list[str]) -> None:
    words = f"{delivery['text']} {delivery['sender']}".casefold()
    assert "safepassage" not in words
    assert "registration" not in words and "regist" not in words
    assert not any(reference.casefold() in words for reference in references)
    assert re.fullmatch(r"\D*\d{6}", delivery["text"])


def test_two_identical_posts_with_a_strangers_number_send_one_neutral_code(sms_provider):
    client = Client()
    references = [_register(client)[0], _register(client)[0]]

    texts = _texts_to_the_stranger(sms_provider)

    assert len(texts) == 1
    _assert_neutral(texts[0], references)
    held = Message.objects.filter(channel=Via.SMS, state=State.HELD)
    assert held.count() == 2  # each registration's "received" waits for the number
    assert all(m.kind == Kind.REGISTRATION_RECEIVED for m in held)


def test_the_fourth_code_in_a_day_is_not_sent(sms_provider):
    client = Client()
    for n in range(4):
        _register(client, given_name=f"Freshta{'a' * n}")
        # The code sent is no longer good (an hour later): another may go, three a day.
        ConfirmationCode.objects.update(expires_at=timezone.now())

    texts = _texts_to_the_stranger(sms_provider)

    assert len(texts) == 3
    assert Message.objects.filter(kind=Kind.CONTACT_CODE).count() == 3


def test_typing_the_code_confirms_the_number_and_releases_the_waiting_message(sms_provider):
    client = Client()
    reference, secret = _register(client)
    [code_sms] = _texts_to_the_stranger(sms_provider)
    code = re.sub(r"\D", "", code_sms["text"])

    page = client.post("/status/?lang=en",
                       {"reference": reference, "secret": secret, "code": code})

    assert "your phone number is confirmed" in page.content.decode()
    texts = _texts_to_the_stranger(sms_provider)
    assert len(texts) == 2
    assert texts[1]["text"].startswith("SafePassage: registration received")
    assert reference in texts[1]["text"]
    assert ContactConfirmation.objects.get().confirmed_via == "code"


def test_the_success_page_offers_to_type_the_code(sms_provider):
    client = Client()
    page = client.post("/register/?lang=en", form_data(client, phone=STRANGER),
                       follow=True).content.decode()

    assert 'id="confirm-number"' in page and 'name="code"' in page


def test_a_wrong_code_confirms_nothing_and_five_wrong_codes_spend_the_code(sms_provider):
    client = Client()
    reference, secret = _register(client)
    [code_sms] = _texts_to_the_stranger(sms_provider)
    code = re.sub(r"\D", "", code_sms["text"])
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    for _try in range(5):
        page = client.post("/status/?lang=en",
                           {"reference": reference, "secret": secret, "code": wrong})
        assert "This code is not right" in page.content.decode()
    client.post("/status/?lang=en", {"reference": reference, "secret": secret, "code": code})

    assert ContactConfirmation.objects.get().confirmed_at is None
    assert len(_texts_to_the_stranger(sms_provider)) == 1  # the code, nothing more


def test_a_message_from_the_number_confirms_it(sms_provider):
    client = Client()
    _register(client)
    _texts_to_the_stranger(sms_provider)

    receive_inbound_sms(actor=permissions.SMS_GATEWAY, provider_id="in-1",
                        sender=STRANGER_E164, text="salaam")

    texts = _texts_to_the_stranger(sms_provider)
    assert texts[-1]["text"].startswith("SafePassage: registration received")
    assert ContactConfirmation.objects.get().confirmed_via == "reply"


def test_a_confirmed_number_hears_at_once_from_the_next_form(sms_provider):
    client = Client()
    _register(client)
    _texts_to_the_stranger(sms_provider)
    receive_inbound_sms(actor=permissions.SMS_GATEWAY, provider_id="in-1",
                        sender=STRANGER_E164, text="salaam")

    reference, _secret = _register(client, given_name="Nadia")

    assert any(reference in t["text"] for t in _texts_to_the_stranger(sms_provider))


def test_a_partners_registration_keeps_sending_at_once(make_case, sms_provider):
    case: Case = make_case(person(phones=[STRANGER_E164], preferred_language="en"))

    texts = _texts_to_the_stranger(sms_provider)

    assert [t["text"] for t in texts] == [
        m.body for m in Message.objects.filter(case=case, channel=Via.SMS)]
    assert texts[0]["text"].startswith("SafePassage: registration received")
    assert not ContactConfirmation.objects.exists()
