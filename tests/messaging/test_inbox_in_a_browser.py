"""A caseworker clears the inbox in a real browser: filters, opens, assigns, answers from a
template, and the answer leaves through the outbox; the counter drops to zero."""

import pytest
from django.core.management import call_command

from safepassage.accounts import permissions
from safepassage.accounts.models import Role
from safepassage.audit.models import AuditEntry
from safepassage.messaging.inbox import receive_inbound
from safepassage.messaging.models import Conversation, Kind, Message, State
from tests.conftest import person, sign_in_with_browser


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_caseworker_clears_the_inbox(page, live_server, make_user, make_case, sms_provider):
    dari = make_case(person(phones=["+93790000101"], preferred_language="fa-af"))
    make_case(person(given_name="Other", phones=["+93790000102"], tazkira_number="1400-0202-0002",
                     passport_number="P0000002", preferred_language="en"))
    receive_inbound(actor=permissions.SMS_GATEWAY, via="sms", provider_id="in-1",
                    sender="+93790000101", text="ما در کابل پنهان هستیم. چه کنیم؟")
    receive_inbound(actor=permissions.SMS_GATEWAY, via="whatsapp", provider_id="in-2",
                    sender="93790000102", text="When is our flight?")
    caseworker = make_user(Role.CASEWORKER)
    sign_in_with_browser(page, live_server, caseworker)

    page.get_by_role("link", name="Inbox").click()
    assert page.locator("#inbox-waiting").inner_text() == "2"
    page.get_by_label("Sender's language").select_option("fa-af")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("#inbox-table tbody tr.conversation")
    assert rows.count() == 1 and dari.reference in rows.inner_text()

    rows.get_by_role("link", name="Open (unread)").click()
    assert "ما در کابل پنهان هستیم" in page.locator("#thread").inner_text()
    page.get_by_label("Assign to").select_option(label=caseworker.username)
    page.get_by_role("button", name="Assign").click()
    assert Conversation.objects.get(cases=dari).assignee == caseworker
    page.locator("#answer-form input[type=radio]").first.check()
    page.get_by_role("button", name="Send this answer").click()

    assert "Answer queued" in page.locator(".messages").inner_text()
    assert page.locator("#inbox-waiting").inner_text() == "1"
    [answer] = Message.objects.filter(kind=Kind.REPLY)
    assert answer.case == dari and answer.language == "fa-af" and answer.channel == "sms"

    page.get_by_label("Sender's language").select_option("")
    page.get_by_role("button", name="Filter").click()
    page.locator("#inbox-table tbody tr.conversation").get_by_role("link").click()
    page.get_by_role("button", name="Mark done without answering").click()
    assert page.locator("#inbox-waiting").inner_text() == "0"
    assert page.locator("#inbox-empty").is_visible()

    call_command("send_messages", "--until-empty", "--worker-id", "w-inbox")
    answer.refresh_from_db()
    assert answer.state == State.SENT
    assert any(d["text"] == answer.body for d in sms_provider.state.deliveries.values())
    # Each showing of a conversation is a read of the person's file (opened, back after the
    # assignment, the second one opened).
    assert AuditEntry.objects.filter(action="inbox.conversation_read").count() == 3
