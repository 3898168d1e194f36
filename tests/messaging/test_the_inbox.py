"""The inbox: every message a family sends, matched only by its exact number or address, the
keywords answered at once, the rest waiting for a caseworker who owns it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safepassage.accounts import permissions
from safepassage.accounts.models import Role
from safepassage.audit.models import AuditEntry
from safepassage.messaging import inbox
from safepassage.messaging.models import (
    Conversation,
    InboundMessage,
    InboxTeam,
    Kind,
    Message,
    State,
)
from safepassage.messaging.notices import render
from safepassage.messaging.segments import measure
from safepassage.registry.models import Status
from tests.conftest import person

GATEWAY = permissions.SMS_GATEWAY


def _receive(text, *, sender="+93791234567", via="sms", provider_id=None, at=None):
    _receive.n = getattr(_receive, "n", 0) + 1
    return inbox.receive_inbound(actor=GATEWAY, via=via, sender=sender, text=text,
                                 provider_id=provider_id or f"in-{_receive.n}", received_at=at)


def _answers(case=None):
    rows = Message.objects.filter(kind=Kind.REPLY)
    return list(rows.filter(case=case) if case is not None else rows)


@pytest.mark.parametrize(("language", "word", "expected"), [
    ("en", "status", "SafePassage: case {ref}: Registered. We will review your registration."),
    ("fr", "Statut", "SafePassage : dossier {ref} : Inscrit. Nous allons examiner"),
    ("fa-af", "وضعیت", "SafePassage: پرونده {ref}:"),
    ("ps", "حالت", "SafePassage: دوسیه {ref}:"),
])
def test_the_status_keyword_is_answered_at_once_in_the_persons_language(
        make_case, language, word, expected):
    case = make_case(person(preferred_language=language))

    inbound, created = _receive(word)

    [answer] = _answers(case)
    assert created and inbound.keyword == "status"
    assert answer.channel == "sms" and answer.state == State.QUEUED
    assert answer.address == "+93791234567" and answer.language == language
    assert answer.body.startswith(expected.format(ref=case.reference))
    assert render(Kind.REPLY, language, {"template": "status", "status": "registered",
                                         "reference": case.reference}).sms == answer.body
    conversation = inbound.conversation
    assert conversation.waiting_since is None  # answered without staff: nothing waits
    assert inbox.inbox_figures(actor=GATEWAY_READER()).waiting == 0


def GATEWAY_READER():
    return permissions.OPERATOR  # holds view_dashboard: may read the counters


@pytest.mark.parametrize("text", [
    "STATUS", " status! ", "Status?", "statut", "ÉTAT", "etat", "وضعیت", "وضعيت", "وضـعیت",
    "حالت", "7alat", "waziyat", "status SP-7K4M9-Q2XZ3", "وضعیت SP-۷K۴M۹-Q۲XZ۳",  # noqa: RUF001
])
def test_the_keyword_is_recognised_in_its_common_variants(text):
    assert inbox.read_keyword(text).word == "status"


def test_a_reference_written_in_persian_digits_is_read():
    persian = "وضعیت SP-۷K۴M۹-Q۲XZ۳"  # noqa: RUF001 - Persian digits are the point
    assert inbox.read_keyword(persian).reference == "SP-7K4M9-Q2XZ3"


def test_a_sentence_that_mentions_status_is_not_a_keyword():
    assert inbox.read_keyword("what is my status please, we are in danger").word == ""


def test_the_answer_names_only_the_case_named_when_the_number_has_several(make_case):
    first = make_case(person())
    second = make_case(person(given_name="Sister", tazkira_number="1400-0101-9999",
                              passport_number="P7654321"))

    _receive(f"status {second.reference}")

    assert [m.case for m in _answers()] == [second]
    _receive("status")
    assert {m.case for m in _answers()} == {first, second}


def test_a_reference_that_is_not_the_senders_reveals_nothing(make_case):
    stranger = make_case(person(phones=["+93790000001"]))

    _receive(f"status {stranger.reference}", sender="+93790000002")

    [answer] = _answers()
    assert answer.case is None
    assert stranger.reference not in answer.body
    assert "cannot tell which registration" in answer.body


@pytest.mark.parametrize("via", ["whatsapp", "email"])
def test_the_answer_goes_back_on_the_channel_the_person_wrote_from(make_case, via):
    case = make_case(person(email="family@example.org"))
    sender = "family@example.org" if via == "email" else "93791234567"  # WhatsApp drops the +

    _receive("Status", via=via, sender=sender)

    [answer] = _answers(case)
    assert answer.channel == via
    assert answer.address == ("family@example.org" if via == "email" else "+93791234567")


def test_a_telegram_chat_id_is_never_read_as_a_phone_number(make_case):
    make_case(person(phones=["+93791234567"]))

    inbound, _created = _receive("hello", via="telegram", sender="93791234567")

    assert inbound.cases.count() == 0
    assert inbound.conversation.cases.count() == 0


def test_matching_is_by_the_exact_number_never_by_a_name_in_the_text(make_case):
    make_case(person(phones=["+93791234567"]))

    inbound, _created = _receive("I am Zabihullah Stanikzai, this is my new number",
                                 sender="+93790009999")

    assert inbound.cases.count() == 0
    assert inbound.conversation.waiting_since is not None  # kept, waiting, unmatched
    assert list(inbox.conversations(actor=_caseworker(), matched=False)) == [inbound.conversation]


def _caseworker(organisation=None):
    from safepassage.accounts.models import User
    n = User.objects.count() + 1
    return User.objects.create_user(username=f"cw{n}", password="x", role=Role.CASEWORKER,
                                    organisation=organisation)


def test_a_question_waits_from_its_first_unanswered_message_until_answered(make_case):
    case = make_case(person(preferred_language="en"))
    first_at = timezone.now() - dt.timedelta(hours=3)
    inbound, _c = _receive("We are at the Abbey gate, what should we do?", at=first_at)
    _receive("Please answer", at=first_at + dt.timedelta(hours=1))
    conversation = Conversation.objects.get(pk=inbound.conversation_id)
    assert conversation.waiting_since == first_at and conversation.unread

    caseworker = _caseworker()
    inbox.answer_conversation(actor=caseworker, conversation=conversation, template="status")

    conversation.refresh_from_db()
    assert conversation.waiting_since is None
    [answer] = _answers(case)
    assert answer.state == State.QUEUED and answer.channel == "sms"
    assert "Registered" in answer.body
    assert AuditEntry.objects.filter(action="inbox.answered").exists()


def test_a_status_keyword_does_not_stop_the_clock_of_a_question_before_it(make_case):
    make_case()
    inbound, _c = _receive("Where is my family's flight?")
    _receive("status")

    conversation = Conversation.objects.get(pk=inbound.conversation_id)
    assert conversation.waiting_since == inbound.received_at


def test_marking_done_stops_the_clock_without_an_answer(make_case):
    make_case()
    inbound, _c = _receive("Thank you!")

    inbox.mark_done(actor=_caseworker(), conversation=inbound.conversation)

    assert Conversation.objects.get().waiting_since is None
    assert not _answers()


def test_an_unmatched_sender_is_answered_only_without_naming_a_case(db):
    inbound, _c = _receive("help us", sender="+447700900123")
    caseworker = _caseworker()

    with pytest.raises(ValidationError):
        inbox.answer_conversation(actor=caseworker, conversation=inbound.conversation,
                                  template="status")
    inbox.answer_conversation(actor=caseworker, conversation=inbound.conversation,
                              template="not_found")

    [answer] = _answers()
    assert answer.case is None and answer.address == "+447700900123"


def test_a_caseworker_assigns_to_a_colleague_or_team_of_their_own_organisation_only(
        make_case, make_organisation):
    make_case()
    inbound, _c = _receive("question")
    caseworker, colleague = _caseworker(), _caseworker()
    team = InboxTeam.objects.create(name="Dari desk")
    partner_org = make_organisation("Veterans")
    outsider = _caseworker(organisation=partner_org)
    outsider_team = InboxTeam.objects.create(name="Their desk", organisation=partner_org)

    inbox.assign_conversation(actor=caseworker, conversation=inbound.conversation,
                              assignee=colleague)
    assert Conversation.objects.get().assignee == colleague
    inbox.assign_conversation(actor=caseworker, conversation=inbound.conversation, team=team)
    assert Conversation.objects.get().team == team

    with pytest.raises(ValidationError):
        inbox.assign_conversation(actor=caseworker, conversation=inbound.conversation,
                                  assignee=outsider)
    with pytest.raises(ValidationError):
        inbox.assign_conversation(actor=caseworker, conversation=inbound.conversation,
                                  team=outsider_team)
    entries = AuditEntry.objects.filter(action="inbox.assigned")
    assert [e.details for e in entries.order_by("pk")] == [
        {"assignee": colleague.pk, "team": None}, {"assignee": None, "team": team.pk}]


def test_a_role_that_does_not_answer_messages_cannot_assign_or_read(make_case, make_user):
    make_case()
    inbound, _c = _receive("question")
    gate_agent = make_user(Role.GATE_AGENT)

    with pytest.raises(PermissionDenied):
        inbox.assign_conversation(actor=gate_agent, conversation=inbound.conversation)
    with pytest.raises(PermissionDenied):
        inbox.read_conversation(actor=gate_agent, conversation_id=inbound.conversation_id)


def test_reading_a_conversation_is_audited_and_clears_unread(make_case):
    case = make_case()
    inbound, _c = _receive("question")
    caseworker = _caseworker()

    thread = inbox.read_conversation(actor=caseworker, conversation_id=inbound.conversation_id)

    assert thread.cases == [case]
    assert [e[2] for e in thread.entries] == [inbound]
    entry = AuditEntry.objects.get(action="inbox.conversation_read")
    assert entry.details == {"cases": [case.reference]}
    assert not Conversation.objects.get().unread


def test_every_answer_fits_two_sms_segments_in_every_language_and_status():
    for language in ["en", "fr", "fa-af", "ps"]:
        for status in Status.values:
            for template in ["status", "received"]:
                sms = render(Kind.REPLY, language, {"template": template, "status": status,
                                                    "reference": "SP-7K4M9-Q2XZ3"}).sms
                assert measure(sms).segments <= 2, (language, status, template, sms)
        for template in ["status_page", "not_found", "opted_out", "opted_out_all",
                         "opted_in"]:
            sms = render(Kind.REPLY, language, {"template": template}).sms
            assert measure(sms).segments <= 2, (language, template, sms)


def test_a_message_received_twice_is_kept_once(make_case):
    make_case()
    _receive("question", provider_id="same")
    _again, created = _receive("question", provider_id="same")

    assert not created
    assert InboundMessage.objects.count() == 1


def test_only_the_status_page_writes_as_the_status_page(make_case):
    case = make_case()

    with pytest.raises(PermissionDenied):
        inbox.receive_inbound(actor=GATEWAY, via="status_page", provider_id="p1",
                              sender=case.reference, text="hello")
