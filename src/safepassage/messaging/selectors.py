"""Reads of the outbox: a case's messages and replies, the status page, broadcasts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation

from safepassage.accounts import permissions
from safepassage.accounts.permissions import Actor
from safepassage.messaging.models import (
    Broadcast,
    DeliveryReceipt,
    InboundMessage,
    Kind,
    Message,
    Receipt,
    State,
    Via,
)
from safepassage.messaging.notices import language_for, render
from safepassage.registry.identifiers import digest_for
from safepassage.registry.models import Case, Identifier
from safepassage.registry.normalise import NormalisationError, normalise_phone


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


def in_service_window(*, phone: str, now: dt.datetime | None = None) -> bool:
    """Whether the person wrote to us on WhatsApp in the last 24 hours (WhatsApp's customer
    service window), so that a free-form message may go instead of the approved template."""
    digest = phone_digest(phone)
    return bool(digest) and digest in senders_in_service_window(now=now)


def phone_digest(phone: str) -> str:
    try:
        return digest_for(Identifier.Kind.PHONE, normalise_phone(phone))
    except NormalisationError:
        return ""


def senders_in_service_window(*, now: dt.datetime | None = None) -> set[str]:
    """The phone digests of everyone who wrote to us on WhatsApp in the last 24 hours: one
    query for a whole batch of sends (the WhatsApp adapter keeps it a minute)."""
    since = (now or timezone.now()) - dt.timedelta(hours=24)
    return set(InboundMessage.objects.filter(
        received_at__gte=since, provider_id__startswith="whatsapp:")
        .values_list("sender_digest", flat=True))


@dataclass
class ChannelCounts:
    channel: str
    label: str
    counts: dict[str, int]


DELIVERY_COLUMNS = ["waiting", "sent", "delivered", "read", "failed"]


def delivery_counts(*, actor: Actor, since: dt.datetime | None = None) -> list[ChannelCounts]:
    """Messages by channel and by what is known of them: waiting in the outbox, sent (no
    receipt yet), delivered, read, failed (by us or by the provider's receipt). Aggregates
    only: for whoever may see the dashboard."""
    permissions.require(actor, permissions.VIEW_DASHBOARD)
    rows = Message.objects.exclude(channel=Via.STATUS_PAGE).exclude(state=State.HELD)
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    grouped = rows.values("channel", "state", "receipt").annotate(n=Count("pk"))
    table: dict[str, dict[str, int]] = {}
    for row in grouped:
        column = ("failed" if row["state"] == State.FAILED or row["receipt"] == Receipt.FAILED
                  else "waiting" if row["state"] in (State.QUEUED, State.SENDING)
                  else row["receipt"] if row["receipt"] in ("delivered", "read") else "sent")
        counts = table.setdefault(row["channel"], dict.fromkeys(DELIVERY_COLUMNS, 0))
        counts[column] += row["n"]
    labels = dict(Via.choices)
    return [ChannelCounts(channel, str(labels.get(channel, channel)), table[channel])
            for channel in sorted(table)]


def receipts_for_case(*, actor: Actor, case: Case) -> dict[int, list[DeliveryReceipt]]:
    """Each message's receipt history, by message id."""
    permissions.require(actor, permissions.READ_PERSON_FILE)
    history: dict[int, list[DeliveryReceipt]] = {}
    for r in DeliveryReceipt.objects.filter(message__case=case).order_by("at", "pk")[:1000]:
        history.setdefault(r.message_id, []).append(r)
    return history
