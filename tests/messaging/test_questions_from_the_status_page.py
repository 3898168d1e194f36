"""A household asks a question on its status page (its reference and secret checked): it lands
in the inbox matched to that case, and the answer appears on the page."""

from django.test import Client

from safepassage.accounts.models import Role
from safepassage.intake.services import issue_status_secret
from safepassage.messaging import inbox
from safepassage.messaging.models import Conversation, InboundMessage
from tests.conftest import person


def _ask(case, secret, question):
    return Client().post("/status/?lang=en", {"reference": case.reference, "secret": secret,
                                              "question": question})


def test_a_question_asked_on_the_status_page_waits_in_the_inbox_matched_to_the_case(
        make_case, make_user):
    case = make_case(person(preferred_language="en"))
    secret = issue_status_secret(case=case)

    page = _ask(case, secret, "When will our flight be?").content.decode()

    assert 'id="question-received"' in page
    question = InboundMessage.objects.get()
    assert question.via == "status_page" and question.text == "When will our flight be?"
    assert list(question.cases.all()) == [case]
    conversation = Conversation.objects.get()
    assert conversation.waiting_since is not None

    caseworker = make_user(Role.CASEWORKER)
    inbox.answer_conversation(actor=caseworker, conversation=conversation, template="status")
    again = Client().post("/status/?lang=en", {"reference": case.reference, "secret": secret})
    assert "The status of your case" in again.content.decode()  # the answer, on the page


def test_the_same_question_sent_twice_is_kept_once(make_case):
    case = make_case()
    secret = issue_status_secret(case=case)

    _ask(case, secret, "Are we on the list?")
    _ask(case, secret, "Are we on the list?")

    assert InboundMessage.objects.count() == 1


def test_a_question_with_a_wrong_secret_is_not_kept_but_stays_typed(make_case):
    case = make_case()
    issue_status_secret(case=case)

    page = _ask(case, "AAAA-BBBB-CCCC", "Are we on the list?").content.decode()

    assert not InboundMessage.objects.exists()
    assert "Are we on the list?" in page
