"""Reads of the outbox: a case's messages and replies, the status page, broadcasts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import translation

from safepassage.accounts import permissions
from safepassage.accounts.permissions import Actor
from safepassage.messaging.models import Broadcast, InboundMessage, Kind, Message, State, Via
from safepassage.messaging.notices import language_for, render
from safepassage.registry.models import Case


def messages_for_case(*, actor: Actor, case: Case) -> list[Message]:
    """Everything sent or to be sent about a case, for staff who may read the person's file."""
    permissions.require(actor, permissions.READ_PERSON_FILE)
    return list(
        Message.objects.filter(case=case).exclude(channel=Via.STATUS_PAGE)
        .select_related("person").order_by("-created_at", "-pk")[:200]
    )


def replies_for_case(*, actor: Actor, case: Case) -> list[InboundMessage]:
    permissions.require(actor, permissions.READ_PERSON_FILE)
    return list(InboundMessage.objects.filter(cases=case).order_by("-received_at", "-pk")[:100])


def unmatched_replies(*, actor: Actor) -> QuerySet[InboundMessage]:
    permissions.require(actor, permissions.READ_PERSON_FILE)
    return InboundMessage.objects.filter(cases__isnull=True).order_by("-received_at")


@dataclass
class StatusPageNotice:
    at: Any
    subject: str
    text: str


def notices_for_status_page(case: Case) -> list[StatusPageNotice]:
    """What the person has been told, newest first, in the language the page is shown in.

    Public: the status page shows it to whoever holds the reference, so it carries only what
    the messages themselves said.
    """
    language = language_for(translation.get_language() or "en")
    rows = (
        Message.objects.filter(case=case, channel=Via.STATUS_PAGE)
        .select_related("broadcast").order_by("-created_at", "-pk")[:50]
    )
    notices = []
    for m in rows:
        context = dict(m.context)
        if m.kind == Kind.BROADCAST and m.broadcast is not None:
            texts = m.broadcast.texts
            context["text"] = texts.get(language) or texts.get("en", "")
        notice = render(m.kind, language, context)
        notices.append(StatusPageNotice(at=m.created_at, subject=notice.subject,
                                        text=notice.text))
    return notices


def broadcasts(*, actor: Actor) -> QuerySet[Broadcast]:
    permissions.require(actor, permissions.SEND_BROADCASTS)
    sendable = ~Q(outbox__channel=Via.STATUS_PAGE)
    return Broadcast.objects.select_related("author").annotate(
        sent=Count("outbox", filter=sendable & Q(outbox__state=State.SENT)),
        failed=Count("outbox", filter=sendable & Q(outbox__state=State.FAILED)),
        waiting=Count("outbox", filter=sendable & Q(outbox__state__in=[State.QUEUED,
                                                                        State.SENDING])),
    )
