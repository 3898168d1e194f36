from email.header import decode_header, make_header

from safepassage.messaging.delivery import send_due_messages
from safepassage.messaging.models import Message, State, Via
from safepassage.registry.models import Relationship
from tests.conftest import person


def test_each_person_gets_their_own_email_with_a_stable_message_id(make_case, smtp_server):
    case = make_case(
        person(phones=[], email="head@example.org", preferred_language="fa-af"),
        person(given_name="Laila", relationship_to_head=Relationship.DAUGHTER, phones=[],
               email="laila@example.org", preferred_language="en"),
    )

    assert send_due_messages(worker="w1").sent == 2

    assert sorted(rcpt for rcpt, _mail in smtp_server.received) == [
        ["head@example.org"], ["laila@example.org"]]
    for _rcpt, mail in smtp_server.received:
        assert mail.get_all("Cc") is None and mail.get_all("Bcc") is None
        assert len(mail.get_all("To")) == 1
    by_to = {mail["To"]: mail for _rcpt, mail in smtp_server.received}
    dari = by_to["head@example.org"]
    sent = next(m for m in Message.objects.filter(case=case, channel=Via.EMAIL)
                if m.address == "head@example.org")
    assert dari["Message-ID"] == f"<{sent.idempotency_key}@safepassage>"
    assert str(make_header(decode_header(dari["Subject"]))) == "ثبت‌نام شما دریافت شد"
    html = next(p for p in dari.walk() if p.get_content_type() == "text/html")
    assert 'dir="rtl"' in html.get_payload(decode=True).decode()
    english = by_to["laila@example.org"]
    assert str(make_header(decode_header(english["Subject"]))) == "Your registration was received"


def test_a_refused_mailbox_fails_with_the_smtp_code_not_the_address(make_case, smtp_server):
    smtp_server.refuse.add("gone@example.org")
    case = make_case(person(phones=[], email="gone@example.org", preferred_language="en"))

    send_due_messages(worker="w1")

    mail = Message.objects.get(case=case, channel=Via.EMAIL)
    assert mail.state == State.FAILED
    assert mail.last_error == "SMTP 550: recipient refused"
    assert smtp_server.received == []


def test_an_smtp_server_that_is_down_means_a_retry(make_case, settings):
    settings.MESSAGING_SMTP_HOST, settings.MESSAGING_SMTP_PORT = "127.0.0.1", 9
    case = make_case(person(phones=[], email="x@example.org", preferred_language="en"))

    send_due_messages(worker="w1")

    mail = Message.objects.get(case=case, channel=Via.EMAIL)
    assert mail.state == State.QUEUED and mail.attempts == 1
    assert mail.last_error.startswith("SMTP server unreachable")
