"""Providers' webhooks: refused without the provider's signature, stored before 2xx, then
turned into receipts and inbound messages by the runner's task."""

import json

import pytest

from safepassage.messaging import standins, webhooks
from safepassage.messaging.delivery import send_due_messages
from safepassage.messaging.models import InboundMessage, Message, Receipt, Via, WebhookCall
from safepassage.messaging.webhooks import process_webhook_calls
from tests.conftest import person, run_ready_tasks

WHATSAPP = "/messaging/webhooks/whatsapp/"
TWILIO_STATUS = "/messaging/webhooks/twilio/status/"
TWILIO_INBOUND = "/messaging/webhooks/twilio/inbound/"
PUBLIC = "https://safepassage.example.org"
pytestmark = pytest.mark.django_db


def _whatsapp_post(client, body, signature):
    headers = {"HTTP_X_HUB_SIGNATURE_256": signature} if signature is not None else {}
    return client.post(WHATSAPP, body, content_type="application/json", **headers)


@pytest.mark.parametrize("signature", [None, "", "sha256=" + "0" * 64, "sha256=bad"])
def test_a_whatsapp_callback_without_metas_signature_is_refused_and_not_kept(
        client, providers, signature):
    body = standins.whatsapp_inbound("93791234567", "status")

    response = _whatsapp_post(client, body, signature)

    assert response.status_code == 403
    assert not WebhookCall.objects.exists()


def test_a_whatsapp_callback_signed_with_another_secret_is_refused(client, providers):
    body = standins.whatsapp_inbound("93791234567", "status")

    response = _whatsapp_post(client, body, standins.whatsapp_signature(body, "not-ours"))

    assert response.status_code == 403


def test_metas_subscription_handshake_needs_the_verify_token(client, providers):
    ok = client.get(WHATSAPP, {"hub.mode": "subscribe", "hub.verify_token": "verify-me",
                               "hub.challenge": "1158201444"})
    wrong = client.get(WHATSAPP, {"hub.mode": "subscribe", "hub.verify_token": "guess",
                                  "hub.challenge": "1158201444"})

    assert (ok.status_code, ok.content) == (200, b"1158201444")
    assert wrong.status_code == 403


def test_whatsapp_statuses_become_receipts_and_messages_reach_the_inbox(
        client, make_case, providers, settings, monkeypatch):
    monkeypatch.setattr(webhooks, "_last_wake", 0.0)  # no wake-up left over from another test
    settings.MESSAGING_WHATSAPP_PROVIDER = "cloud"
    case = make_case(person(email=""))
    send_due_messages(worker="w1")
    message = Message.objects.get(case=case, channel=Via.WHATSAPP)
    bodies = [
        standins.whatsapp_status(message.provider_id, "sent", "93791234567"),
        standins.whatsapp_status(message.provider_id, "read", "93791234567"),
        standins.whatsapp_status(message.provider_id, "delivered", "93791234567"),
        standins.whatsapp_inbound("93791234567", "status"),
    ]

    answers = [_whatsapp_post(client, b, standins.whatsapp_signature(b, "meta-app-secret"))
               for b in bodies]

    assert [a.status_code for a in answers] == [200] * 4
    assert WebhookCall.objects.filter(processed_at__isnull=True).count() == 4  # stored first
    run_ready_tasks()  # the runner's task, woken by the webhook
    assert not WebhookCall.objects.filter(processed_at__isnull=True).exists()
    message.refresh_from_db()
    assert message.receipt == Receipt.READ  # "delivered" arriving after "read" kept, not applied
    assert [r.status for r in message.receipts.order_by("pk")] == ["sent", "read", "delivered"]
    [inbound] = InboundMessage.objects.all()
    assert inbound.text == "status" and list(inbound.cases.all()) == [case]
    assert inbound.provider_id.startswith("whatsapp:wamid.")


def test_a_failed_whatsapp_status_keeps_metas_error_code(client, make_case, providers,
                                                          settings):
    settings.MESSAGING_WHATSAPP_PROVIDER = "cloud"
    case = make_case(person(email=""))
    send_due_messages(worker="w1")
    message = Message.objects.get(case=case, channel=Via.WHATSAPP)
    body = standins.whatsapp_status(message.provider_id, "failed", "93791234567",
                                    error_code=131049)

    _whatsapp_post(client, body, standins.whatsapp_signature(body, "meta-app-secret"))
    process_webhook_calls()

    message.refresh_from_db()
    assert (message.receipt, message.receipt_error) == (Receipt.FAILED, "131049")


def test_twilio_callbacks_need_a_valid_x_twilio_signature(client, make_case, providers,
                                                         settings):
    settings.MESSAGING_SMS_PROVIDER = "twilio"
    case = make_case(person(email=""))
    send_due_messages(worker="w1")
    sms = Message.objects.get(case=case, channel=Via.SMS)
    params = standins.twilio_status(sms.provider_id, "undelivered", "+93791234567",
                                    error_code=30003)
    good = standins.twilio_signature(PUBLIC + TWILIO_STATUS, params)
    other_url = standins.twilio_signature(PUBLIC + TWILIO_INBOUND, params)
    tampered = {**params, "MessageStatus": "delivered"}

    refused = [
        client.post(TWILIO_STATUS, params),
        client.post(TWILIO_STATUS, params, HTTP_X_TWILIO_SIGNATURE=other_url),
        client.post(TWILIO_STATUS, tampered, HTTP_X_TWILIO_SIGNATURE=good),
    ]
    accepted = client.post(TWILIO_STATUS, params, HTTP_X_TWILIO_SIGNATURE=good)

    assert [r.status_code for r in refused] == [403, 403, 403]
    assert accepted.status_code == 200 and accepted["Content-Type"].startswith("text/xml")
    assert process_webhook_calls() == 1
    sms.refresh_from_db()
    assert (sms.receipt, sms.receipt_error) == (Receipt.FAILED, "30003")


def test_an_sms_received_through_twilio_reaches_the_case(client, make_case, providers):
    case = make_case(person(email=""))
    params = standins.twilio_inbound("+93791234567", "salaam")

    response = client.post(TWILIO_INBOUND, params, HTTP_X_TWILIO_SIGNATURE=(
        standins.twilio_signature(PUBLIC + TWILIO_INBOUND, params)))
    process_webhook_calls()

    assert response.status_code == 200
    [inbound] = InboundMessage.objects.all()
    assert inbound.text == "salaam" and list(inbound.cases.all()) == [case]


def test_telegram_updates_need_the_secret_token(client, providers):
    update = {"update_id": 1, "message": {"message_id": 7, "date": 1629453600,
                                          "chat": {"id": 5550001, "type": "private"},
                                          "from": {"id": 5550001}, "text": "status"}}

    refused = client.post("/messaging/webhooks/telegram/", json.dumps(update),
                          content_type="application/json",
                          HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN="guess")
    accepted = client.post("/messaging/webhooks/telegram/", json.dumps(update),
                           content_type="application/json",
                           HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN="telegram-secret")
    process_webhook_calls()

    assert (refused.status_code, accepted.status_code) == (403, 200)
    [inbound] = InboundMessage.objects.all()
    assert inbound.text == "status" and inbound.provider_id == "telegram:5550001:7"


def test_a_receipt_that_arrives_before_the_worker_recorded_the_id_waits(client, providers):
    params = standins.twilio_status("SM" + "1" * 32, "delivered", "+93791234567")
    client.post(TWILIO_STATUS, params, HTTP_X_TWILIO_SIGNATURE=(
        standins.twilio_signature(PUBLIC + TWILIO_STATUS, params)))

    assert process_webhook_calls() == 0

    call = WebhookCall.objects.get()
    assert call.processed_at is None and call.attempts == 1  # tried again on the next run


def test_unconfigured_secrets_refuse_everything(client, settings):
    settings.WHATSAPP_APP_SECRET = settings.TWILIO_AUTH_TOKEN = settings.RAPIDPRO_SECRET = ""
    body = standins.whatsapp_inbound("93791234567", "status")

    assert _whatsapp_post(client, body, standins.whatsapp_signature(body, "")).status_code == 403
    assert client.post(TWILIO_INBOUND, {"Body": "x"},
                       HTTP_X_TWILIO_SIGNATURE="x").status_code == 403
    assert client.post("/messaging/webhooks/rapidpro/received/", {"from": "1"}).status_code == 403
