"""Recording meetings, their memos and follow-ups: diplomatic officers only, always audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts import permissions
from safepassage.accounts.permissions import Actor
from safepassage.audit import services as audit
from safepassage.engagements.models import (
    FollowUp,
    Format,
    Kind,
    Meeting,
    Memo,
    Raised,
    Side,
    Subject,
    Undertaking,
)


@dataclass
class FollowUpData:
    action: str
    owner: str
    due_on: dt.date | None = None


def subject_for(*, kind: str, title: str) -> Subject:
    """The subject of that kind with that title (whatever its case), created on first use."""
    title = " ".join(title.split())
    found = Subject.objects.filter(kind=kind, title__iexact=title).first()
    return found or Subject.objects.create(kind=kind, title=title)


def record_meeting(
    *,
    actor: Actor,
    held_on: dt.date,
    place: str,
    counterpart: str,
    format: str = Format.IN_PERSON,
    our_participants: str = "",
    partner_states: str = "",
    summary: str = "",
    topics: Sequence[str] = (),
    our_demands: Sequence[str] = (),
    their_demands: Sequence[str] = (),
    concerns: Sequence[str] = (),
    our_commitments: Sequence[str] = (),
    their_commitments: Sequence[str] = (),
    follow_ups: Sequence[FollowUpData] = (),
    memo_title: str = "",
    memo: str = "",
) -> Meeting:
    permissions.require(actor, permissions.LOG_ENGAGEMENTS)
    errors: dict[str, str] = {}
    if not place.strip():
        errors["place"] = _("Say where the meeting took place (a city is enough).")
    if not counterpart.strip():
        errors["counterpart"] = _("Name the counterpart: who we met.")
    if format not in Format.values:
        errors["format"] = _("Choose the format from the list.")
    if held_on > timezone.localdate() + dt.timedelta(days=1):
        errors["held_on"] = _("The meeting date is in the future; record meetings once held.")
    for f in follow_ups:
        if not f.action.strip() or not f.owner.strip():
            errors["follow_ups"] = _("Each follow-up needs an action and an owner.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            held_on=held_on, place=place.strip(), format=format,
            our_participants=our_participants.strip(), counterpart=counterpart.strip(),
            partner_states=partner_states.strip(), summary=summary.strip(),
            created_by=permissions.user_of(actor),
        )
        subjects = {
            subject_for(kind=kind, title=title).pk
            for kind, titles in [(Kind.TOPIC, topics), (Kind.OUR_DEMAND, our_demands),
                                 (Kind.THEIR_DEMAND, their_demands), (Kind.CONCERN, concerns)]
            for title in titles if title.strip()
        }
        Raised.objects.bulk_create([Raised(meeting=meeting, subject_id=pk) for pk in subjects])
        Undertaking.objects.bulk_create(
            [Undertaking(meeting=meeting, side=side, text=text.strip())
             for side, texts in [(Side.OURS, our_commitments), (Side.THEIRS, their_commitments)]
             for text in texts if text.strip()]
        )
        FollowUp.objects.bulk_create(
            [FollowUp(meeting=meeting, action=f.action.strip(), owner=f.owner.strip(),
                      due_on=f.due_on) for f in follow_ups]
        )
        if memo.strip():
            Memo.objects.create(meeting=meeting, title=memo_title.strip() or _("Memo"),
                                body=memo.strip(), created_by=permissions.user_of(actor))
        audit.record(actor=actor, action="engagement.recorded", object_type="meeting",
                     object_id=str(meeting.pk),
                     details={"subjects": len(subjects), "follow_ups": len(follow_ups),
                              "memo": bool(memo.strip())})
    return meeting


def add_memo(*, actor: Actor, meeting: Meeting, title: str, body: str) -> Memo:
    permissions.require(actor, permissions.LOG_ENGAGEMENTS)
    if not body.strip():
        raise ValidationError({"body": _("The memo is empty; write or paste its text.")})
    with transaction.atomic():
        memo = Memo.objects.create(meeting=meeting, title=title.strip() or _("Memo"),
                                   body=body.strip(), created_by=permissions.user_of(actor))
        audit.record(actor=actor, action="engagement.memo_added", object_type="meeting",
                     object_id=str(meeting.pk), details={"memo": memo.pk})
    return memo


def mark_follow_up_done(
    *, actor: Actor, follow_up: FollowUp, done_on: dt.date | None = None
) -> FollowUp:
    permissions.require(actor, permissions.LOG_ENGAGEMENTS)
    with transaction.atomic():
        follow_up.done_on = done_on or timezone.localdate()
        follow_up.save(update_fields=["done_on"])
        audit.record(actor=actor, action="engagement.follow_up_done", object_type="meeting",
                     object_id=str(follow_up.meeting_id), details={"follow_up": follow_up.pk})
    return follow_up
