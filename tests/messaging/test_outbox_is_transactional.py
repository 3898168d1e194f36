import pytest
from django.db import DatabaseError, connection, transaction

from safepassage.accounts.models import Role
from safepassage.messaging.models import Kind, Message, State, Via
from safepassage.registry.models import Case, Relationship, Status, StatusChange
from safepassage.registry.services import change_case_status
from tests.conftest import person


def test_registration_queues_one_message_per_address_in_each_members_language(make_case):
    case = make_case(
        person(email="zabih@example.org", preferred_language="fa-af"),
        person(given_name="Mariam", relationship_to_head=Relationship.SPOUSE,
               phones=["+93791234567"], email="", preferred_language="ps"),  # shares the phone
        person(given_name="Sami", relationship_to_head=Relationship.SON, phones=[], email="",
               preferred_language="en"),
    )

    messages = Message.objects.filter(case=case, kind=Kind.REGISTRATION_RECEIVED)
    sent = sorted((m.channel, m.address, m.language) for m in messages)
    assert sent == [
        (Via.EMAIL, "zabih@example.org", "fa-af"),
        (Via.SMS, "+93791234567", "fa-af"),
        (Via.STATUS_PAGE, "", "fa-af"),
    ]
    sms = messages.get(channel=Via.SMS)
    assert sms.state == State.QUEUED
    assert case.reference in sms.body
    assert "پرونده" in sms.body or "ثبت" in sms.body  # written in Dari


def test_a_status_change_and_its_messages_commit_together(make_case, make_user):
    case = make_case()
    change_case_status(actor=make_user(Role.CASEWORKER), case=case, to_status=Status.UNDER_REVIEW)

    queued = Message.objects.filter(case=case, kind=Kind.STATUS_CHANGED)
    assert {m.channel for m in queued} == {Via.SMS, Via.STATUS_PAGE}
    assert all(m.context["status"] == Status.UNDER_REVIEW for m in queued)


def test_a_status_change_rolled_back_leaves_no_message(make_case, make_user):
    case = make_case()
    caseworker = make_user(Role.CASEWORKER)

    with pytest.raises(RuntimeError), transaction.atomic():
        change_case_status(actor=caseworker, case=case, to_status=Status.UNDER_REVIEW)
        raise RuntimeError("the request failed after the change")

    assert Case.objects.get(pk=case.pk).status == Status.REGISTERED
    assert not Message.objects.filter(case=case, kind=Kind.STATUS_CHANGED).exists()


def _refuse_new_messages() -> None:
    table = Message._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_message() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'outbox refused'; END $$"
            )
            cursor.execute(f"CREATE TRIGGER refuse BEFORE INSERT ON {table} "
                           "FOR EACH ROW EXECUTE FUNCTION refuse_message()")
        else:
            cursor.execute(f"CREATE TRIGGER refuse BEFORE INSERT ON {table} "
                           "BEGIN SELECT RAISE(ABORT, 'outbox refused'); END")


def test_a_status_change_whose_message_cannot_be_written_does_not_happen(make_case, make_user):
    case = make_case()
    caseworker = make_user(Role.CASEWORKER)
    _refuse_new_messages()

    with pytest.raises(DatabaseError):
        change_case_status(actor=caseworker, case=case, to_status=Status.UNDER_REVIEW)

    assert Case.objects.get(pk=case.pk).status == Status.REGISTERED
    assert not StatusChange.objects.filter(case=case, to_status=Status.UNDER_REVIEW).exists()


def test_a_registration_whose_message_cannot_be_written_is_not_registered(make_case):
    _refuse_new_messages()

    # The caller's savepoint, as any caller that goes on after a database error needs: the
    # registration itself takes none (register_households runs in its caller's transaction).
    with pytest.raises(DatabaseError), transaction.atomic():
        make_case()

    assert not Case.objects.exists()
