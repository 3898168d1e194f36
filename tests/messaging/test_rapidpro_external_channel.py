"""A RapidPro-compatible external channel: we POST id, text and to; the gateway calls back."""

from safepassage.messaging.delivery import send_due_messages
from safepassage.messaging.models import InboundMessage, Message, Receipt, State, Via
from safepassage.messaging.webhooks import process_webhook_calls
from tests.conftest import person


def test_a_message_goes_with_our_id_and_a_repeat_is_not_delivered_twice(
        make_case, providers, settings):
    settings.MESSAGING_SMS_PROVIDER = "rapidpro"
    case = make_case(person(email=""))

    send_due_messages(worker="w1")
    sms = Message.objects.get(case=case, channel=Via.SMS)
    from safepassage.messaging.providers import RapidProExternal

    again = RapidProExternal()
    assert again.send(sms) == str(sms.idempotency_key)  # as a worker restarted after a crash

    [delivery] = providers.delivered("rapidpro")
    assert delivery["key"] == str(sms.idempotency_key) and delivery["to"] == "+93791234567"
    assert providers.state.duplicates == 1
    assert sms.state == State.SENT and sms.provider == "rapidpro"


def test_the_gateways_callbacks_need_the_shared_secret(client, make_case, providers, settings):
    settings.MESSAGING_SMS_PROVIDER = "rapidpro"
    case = make_case(person(email=""))
    send_due_messages(worker="w1")
    sms = Message.objects.get(case=case, channel=Via.SMS)

    refused = client.post("/messaging/webhooks/rapidpro/delivered/",
                          {"id": str(sms.idempotency_key)})
    wrong = client.post("/messaging/webhooks/rapidpro/delivered/",
                        {"id": str(sms.idempotency_key)}, HTTP_AUTHORIZATION="Token nope")
    delivered = client.post("/messaging/webhooks/rapidpro/delivered/",
                            {"id": str(sms.idempotency_key)},
                            HTTP_AUTHORIZATION="Token rapidpro-shared-secret")
    received = client.post("/messaging/webhooks/rapidpro/received/",
                           {"from": "+93791234567", "text": "status",
                            "date": "2021-08-20T10:00:00Z"},
                           HTTP_AUTHORIZATION="Token rapidpro-shared-secret")

    assert (refused.status_code, wrong.status_code) == (403, 403)
    assert (delivered.status_code, received.status_code) == (200, 200)
    assert process_webhook_calls() == 2
    sms.refresh_from_db()
    assert sms.receipt == Receipt.DELIVERED
    [reply] = InboundMessage.objects.all()
    assert reply.text == "status" and list(reply.cases.all()) == [case]
