"""A message not delivered in time goes once to the person's next channel: WhatsApp, then SMS,
then e-mail, one after the other, never to all at once."""

import datetime as dt

from django.utils import timezone

from safepassage.accounts import permissions
from safepassage.messaging import services
from safepassage.messaging.delivery import send_due_messages
from safepassage.messaging.models import Message, Receipt, State, Via
from safepassage.registry.models import Person
from tests.conftest import person


def _whatsapp_first(make_case, settings):
    settings.MESSAGING_WHATSAPP_PROVIDER = "cloud"
    settings.MESSAGING_FALLBACK_SECONDS = 600
    settings.MESSAGING_SMS_PROVIDER = "twilio"
    settings.MESSAGING_EMAIL_PROVIDER = "anymail"
    case = make_case(person(email="zabih@example.org"))
    head = Person.objects.get(household=case.household)
    services.set_channel_choice(actor=permissions.DEMO, person=head,
                                order=["whatsapp", "sms", "email"])
    Message.objects.filter(case=case).delete()  # the registration notice went before the choice
    services.queue_message(actor=permissions.DEMO, case=case, kind="status_changed",
                           context={"status": "eligible"})
    return case


def _sent(case):
    return list(Message.objects.filter(case=case).exclude(channel=Via.STATUS_PAGE)
                .order_by("pk").values_list("channel", "state"))


def test_a_person_with_a_choice_hears_on_their_first_channel_only(make_case, providers,
                                                                   settings):
    case = _whatsapp_first(make_case, settings)

    send_due_messages(worker="w1")

    assert _sent(case) == [("whatsapp", "sent")]


def test_an_undelivered_whatsapp_goes_once_by_sms_then_once_by_email(make_case, providers,
                                                                     settings):
    case = _whatsapp_first(make_case, settings)
    send_due_messages(worker="w1")
    whatsapp = Message.objects.get(case=case, channel=Via.WHATSAPP)
    assert whatsapp.sent_at is not None
    later = whatsapp.sent_at + dt.timedelta(seconds=601)

    assert services.fall_back_undelivered(now=later - dt.timedelta(seconds=2)) == 0  # not yet
    assert services.fall_back_undelivered(now=later) == 1
    assert services.fall_back_undelivered(now=later) == 0  # once
    sms = Message.objects.get(case=case, channel=Via.SMS)
    assert sms.fallback_of == whatsapp and sms.state == State.QUEUED
    assert case.reference in sms.body and sms.address == "+93791234567"
    assert not Message.objects.filter(case=case, channel=Via.EMAIL).exists()  # not all at once

    send_due_messages(worker="w1", now=later)
    sms.refresh_from_db()
    even_later = sms.sent_at + dt.timedelta(seconds=601)
    assert services.fall_back_undelivered(now=even_later) == 1
    email = Message.objects.get(case=case, channel=Via.EMAIL)
    assert email.fallback_of == sms and email.address == "zabih@example.org"
    assert email.subject  # an e-mail's own text, not the SMS's
    assert services.fall_back_undelivered(now=even_later + dt.timedelta(days=1)) == 0


def test_a_delivered_message_does_not_fall_back(make_case, providers, settings):
    case = _whatsapp_first(make_case, settings)
    send_due_messages(worker="w1")
    whatsapp = Message.objects.get(case=case, channel=Via.WHATSAPP)
    services.record_receipt(provider="whatsapp_cloud", provider_id=whatsapp.provider_id,
                            status=Receipt.DELIVERED)

    assert services.fall_back_undelivered(now=timezone.now() + dt.timedelta(hours=2)) == 0


def test_a_failed_receipt_falls_back_at_once(make_case, providers, settings):
    case = _whatsapp_first(make_case, settings)
    send_due_messages(worker="w1")
    whatsapp = Message.objects.get(case=case, channel=Via.WHATSAPP)
    services.record_receipt(provider="whatsapp_cloud", provider_id=whatsapp.provider_id,
                            status=Receipt.FAILED, error_code="131026")

    assert services.fall_back_undelivered() == 1
    assert Message.objects.get(case=case, channel=Via.SMS).fallback_of == whatsapp


def test_a_message_we_gave_up_on_falls_back_at_once(make_case, providers, settings):
    case = _whatsapp_first(make_case, settings)
    providers.control(fail_next=1, status=400, code=131026)
    send_due_messages(worker="w1")
    assert Message.objects.get(case=case, channel=Via.WHATSAPP).state == State.FAILED

    assert services.fall_back_undelivered() == 1
    assert _sent(case) == [("whatsapp", "failed"), ("sms", "queued")]


def test_the_case_page_shows_receipts_and_the_fallback(client_for, make_case, providers,
                                                       settings):
    case = _whatsapp_first(make_case, settings)
    send_due_messages(worker="w1")
    whatsapp = Message.objects.get(case=case, channel=Via.WHATSAPP)
    services.record_receipt(provider="whatsapp_cloud", provider_id=whatsapp.provider_id,
                            status=Receipt.FAILED, error_code="131049")
    services.fall_back_undelivered()
    staff, _user = client_for()

    page = staff.get(f"/cases/{case.reference}/").content.decode()

    assert "Not delivered" in page and "131049" in page
    assert "Sent again on this channel: the previous one did not deliver." in page


def test_the_dashboard_counts_messages_by_channel_and_receipt(client_for, make_case, providers,
                                                              settings):
    from safepassage.accounts.models import Role

    case = _whatsapp_first(make_case, settings)
    send_due_messages(worker="w1")
    whatsapp = Message.objects.get(case=case, channel=Via.WHATSAPP)
    services.record_receipt(provider="whatsapp_cloud", provider_id=whatsapp.provider_id,
                            status=Receipt.READ)
    staff, _user = client_for(Role.SUPERVISOR)

    page = staff.get("/dashboard/").content.decode()

    assert 'id="deliveries"' in page
    row = page[page.index('class="channel-whatsapp"'):]
    row = row[:row.index("</tr>")]
    assert row.count("<td>0</td>") == 4 and "<td>1</td>" in row  # one read
