"""STOP opts a number out of broadcasts only; its own case and seat still reach it unless the
person also sends the second word, STOP ALL (decision 0037); START undoes both."""

import pytest

from safepassage.accounts import permissions
from safepassage.accounts.models import Role
from safepassage.messaging import inbox
from safepassage.messaging.models import Kind, Message, OptOut
from safepassage.messaging.services import Audience, send_broadcast
from safepassage.registry.models import Person, Status
from safepassage.registry.services import change_case_status
from tests.conftest import person


def _receive(text, n):
    return inbox.receive_inbound(actor=permissions.SMS_GATEWAY, via="sms", provider_id=f"in-{n}",
                                 sender="+93791234567", text=text)


def _sms_of(kind, case):
    return Message.objects.filter(kind=kind, case=case, channel="sms")


def _status_change_reaches(case, supervisor, to_status):
    before = _sms_of(Kind.STATUS_CHANGED, case).count()
    change_case_status(actor=supervisor, case=case, to_status=to_status)
    return _sms_of(Kind.STATUS_CHANGED, case).count() > before


def _broadcast_reaches(officer, case):
    broadcast = send_broadcast(actor=officer, texts={"en": "Curfew at 20:00 tonight."},
                               audience=Audience())
    return Message.objects.filter(broadcast=broadcast, case=case, channel="sms").exists()


@pytest.fixture
def staff(make_user):
    return make_user(Role.SUPERVISOR)


def test_stop_opts_out_of_broadcasts_but_not_of_messages_about_their_own_case(make_case, staff):
    case = make_case(person(preferred_language="en"))

    _receive("Stop", 1)

    head = Person.objects.get(household_id=case.household_id)
    assert OptOut.objects.get(person=head).essential_too is False
    assert not _broadcast_reaches(staff, case)
    assert _status_change_reaches(case, staff, Status.UNDER_REVIEW)
    [confirmation] = _sms_of(Kind.REPLY, case)
    assert "STOP ALL" in confirmation.body


@pytest.mark.parametrize("words", ["STOP ALL", "stop all", "Arrêt tout", "توقف همه", "بس ټول"])
def test_stop_all_opts_out_of_essential_messages_too(make_case, staff, words):
    case = make_case(person(preferred_language="en"))

    _receive(words, 1)

    head = Person.objects.get(household_id=case.household_id)
    assert OptOut.objects.get(person=head).essential_too is True
    assert not _broadcast_reaches(staff, case)
    assert not _status_change_reaches(case, staff, Status.UNDER_REVIEW)
    # The status page still shows the change: the person can look whenever they want.
    assert Message.objects.filter(case=case, kind=Kind.STATUS_CHANGED,
                                  channel="status_page").exists()


def test_start_undoes_stop_all(make_case, staff):
    case = make_case(person(preferred_language="en"))
    _receive("STOP ALL", 1)

    _receive("START", 2)

    assert not OptOut.objects.exists()
    assert _broadcast_reaches(staff, case)
    assert _status_change_reaches(case, staff, Status.UNDER_REVIEW)


def test_a_person_who_stopped_everything_still_gets_the_status_they_ask_for(make_case):
    case = make_case(person(preferred_language="en"))
    _receive("STOP ALL", 1)

    _receive("STATUS", 2)

    assert any("Registered" in m.body for m in _sms_of(Kind.REPLY, case))


def test_keywords_do_not_wait_for_staff(make_case):
    make_case()
    for n, word in enumerate(["STOP", "START", "STOP ALL", "status"]):
        inbound, _created = _receive(word, n)

    inbound.conversation.refresh_from_db()
    assert inbound.conversation.waiting_since is None
