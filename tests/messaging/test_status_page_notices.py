from django.template import Context, Template
from django.utils import translation

from safepassage.accounts.models import Role
from safepassage.messaging.services import Audience, send_broadcast
from safepassage.registry.models import Status
from safepassage.registry.services import change_case_status
from tests.conftest import person


def _render(case, language):
    with translation.override(language):
        return Template('{% include "messaging/_person_messages.html" %}').render(
            Context({"case": case}))


def test_the_status_page_lists_every_message_in_the_readers_language(make_case, make_user):
    case = make_case(person(phones=[], email="", preferred_language="en"))  # no phone, no e-mail
    change_case_status(actor=make_user(Role.CASEWORKER), case=case, to_status=Status.UNDER_REVIEW)
    texts = {"en": "Stay where you are tonight.", "ps": "نن شپه چېرته چې یاست هلته پاتې شئ."}
    send_broadcast(actor=make_user(Role.AIRLIFT_OFFICER), audience=Audience(), texts=texts)

    english = _render(case, "en")
    pashto = _render(case, "ps")

    assert "Your registration was received" in english
    assert f"The status of your case {case.reference} is now: Under review." in english
    assert "Stay where you are tonight." in english
    assert "ستاسو نوم لیکنه ترلاسه شوه" in pashto
    assert "د کتنې لاندې" in pashto
    assert "نن شپه چېرته چې یاست هلته پاتې شئ." in pashto
    assert english.index("Stay where") < english.index("Your registration")  # newest first
