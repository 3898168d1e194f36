"""WhatsApp through Meta's Cloud API, against the stand-in that speaks its shapes."""

import datetime as dt

from django.utils import timezone

from safepassage.messaging.delivery import send_due_messages
from safepassage.messaging.models import DeliveryAttempt, InboundMessage, Message, State, Via
from safepassage.registry.identifiers import digest_for
from safepassage.registry.models import Identifier
from tests.conftest import person


def _whatsapp_only(settings):
    settings.MESSAGING_WHATSAPP_PROVIDER = "cloud"


def test_a_first_message_opens_with_the_approved_template_in_the_persons_language(
        make_case, providers, settings):
    _whatsapp_only(settings)
    case = make_case(person(preferred_language="fa-af", email=""))

    assert send_due_messages(worker="w1").sent == 1

    message = Message.objects.get(case=case, channel=Via.WHATSAPP)
    [delivery] = providers.delivered("whatsapp_cloud")
    assert delivery["type"] == "template" and delivery["to"] == "93791234567"
    assert case.reference in delivery["text"]
    assert delivery["key"] == str(message.idempotency_key)  # biz_opaque_callback_data
    assert message.state == State.SENT and message.provider == "whatsapp_cloud"
    assert message.provider_id == delivery["id"] and message.provider_id.startswith("wamid.")
    assert not Message.objects.filter(case=case, channel=Via.SMS).exists()  # SMS is its fallback


def test_inside_the_24_hour_window_a_plain_text_goes(make_case, providers, settings):
    _whatsapp_only(settings)
    case = make_case(person(preferred_language="en", email=""))
    InboundMessage.objects.create(
        provider_id="whatsapp:wamid.in1", sender="+93791234567",
        sender_digest=digest_for(Identifier.Kind.PHONE, "+93791234567"), text="salaam",
        received_at=timezone.now() - dt.timedelta(hours=2))
    providers.control(window=["93791234567"])

    send_due_messages(worker="w1")

    [delivery] = providers.delivered("whatsapp_cloud")
    assert delivery["type"] == "text"
    assert Message.objects.get(case=case, channel=Via.WHATSAPP).state == State.SENT


def test_a_closed_window_131047_is_answered_with_the_template(make_case, providers, settings):
    _whatsapp_only(settings)
    case = make_case(person(preferred_language="en", email=""))
    # We think the window is open (a message 23 hours ago) but Meta says it is not.
    InboundMessage.objects.create(
        provider_id="whatsapp:wamid.in2", sender="+93791234567",
        sender_digest=digest_for(Identifier.Kind.PHONE, "+93791234567"), text="?",
        received_at=timezone.now() - dt.timedelta(hours=23))

    send_due_messages(worker="w1")

    [delivery] = providers.delivered("whatsapp_cloud")
    assert delivery["type"] == "template"
    assert providers.state.requests == 2  # the text refused with 131047, then the template
    assert Message.objects.get(case=case, channel=Via.WHATSAPP).state == State.SENT


def test_a_429_pauses_the_channel_for_retry_after_without_spending_attempts_of_the_others(
        make_case, providers, settings):
    _whatsapp_only(settings)
    cases = [make_case(person(phones=[f"+9379123450{n}"], email="")) for n in range(3)]
    providers.control(fail_next=1, status=429, code=130429, retry_after=7)
    now = timezone.now()

    result = send_due_messages(worker="w1", now=now)

    assert result.sent == 0 and result.retried == 1
    assert providers.state.requests == 1  # the other two were not even tried
    messages = Message.objects.filter(case__in=cases, channel=Via.WHATSAPP).order_by("pk")
    assert all(m.state == State.QUEUED for m in messages)
    for m in messages:
        assert 6.5 <= (m.next_attempt_at - now).total_seconds() <= 7.5
    assert sorted(m.attempts for m in messages) == [0, 0, 1]
    [attempt] = DeliveryAttempt.objects.all()
    assert attempt.error == "WhatsApp 130429: rate limited"


def test_an_undeliverable_number_fails_at_once(make_case, providers, settings):
    _whatsapp_only(settings)
    case = make_case(person(email=""))
    providers.control(fail_next=1, status=400, code=131026)

    send_due_messages(worker="w1")

    message = Message.objects.get(case=case, channel=Via.WHATSAPP)
    assert message.state == State.FAILED and message.last_error == "WhatsApp 131026 400"


def test_a_wrong_access_token_is_retried_not_given_up(make_case, providers, settings):
    _whatsapp_only(settings)
    settings.WHATSAPP_ACCESS_TOKEN = "expired"
    case = make_case(person(email=""))

    send_due_messages(worker="w1")

    message = Message.objects.get(case=case, channel=Via.WHATSAPP)
    assert message.state == State.QUEUED and message.last_error == "WhatsApp 190 401"


def test_a_boarding_pass_goes_as_its_qr_code_in_the_pass_template(make_case, providers,
                                                                  settings):
    from safepassage.accounts import permissions
    from safepassage.credentials.qr import read_qr_texts
    from safepassage.messaging import services

    _whatsapp_only(settings)
    case = make_case(person(email=""))
    Message.objects.filter(case=case).delete()
    signed = "HC1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDEXWK G2EP4J0B"
    services.queue_message(actor=permissions.DEMO, case=case, kind="boarding_pass_issued",
                           context={"flight": "SP101"}, attachment=signed)

    send_due_messages(worker="w1")

    [delivery] = providers.delivered("whatsapp_cloud")
    assert delivery["template"] == "safepassage_boarding_pass"
    assert case.reference in delivery["text"]
    png = providers.state.media[delivery["media"]]
    assert read_qr_texts(png) == [signed]
    assert Message.objects.get(case=case, channel=Via.WHATSAPP).state == State.SENT
