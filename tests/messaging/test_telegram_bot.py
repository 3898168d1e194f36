"""Telegram as an option, for people who started a chat with the bot."""

from django.utils import timezone

from safepassage.accounts import permissions
from safepassage.messaging import services
from safepassage.messaging.delivery import send_due_messages
from safepassage.messaging.models import Message, State, Via
from safepassage.registry.models import Person
from tests.conftest import person


def test_a_person_who_chose_telegram_hears_there_first(make_case, providers, settings):
    case = make_case(person(email=""))
    head = Person.objects.get(household=case.household)
    services.set_channel_choice(actor=permissions.DEMO, person=head,
                                order=["telegram", "sms"], telegram_chat_id="5550001")
    services.queue_message(actor=permissions.DEMO, case=case, kind="status_changed",
                           context={"status": "under_review"})

    send_due_messages(worker="w1")

    [delivery] = providers.delivered("telegram")
    assert delivery["to"] == "5550001"
    message = Message.objects.get(case=case, channel=Via.TELEGRAM)
    assert message.state == State.SENT and message.provider_id == "1"
    assert not Message.objects.filter(case=case, channel=Via.SMS, kind="status_changed")


def test_telegram_429_waits_for_retry_after(make_case, providers, settings):
    case = make_case(person(email=""))
    head = Person.objects.get(household=case.household)
    services.set_channel_choice(actor=permissions.DEMO, person=head, order=["telegram"],
                                telegram_chat_id="5550001")
    services.queue_message(actor=permissions.DEMO, case=case, kind="status_changed",
                           context={"status": "under_review"})
    providers.control(fail_next=1, status=429, retry_after=9, provider="telegram")
    now = timezone.now()

    send_due_messages(worker="w1", now=now)

    message = Message.objects.get(case=case, channel=Via.TELEGRAM)
    assert message.state == State.QUEUED
    assert 8.5 <= (message.next_attempt_at - now).total_seconds() <= 9.5
