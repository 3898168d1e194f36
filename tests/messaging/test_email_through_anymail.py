"""E-mail through a provider's API with django-anymail (Postmark), and its webhooks."""

import base64
import json

from safepassage.messaging.delivery import send_due_messages
from safepassage.messaging.models import DeliveryReceipt, Message, Receipt, State, Via
from safepassage.messaging.webhooks import process_webhook_calls
from tests.conftest import person

AUTH = "Basic " + base64.b64encode(b"postmark:hook-secret").decode()


def test_an_email_goes_through_postmarks_api_with_our_key_as_metadata(
        make_case, providers, settings):
    settings.MESSAGING_EMAIL_PROVIDER = "anymail"
    case = make_case(person(phones=[], email="laila@example.org", preferred_language="fr"))

    assert send_due_messages(worker="w1").sent == 1

    mail = Message.objects.get(case=case, channel=Via.EMAIL)
    [delivery] = providers.delivered("anymail")
    assert delivery["to"] == "laila@example.org" and case.reference in delivery["text"]
    assert delivery["key"] == str(mail.idempotency_key)
    assert mail.provider == "anymail" and mail.provider_id == delivery["id"]


def test_an_inactive_recipient_406_fails_for_good(make_case, providers, settings):
    settings.MESSAGING_EMAIL_PROVIDER = "anymail"
    case = make_case(person(phones=[], email="inactive@example.org"))

    send_due_messages(worker="w1")

    mail = Message.objects.get(case=case, channel=Via.EMAIL)
    assert mail.state == State.FAILED
    assert mail.last_error == "E-mail provider refused the recipient"


def test_postmarks_delivery_and_bounce_webhooks_become_receipts(
        client, make_case, providers, settings):
    settings.MESSAGING_EMAIL_PROVIDER = "anymail"
    case = make_case(person(phones=[], email="laila@example.org"))
    send_due_messages(worker="w1")
    mail = Message.objects.get(case=case, channel=Via.EMAIL)
    delivery = {"RecordType": "Delivery", "ServerID": 23, "MessageStream": "outbound",
                "MessageID": mail.provider_id, "Recipient": "laila@example.org", "Tag": "",
                "DeliveredAt": "2021-08-20T10:00:01Z", "Details": "Test delivery webhook",
                "Metadata": {"safepassage_key": str(mail.idempotency_key)}}
    bounce = {"RecordType": "Bounce", "ID": 42, "Type": "HardBounce", "TypeCode": 1,
              "MessageID": mail.provider_id, "Email": "laila@example.org",
              "BouncedAt": "2021-08-20T10:00:00Z", "Metadata": {}}

    unsigned = client.post("/messaging/webhooks/email/tracking/", json.dumps(delivery),
                           content_type="application/json")
    signed = [client.post("/messaging/webhooks/email/tracking/", json.dumps(body),
                          content_type="application/json", HTTP_AUTHORIZATION=AUTH)
              for body in (delivery, bounce)]

    assert unsigned.status_code == 403
    assert [r.status_code for r in signed] == [200, 200]
    assert process_webhook_calls() == 2
    mail.refresh_from_db()
    assert mail.receipt == Receipt.DELIVERED  # a later bounce never moves it back
    assert [(r.status, r.error_code) for r in DeliveryReceipt.objects.order_by("pk")] == [
        ("delivered", ""), ("failed", "1")]


def test_an_email_received_through_postmarks_inbound_webhook_is_kept(client, providers, db):
    from safepassage.messaging.models import InboundMessage

    inbound = {"FromName": "Laila", "From": "laila@example.org",
               "FromFull": {"Email": "laila@example.org", "Name": "Laila"},
               "To": "replies@safepassage.example.org",
               "ToFull": [{"Email": "replies@safepassage.example.org", "Name": ""}],
               "Subject": "Our flight", "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
               "Date": "Fri, 20 Aug 2021 10:00:00 +0430", "TextBody": "When is our flight?",
               "HtmlBody": "", "Headers": [], "Attachments": []}

    refused = client.post("/messaging/webhooks/email/inbound/", json.dumps(inbound),
                          content_type="application/json")
    accepted = client.post("/messaging/webhooks/email/inbound/", json.dumps(inbound),
                           content_type="application/json", HTTP_AUTHORIZATION=AUTH)
    process_webhook_calls()

    assert (refused.status_code, accepted.status_code) == (403, 200)
    [kept] = InboundMessage.objects.all()
    assert kept.text.strip() == "When is our flight?"
    assert kept.provider_id.startswith("email:")
