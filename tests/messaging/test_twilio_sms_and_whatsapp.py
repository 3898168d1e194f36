"""SMS and WhatsApp through Twilio's official package, pointed at the stand-in."""

from django.utils import timezone

from safepassage.messaging.delivery import send_due_messages
from safepassage.messaging.models import Message, State, Via
from tests.conftest import person


def test_an_sms_goes_through_twilios_messages_api(make_case, providers, settings):
    settings.MESSAGING_SMS_PROVIDER = "twilio"
    case = make_case(person(preferred_language="en", email=""))

    assert send_due_messages(worker="w1").sent == 1

    sms = Message.objects.get(case=case, channel=Via.SMS)
    [delivery] = providers.delivered("twilio")
    assert delivery["to"] == "+93791234567" and case.reference in delivery["text"]
    assert sms.provider == "twilio" and sms.provider_id == delivery["id"]
    assert sms.provider_id.startswith("SM") and len(sms.provider_id) == 34
    # Twilio calls us back on the status URL with each change
    assert delivery["status_callback"] == (
        "https://safepassage.example.org/messaging/webhooks/twilio/status/")


def test_whatsapp_through_twilio_uses_the_whatsapp_prefix(make_case, providers, settings):
    settings.MESSAGING_WHATSAPP_PROVIDER = "twilio"
    case = make_case(person(email=""))

    send_due_messages(worker="w1")

    [delivery] = providers.delivered("twilio")
    assert delivery["to"] == "whatsapp:+93791234567"
    assert Message.objects.get(case=case, channel=Via.WHATSAPP).state == State.SENT


def test_twilio_429_waits_as_long_as_retry_after_says(make_case, providers, settings):
    settings.MESSAGING_SMS_PROVIDER = "twilio"
    case = make_case(person(email=""))
    providers.control(fail_next=1, status=429, retry_after=12, provider="twilio")
    now = timezone.now()

    send_due_messages(worker="w1", now=now)

    sms = Message.objects.get(case=case, channel=Via.SMS)
    assert sms.state == State.QUEUED and sms.last_error == "Twilio 20429: rate limited"
    assert 11.5 <= (sms.next_attempt_at - now).total_seconds() <= 12.5


def test_an_invalid_number_21211_fails_for_good(make_case, providers, settings):
    settings.MESSAGING_SMS_PROVIDER = "twilio"
    case = make_case(person(email=""))
    providers.control(fail_next=1, status=400, code=21211, provider="twilio")

    send_due_messages(worker="w1")

    sms = Message.objects.get(case=case, channel=Via.SMS)
    assert sms.state == State.FAILED and sms.last_error == "Twilio 21211 400"


def test_a_twilio_outage_is_retried(make_case, providers, settings):
    settings.MESSAGING_SMS_PROVIDER = "twilio"
    case = make_case(person(email=""))
    providers.control(fail_next=1, status=503, provider="twilio")

    send_due_messages(worker="w1")

    sms = Message.objects.get(case=case, channel=Via.SMS)
    assert sms.state == State.QUEUED and sms.last_error == "Twilio 20500 503"
