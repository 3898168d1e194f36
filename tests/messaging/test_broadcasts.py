import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safepassage.accounts.models import Role
from safepassage.messaging.models import Message, OptOut, Via
from safepassage.messaging.services import Audience, preview_broadcast, send_broadcast
from safepassage.registry.models import Person, Relationship, Status
from tests.conftest import person

TEXTS = {"en": "Gate 3 opens at 14:00.", "fa-af": "دروازه ۳ ساعت ۱۴ باز می‌شود."}


def _approved(make_case, *members, category="interpreter"):
    case = make_case(*members, category=category)
    case.status = Status.APPROVED
    case.save()
    return case


def _broadcast_messages(broadcast):
    return list(Message.objects.filter(broadcast=broadcast).exclude(channel=Via.STATUS_PAGE))


def test_a_broadcast_reaches_every_household_of_the_audience_once(make_case, make_user):
    officer = make_user(Role.AIRLIFT_OFFICER)
    first = _approved(make_case, person(phones=["+93790000001"], email="a@example.org"),
                      person(given_name="Wife", relationship_to_head=Relationship.SPOUSE,
                             phones=["+93790000001"]))  # shares the head's phone
    second = _approved(make_case, person(phones=["+93790000002"], preferred_language="en"))
    # a brother in a household of his own who gave the same phone as the first household
    third = _approved(make_case, person(phones=["+93790000001"], preferred_language="ps"))
    _not_approved = make_case(person(phones=["+93790000003"]))
    _other_category = _approved(make_case, person(phones=["+93790000004"]),
                                category="journalist")

    broadcast = send_broadcast(
        actor=officer, texts=TEXTS,
        audience=Audience(categories=["interpreter"], statuses=[Status.APPROVED]),
    )

    sent = _broadcast_messages(broadcast)
    addresses = sorted((m.channel, m.address) for m in sent)
    assert addresses == [(Via.EMAIL, "a@example.org"), (Via.SMS, "+93790000001"),
                         (Via.SMS, "+93790000002")]
    pages = Message.objects.filter(broadcast=broadcast, channel=Via.STATUS_PAGE)
    assert sorted(m.case_id for m in pages) == [first.pk, second.pk, third.pk]
    assert broadcast.households == 3 and broadcast.messages == 3
    by_language = {m.address: (m.language, m.body) for m in sent}
    assert by_language["+93790000002"] == ("en", "SafePassage: Gate 3 opens at 14:00.")
    assert by_language["+93790000001"][1].endswith("دروازه ۳ ساعت ۱۴ باز می‌شود.")


def test_the_preview_counts_people_and_languages_without_sending(make_case, make_user):
    officer = make_user(Role.AIRLIFT_OFFICER)
    _approved(make_case, person(phones=["+93790000001"]),
              person(given_name="Son", relationship_to_head=Relationship.SON,
                     phones=["+93790000005"], preferred_language="ps"))
    _approved(make_case, person(phones=["+93790000002"], preferred_language="fr"))

    preview = preview_broadcast(actor=officer, audience=Audience(statuses=[Status.APPROVED]),
                                essential=False, texts=TEXTS)

    assert (preview.households, preview.people, preview.messages) == (2, 3, 3)
    assert preview.by_language == {"fa-af": 1, "ps": 1, "fr": 1}
    assert preview.untranslated == ["fr", "ps"]  # they will get the English text
    assert not Message.objects.filter(broadcast__isnull=False).exists()


def test_a_broadcast_is_paced_by_its_rate_limit(make_case, make_user):
    officer = make_user(Role.AIRLIFT_OFFICER)
    for n in range(4):
        _approved(make_case, person(phones=[f"+9379000001{n}"]))

    broadcast = send_broadcast(actor=officer, texts=TEXTS, rate_per_minute=2,
                               audience=Audience(statuses=[Status.APPROVED]))

    times = sorted(m.next_attempt_at for m in _broadcast_messages(broadcast))
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    assert gaps == [30.0, 30.0, 30.0]


def test_an_opted_out_person_gets_essential_messages_only(make_case, make_user):
    officer = make_user(Role.AIRLIFT_OFFICER)
    case = _approved(make_case, person(phones=["+93790000001"]))
    OptOut.objects.create(person=Person.objects.get(household_id=case.household_id), via="staff")

    optional = send_broadcast(actor=officer, texts=TEXTS, essential=False,
                              audience=Audience(statuses=[Status.APPROVED]))
    essential = send_broadcast(actor=officer, texts=TEXTS, essential=True,
                               audience=Audience(statuses=[Status.APPROVED]))
    case.status = Status.ELIGIBLE
    case.save()
    from safepassage.registry.services import change_case_status
    change_case_status(actor=make_user(Role.SUPERVISOR), case=case, to_status=Status.APPROVED)

    assert _broadcast_messages(optional) == []
    assert [m.address for m in _broadcast_messages(essential)] == ["+93790000001"]
    assert Message.objects.filter(case=case, kind="status_changed", channel=Via.SMS).count() == 1
    # the status page still shows even the optional broadcast
    assert Message.objects.filter(broadcast=optional, channel=Via.STATUS_PAGE).count() == 1


def test_a_caseworker_cannot_broadcast(make_case, make_user):
    _approved(make_case)
    with pytest.raises(PermissionDenied):
        send_broadcast(actor=make_user(Role.CASEWORKER), texts=TEXTS, audience=Audience())


def test_a_text_too_long_for_two_sms_is_refused_naming_the_language(make_case, make_user):
    _approved(make_case)
    with pytest.raises(ValidationError) as refused:
        send_broadcast(actor=make_user(Role.AIRLIFT_OFFICER), audience=Audience(),
                       texts={"en": "Short.", "ps": "\u0627" * 140})  # alef
    assert list(refused.value.message_dict) == ["text_ps"]
    assert "3 SMS segments" in refused.value.message_dict["text_ps"][0]
    assert not Message.objects.filter(broadcast__isnull=False).exists()
