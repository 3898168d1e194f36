"""The diplomatic log: meetings, what each side raised and promised, memos, follow-ups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from safepassage.accounts.models import Role, User
from safepassage.audit.models import AuditEntry
from safepassage.engagements import selectors
from safepassage.engagements.models import Kind, Memo, Subject
from safepassage.engagements.services import (
    FollowUpData,
    mark_follow_up_done,
    record_meeting,
)

pytestmark = pytest.mark.django_db

SAFE_PASSAGE = "Safe passage of Afghans with documents"
EMBASSY = "Entry into our embassy property in breach of treaty obligations"


@pytest.fixture
def officer(make_user: Callable[..., User]) -> User:
    return make_user(Role.DIPLOMATIC_OFFICER)


def meeting(officer: User, day: dt.date, **kwargs: Any) -> Any:
    return record_meeting(actor=officer, held_on=day, place="Doha",
                          counterpart="Deputy foreign minister", **kwargs)


def test_a_demand_raised_in_several_meetings_shows_its_history(officer: User) -> None:
    meeting(officer, dt.date(2021, 9, 20), topics=["Education"])  # before it first came up
    days = [dt.date(2021, 10, 12), dt.date(2021, 11, 9), dt.date(2021, 12, 7),
            dt.date(2022, 1, 18)]
    for i, day in enumerate(days):
        demands = [SAFE_PASSAGE] if i != 2 else ["Girls' secondary education"]
        if i == 3:
            demands = ["safe passage of  Afghans with DOCUMENTS"]  # same demand, typed anew
        meeting(officer, day, our_demands=demands)

    subject = Subject.objects.get(kind=Kind.OUR_DEMAND, title=SAFE_PASSAGE)
    history = selectors.subject_history(actor=officer, pk=subject.pk)
    assert (history.raised_in, history.of_meetings, history.last_on) == (3, 4, days[3])
    assert [m.held_on for m in history.meetings] == [days[0], days[1], days[3]]

    counts = {s.title: s.raised_in for s in selectors.subjects_with_counts(actor=officer)}
    assert counts[SAFE_PASSAGE] == 3


def test_the_memo_is_encrypted_at_rest_and_still_found_by_a_search(officer: User) -> None:
    recorded = meeting(officer, dt.date(2021, 10, 12), concerns=[EMBASSY],
                       memo="The envoy mentioned the Wazir Akbar Khan compound twice.")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT body FROM {Memo._meta.db_table}")  # noqa: S608
        stored = cursor.fetchone()[0]
    assert "Wazir" not in stored and "compound" not in stored

    assert selectors.search_meetings(actor=officer, text="wazir akbar") == [recorded]
    assert selectors.search_meetings(actor=officer, text="compou") == [recorded]
    assert selectors.search_meetings(actor=officer, text="treaty") == [recorded]
    assert selectors.search_meetings(actor=officer, text="ound") == []  # words, not fragments
    assert selectors.search_meetings(actor=officer, text="wazir kandahar") == []


def test_search_covers_demands_commitments_follow_ups_and_participants(officer: User) -> None:
    first = meeting(officer, dt.date(2021, 10, 12), their_demands=["Pay female teachers"],
                    our_participants="Special envoy", partner_states="Qatar")
    second = meeting(officer, dt.date(2021, 11, 9),
                     their_commitments=["Examine exit permits within two weeks"],
                     follow_ups=[FollowUpData("Check the permits", "Consular section")])
    assert selectors.search_meetings(actor=officer, text="teachers") == [first]
    assert selectors.search_meetings(actor=officer, text="qatar envoy") == [first]
    assert selectors.search_meetings(actor=officer, text="permits") == [second]
    assert selectors.search_meetings(actor=officer, text="consular") == [second]
    assert set(selectors.search_meetings(actor=officer, text="doha")) == {first, second}
    assert AuditEntry.objects.filter(action="engagement.search").count() == 5


def test_follow_ups_stay_open_until_done(officer: User) -> None:
    recorded = meeting(officer, dt.date(2021, 10, 12), follow_ups=[
        FollowUpData("Send the record of conversation", "Desk officer", dt.date(2021, 10, 15)),
        FollowUpData("Check the permits", "Consular section", dt.date(2021, 10, 26)),
    ])
    first, second = recorded.follow_ups.order_by("pk")
    mark_follow_up_done(actor=officer, follow_up=first, done_on=dt.date(2021, 10, 14))
    assert list(selectors.open_follow_ups(actor=officer)) == [second]
    assert set(selectors.open_follow_ups(actor=officer, on=dt.date(2021, 10, 13))) == {
        first, second}
    assert list(selectors.open_follow_ups(actor=officer, on=dt.date(2021, 10, 11))) == []


def test_supervisors_read_the_log_but_only_diplomatic_officers_write_it(
    officer: User, make_user: Callable[..., User]
) -> None:
    recorded = meeting(officer, dt.date(2021, 10, 12), memo="Note.")
    supervisor = make_user(Role.SUPERVISOR)
    assert selectors.get_meeting(actor=supervisor, pk=recorded.pk).memos.get().body == "Note."
    assert AuditEntry.objects.filter(action="engagement.read").exists()
    with pytest.raises(PermissionDenied):
        meeting(supervisor, dt.date(2021, 10, 13))
    for role in [Role.PARTNER, Role.CASEWORKER, Role.AUDITOR, Role.GATE_AGENT]:
        with pytest.raises(PermissionDenied):
            selectors.search_meetings(actor=make_user(role), text="doha")


def test_a_meeting_without_counterpart_or_place_is_refused_with_the_reason(officer: User
                                                                          ) -> None:
    with pytest.raises(ValidationError) as error:
        record_meeting(actor=officer, held_on=dt.date(2021, 10, 12), place=" ",
                       counterpart="", follow_ups=[FollowUpData("Call back", "")])
    assert set(error.value.message_dict) == {"place", "counterpart", "follow_ups"}
