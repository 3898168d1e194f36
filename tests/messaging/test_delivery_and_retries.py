import datetime as dt
import json
import logging
import urllib.request

from django.utils import timezone

from safepassage.messaging.delivery import send_due_messages
from safepassage.messaging.models import DeliveryAttempt, Message, State, Via
from tests.conftest import person


def _control(provider, **command):
    request = urllib.request.Request(  # noqa: S310 - a local test server
        provider.base_url + "/control", data=json.dumps(command).encode(), method="POST",
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request).read()  # noqa: S310


def _sms(case):
    return Message.objects.get(case=case, channel=Via.SMS)


def test_an_sms_reaches_the_gateway_with_its_idempotency_key(make_case, sms_provider):
    case = make_case(person(preferred_language="en"))

    result = send_due_messages(worker="w1")

    assert result.sent == 1
    sms = _sms(case)
    assert sms.state == State.SENT and sms.provider_id == "fake-1"
    [delivery] = sms_provider.state.deliveries.items()
    assert delivery[0] == str(sms.idempotency_key)
    assert delivery[1]["to"] == "+93791234567"
    assert case.reference in delivery[1]["text"]


def test_a_failing_provider_is_retried_with_growing_delays_then_marked_failed(
    make_case, sms_provider, settings
):
    settings.MESSAGING_MAX_ATTEMPTS = 4
    settings.MESSAGING_RETRY_BASE_SECONDS = 60
    case = make_case(person(preferred_language="en"))
    _control(sms_provider, fail_all=503)
    clock = timezone.now()
    delays = []

    for _attempt in range(4):
        send_due_messages(worker="w1", now=clock)
        sms = _sms(case)
        if sms.state != State.QUEUED:
            break
        delays.append((sms.next_attempt_at - clock).total_seconds())
        clock = sms.next_attempt_at + dt.timedelta(seconds=1)

    sms = _sms(case)
    assert sms.state == State.FAILED
    assert sms.last_error == "SMS gateway answered HTTP 503; gave up after 4 attempts"
    assert [round(d / 60) for d in delays] == [1, 2, 4]  # 60 s, 120 s, 240 s (+ up to 10%)
    outcomes = list(sms.delivery_attempts.values_list("number", "outcome"))
    assert outcomes == [(1, "retry"), (2, "retry"), (3, "retry"), (4, "failed")]
    assert sms_provider.state.requests == 4


def test_a_provider_that_recovers_delivers_on_a_later_attempt(make_case, sms_provider, settings):
    settings.MESSAGING_RETRY_BASE_SECONDS = 0
    case = make_case(person(preferred_language="en"))
    _control(sms_provider, fail_next=2, status=502)

    for _attempt in range(3):
        send_due_messages(worker="w1")

    sms = _sms(case)
    assert sms.state == State.SENT and sms.attempts == 3
    assert sms_provider.state.failed == 2 and len(sms_provider.state.deliveries) == 1


def test_a_number_the_gateway_refuses_fails_at_once_with_the_reason(make_case, sms_provider):
    case = make_case(person(preferred_language="en"))
    _control(sms_provider, fail_all=400)

    send_due_messages(worker="w1")

    sms = _sms(case)
    assert sms.state == State.FAILED and sms.attempts == 1
    assert sms.last_error == "SMS gateway answered HTTP 400"


def test_an_unreachable_gateway_is_a_reason_without_personal_data(
    make_case, settings, caplog
):
    settings.MESSAGING_SMS_URL = "http://127.0.0.1:9/messages"  # discard port: nobody listens
    settings.MESSAGING_MAX_ATTEMPTS = 1
    case = make_case(person(preferred_language="en"))

    with caplog.at_level(logging.DEBUG):
        send_due_messages(worker="w1")

    sms = _sms(case)
    assert sms.state == State.FAILED
    assert sms.last_error.startswith("SMS gateway unreachable")
    logged = caplog.text + sms.last_error
    assert "791234567" not in logged and "Zabihullah" not in logged


def test_a_worker_leaves_rows_another_worker_has_claimed(make_case, sms_provider):
    from safepassage.messaging.delivery import claim_due_messages

    for n in range(4):
        make_case(person(phones=[f"+9379000000{n}"], preferred_language="en"))

    first = claim_due_messages(worker="a", limit=3, lease_seconds=60)
    second = claim_due_messages(worker="b", limit=3, lease_seconds=60)

    assert len(first) == 3 and len(second) == 1
    assert not {m.pk for m in first} & {m.pk for m in second}


def test_a_message_abandoned_by_a_dead_worker_is_sent_after_its_lease(make_case, sms_provider):
    from safepassage.messaging.delivery import claim_due_messages

    case = make_case(person(preferred_language="en"))
    claim_due_messages(worker="dead", limit=10, lease_seconds=60)  # and then it died

    assert send_due_messages(worker="alive").claimed == 0  # the lease still holds
    later = timezone.now() + dt.timedelta(seconds=61)
    assert send_due_messages(worker="alive", now=later).sent == 1

    sms = _sms(case)
    assert sms.state == State.SENT and sms.attempts == 2
    assert list(sms.delivery_attempts.values_list("outcome", flat=True)) == [
        DeliveryAttempt.Outcome.ABANDONED, DeliveryAttempt.Outcome.SENT]
