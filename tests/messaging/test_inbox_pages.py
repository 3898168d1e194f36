"""The inbox's pages: who may open them, what the list shows (never a text or a sender), and
clear errors instead of failures."""

import pytest

from safepassage.accounts import permissions
from safepassage.accounts.models import Role
from safepassage.messaging.inbox import receive_inbound
from safepassage.messaging.models import Conversation, Message
from tests.conftest import person


def _receive(text, sender="+93791234567", n=1):
    return receive_inbound(actor=permissions.SMS_GATEWAY, via="sms", provider_id=f"in-{n}",
                           sender=sender, text=text)[0]


@pytest.mark.parametrize("role", [Role.GATE_AGENT, Role.PARTNER, Role.AUDITOR,
                                  Role.DIPLOMATIC_OFFICER])
def test_roles_that_do_not_answer_messages_cannot_open_the_inbox(client_for, make_case, role):
    make_case()
    inbound = _receive("where is our flight")
    client, _user = client_for(role)

    assert client.get("/messaging/inbox/").status_code == 403
    assert client.get(f"/messaging/inbox/{inbound.conversation_id}/").status_code == 403


def test_the_list_shows_the_wait_and_the_case_but_no_text_and_no_sender(client_for, make_case):
    case = make_case()
    _receive("We are hiding in Mazar")
    client, _user = client_for(Role.CASEWORKER)

    page = client.get("/messaging/inbox/").content.decode()

    assert case.reference in page and 'id="inbox-waiting">1<' in page
    assert "Mazar" not in page and "791234567" not in page


def test_unmatched_senders_are_listed_apart(client_for, make_case):
    make_case()
    _receive("help", sender="+447700900123", n=2)
    client, _user = client_for(Role.CASEWORKER)

    matched = client.get("/messaging/inbox/").content.decode()
    unmatched = client.get("/messaging/inbox/?view=unmatched").content.decode()

    assert 'id="inbox-empty"' in matched
    assert unmatched.count('class="conversation unread"') == 1


def test_a_wrong_answer_is_refused_with_a_message_not_a_failure(client_for, db):
    inbound = _receive("help", sender="+447700900123")
    client, _user = client_for(Role.CASEWORKER)

    response = client.post(f"/messaging/inbox/{inbound.conversation_id}/answer/",
                           {"answer": "status"}, follow=True)

    assert response.status_code == 200
    assert "answer without naming one" in response.content.decode()
    assert not Message.objects.filter(kind="reply").exists()
    assert Conversation.objects.get().waiting_since is not None


def test_an_unknown_conversation_is_not_found(client_for, db):
    client, _user = client_for(Role.CASEWORKER)

    assert client.get("/messaging/inbox/999/").status_code == 404
    assert client.post("/messaging/inbox/999/done/").status_code == 404


def test_a_case_answer_names_the_case_when_the_number_has_several(client_for, make_case):
    first = make_case(person(preferred_language="en"))
    second = make_case(person(given_name="Sister", tazkira_number="1400-0101-9999",
                              passport_number="P7654321", preferred_language="en"))
    inbound = _receive("which of our cases moved?")
    client, _user = client_for(Role.CASEWORKER)

    page = client.get(f"/messaging/inbox/{inbound.conversation_id}/").content.decode()
    assert first.reference in page and second.reference in page
    client.post(f"/messaging/inbox/{inbound.conversation_id}/answer/",
                {"answer": f"status|{second.reference}"})

    [answer] = Message.objects.filter(kind="reply")
    assert answer.case == second and second.reference in answer.body
