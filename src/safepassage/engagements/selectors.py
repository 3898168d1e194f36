"""Reads of the diplomatic log, for diplomatic officers and supervisors.

Search decrypts the memos in Python over the meetings the reader may see: a diplomatic log holds
hundreds of meetings, not millions, and a word index of the memos, even blinded, would tell
someone with the database which memos share words.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from safepassage.accounts import permissions
from safepassage.accounts.permissions import Actor
from safepassage.audit import services as audit
from safepassage.engagements.models import FollowUp, Meeting, Memo, Subject

SEARCH_LIMIT = 100


def meetings_visible_to(actor: Actor) -> QuerySet[Meeting]:
    permissions.require(actor, permissions.READ_ENGAGEMENTS)
    return Meeting.objects.all()


def meeting_list(*, actor: Actor) -> QuerySet[Meeting]:
    return meetings_visible_to(actor).prefetch_related("subjects")


def get_meeting(*, actor: Actor, pk: int) -> Meeting:
    """One meeting with its memos decrypted; reading the memos is audited."""
    meeting = (
        meetings_visible_to(actor)
        .prefetch_related("subjects", "undertakings", "follow_ups", "memos")
        .get(pk=pk)
    )
    audit.record(actor=actor, action="engagement.read", object_type="meeting",
                 object_id=str(meeting.pk), details={"memos": len(meeting.memos.all())})
    return meeting


@dataclass
class SubjectHistory:
    subject: Subject
    meetings: list[Meeting]  # oldest first: the timeline
    raised_in: int
    of_meetings: int
    last_on: dt.date | None


def subjects_with_counts(*, actor: Actor) -> QuerySet[Subject]:
    meetings_visible_to(actor)
    return Subject.objects.annotate(
        raised_in=Count("raised"), last_on=Max("raised__meeting__held_on")
    ).order_by("kind", "-raised_in", "title")


def subject_history(*, actor: Actor, pk: int) -> SubjectHistory:
    """Every meeting where a topic, demand or concern came up: "raised in 9 of 13, last on …".

    Meetings are counted from the first one where it was raised (earlier meetings could not
    have raised it yet, counting them would understate how persistently it was pressed)."""
    visible = meetings_visible_to(actor)
    subject = Subject.objects.get(pk=pk)
    meetings = list(visible.filter(raised__subject=subject).order_by("held_on", "pk"))
    since = meetings[0].held_on if meetings else None
    of_meetings = visible.filter(held_on__gte=since).count() if since else 0
    return SubjectHistory(subject, meetings, len(meetings), of_meetings,
                          meetings[-1].held_on if meetings else None)


def open_follow_ups(*, actor: Actor, on: dt.date | None = None) -> QuerySet[FollowUp]:
    """Follow-ups not done (by `on`, if given), soonest due first.

    Who may view the dashboard may see them too (the situation report lists them): an action,
    its owner and its date, not the memos of the meeting."""
    if not permissions.can(actor, permissions.VIEW_DASHBOARD):
        meetings_visible_to(actor)
    found = FollowUp.objects.select_related("meeting")
    if on is None:
        return found.filter(done_on__isnull=True)
    return found.filter(meeting__held_on__lte=on).filter(
        Q(done_on__isnull=True) | Q(done_on__gt=on)
    )


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"\W+", text.casefold()) if w]


def _haystack(meeting: Meeting) -> str:
    parts = [meeting.place, meeting.counterpart, meeting.our_participants,
             meeting.partner_states, meeting.summary, meeting.get_format_display()]
    parts += [s.title for s in meeting.subjects.all()]
    parts += [u.text for u in meeting.undertakings.all()]
    parts += [f"{f.action} {f.owner}" for f in meeting.follow_ups.all()]
    parts += [f"{m.title} {m.body}" for m in meeting.memos.all()]
    return " ".join(parts).casefold()


def search_meetings(*, actor: Actor, text: str) -> list[Meeting]:
    """Meetings where every word typed appears (as the start of a word) anywhere in the record:
    place, people, topics, demands, concerns, commitments, follow-ups and the encrypted memos."""
    visible = meetings_visible_to(actor)
    words = _words(text)
    if not words:
        return []
    meetings = visible.prefetch_related(
        "subjects", "undertakings", "follow_ups", Prefetch("memos", Memo.objects.all())
    )
    found = []
    for meeting in meetings:
        hay = _haystack(meeting)
        if all(re.search(rf"(?<!\w){re.escape(w)}", hay) for w in words):
            found.append(meeting)
            if len(found) >= SEARCH_LIMIT:
                break
    audit.record(actor=actor, action="engagement.search",
                 details={"words": len(words), "results": len(found)})
    return found
