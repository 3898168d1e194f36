"""The outbox worker: claim due messages, send them, record each attempt, retry or give up.

Claiming takes a lease: the rows are marked "sending" with the lease's end as their next
attempt, in a short transaction (FOR UPDATE SKIP LOCKED on PostgreSQL, so several workers take
different rows; SQLite's write lock serialises claims). A worker killed mid-batch leaves its
rows to be claimed again when the lease runs out: nothing is lost. A message sent but not yet
marked is sent again; the SMS gateway recognises it by its idempotency key, an SMTP server
sees the same Message-ID twice. On channels whose provider has no idempotency key (SMTP,
Twilio, WhatsApp, Postmark, Telegram), outcomes are recorded every
MESSAGING_UNRECORDED_LIMIT sends, which bounds what a crash can send twice (decision 0033).
"""

from __future__ import annotations

import logging
import os
import random
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from safepassage.messaging.channels import Channel, DeliveryFailed, channel_for
from safepassage.messaging.models import ACTIVE_STATES, DeliveryAttempt, Message, State

log = logging.getLogger("safepassage.messaging")


def new_worker_id() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off: base, twice that, four times … capped, with up to 10% jitter."""
    base = settings.MESSAGING_RETRY_BASE_SECONDS
    seconds = min(base * 2 ** max(attempts - 1, 0), settings.MESSAGING_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds * (1 + random.random() / 10))


@dataclass
class BatchResult:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0


def claim_due_messages(
    *, worker: str, limit: int, lease_seconds: int, now: datetime | None = None
) -> list[Message]:
    """Take up to `limit` due messages for this worker, under a lease."""
    now = now or timezone.now()
    lease_until = now + timedelta(seconds=lease_seconds)
    max_attempts = settings.MESSAGING_MAX_ATTEMPTS
    with transaction.atomic():
        due = Message.objects.filter(state__in=ACTIVE_STATES, next_attempt_at__lte=now)
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        rows = list(due.order_by("next_attempt_at")[:limit])
        if not rows:
            return []
        abandoned = [m for m in rows if m.state == State.SENDING]
        if abandoned:
            DeliveryAttempt.objects.bulk_create(
                DeliveryAttempt(message=m, number=m.attempts, worker=m.claimed_by, at=now,
                                outcome=DeliveryAttempt.Outcome.ABANDONED,
                                error="The worker stopped before reporting; lease expired")
                for m in abandoned
            )
        exhausted = [m for m in rows if m.attempts >= max_attempts]
        if exhausted:
            Message.objects.filter(pk__in=[m.pk for m in exhausted]).update(
                state=State.FAILED, claimed_by="",
                last_error=f"Gave up after {max_attempts} attempts; workers stopped mid-send",
            )
        claimed = [m for m in rows if m.attempts < max_attempts]
        Message.objects.filter(pk__in=[m.pk for m in claimed]).update(
            state=State.SENDING, claimed_by=worker, next_attempt_at=lease_until,
            attempts=F("attempts") + 1,
        )
    for m in claimed:
        m.state, m.claimed_by, m.next_attempt_at = State.SENDING, worker, lease_until
        m.attempts += 1
    return claimed


def send_due_messages(
    *,
    worker: str,
    limit: int = 100,
    lease_seconds: int | None = None,
    now: datetime | None = None,
    channels: dict[str, Channel] | None = None,
) -> BatchResult:
    """One batch: claim, send each on its channel, then record every outcome at once.

    Pass `channels` to keep connections open across batches (the command does).
    """
    lease = lease_seconds or settings.MESSAGING_LEASE_SECONDS
    claimed = claim_due_messages(worker=worker, limit=limit, lease_seconds=lease, now=now)
    result = BatchResult(claimed=len(claimed))
    if not claimed:
        return result
    # Stop sending well before the lease runs out, so no other worker takes a row mid-send.
    deadline = time.monotonic() + lease * 0.8
    own_channels = channels is None
    open_channels: dict[str, Channel] = {} if channels is None else channels
    outcomes: list[Outcome] = []
    released: list[tuple[Message, float]] = []  # not tried: handed back, due in so many seconds
    permanent: set[int] = set()
    paused: dict[str, float] = {}  # channel -> seconds its provider asked us to wait (429)
    unrecorded = 0  # sent on channels without an idempotency key, not yet recorded
    try:
        for message in claimed:
            if time.monotonic() > deadline:
                released.append((message, 0.0))
                continue
            if message.channel in paused:
                released.append((message, paused[message.channel]))
                continue
            channel = open_channels.get(message.channel)
            if channel is None:
                channel = open_channels[message.channel] = channel_for(message.channel)
            started = time.monotonic()
            wait: float | None = None
            try:
                provider_id, error = channel.send(message), ""
            except DeliveryFailed as exc:
                provider_id, error, wait = "", exc.reason, exc.retry_after
                if exc.permanent:
                    permanent.add(message.pk)
                if wait is not None:
                    paused[message.channel] = wait
            except Exception as exc:  # a channel bug must not stop the other messages
                provider_id, error = "", f"Unexpected {type(exc).__name__} while sending"
                log.exception("message %s: unexpected error on %s", message.pk, message.channel)
            outcomes.append(Outcome(message, getattr(channel, "provider", ""), provider_id,
                                    error, int((time.monotonic() - started) * 1000), wait))
            if not getattr(channel, "idempotent", False):
                unrecorded += 1
                if unrecorded >= settings.MESSAGING_UNRECORDED_LIMIT:
                    # A provider that cannot recognise a message sent again: record what went
                    # before sending more, so that a crash repeats at most this many.
                    _record(worker, outcomes, [], permanent, result, now)
                    outcomes, unrecorded = [], 0
    finally:
        if own_channels:
            for channel in open_channels.values():
                channel.close()
        _record(worker, outcomes, released, permanent, result, now)
    return result


@dataclass
class Outcome:
    message: Message
    provider: str
    provider_id: str
    error: str
    ms: int
    retry_after: float | None


def _record(
    worker: str,
    outcomes: list[Outcome],
    released: list[tuple[Message, float]],
    permanent: set[int],
    result: BatchResult,
    now: datetime | None,
) -> None:
    now = now or timezone.now()
    max_attempts = settings.MESSAGING_MAX_ATTEMPTS
    ids = [o.message.pk for o in outcomes] + [m.pk for m, _wait in released]
    with transaction.atomic():
        # A row whose lease ran out and that another worker took is that worker's now.
        still_mine = set(
            Message.objects.filter(pk__in=ids, claimed_by=worker, state=State.SENDING)
            .values_list("pk", flat=True)
        )
        changed: list[Message] = []
        attempts: list[DeliveryAttempt] = []
        for o in outcomes:
            message, provider_id, error, ms = o.message, o.provider_id, o.error, o.ms
            if message.pk not in still_mine:
                continue
            message.claimed_by, message.provider = "", o.provider
            if not error:
                message.state, message.sent_at, message.provider_id = State.SENT, now, provider_id
                message.last_error = ""
                outcome = DeliveryAttempt.Outcome.SENT
                result.sent += 1
            elif message.pk in permanent or message.attempts >= max_attempts:
                message.state = State.FAILED
                message.last_error = (error if message.pk in permanent else
                                      f"{error}; gave up after {message.attempts} attempts")[:200]
                outcome = DeliveryAttempt.Outcome.FAILED
                result.failed += 1
                log.warning("message %s failed: %s", message.pk, message.last_error)
            else:
                message.state, message.last_error = State.QUEUED, error
                message.next_attempt_at = now + (
                    timedelta(seconds=o.retry_after) if o.retry_after is not None
                    else retry_delay(message.attempts))
                outcome = DeliveryAttempt.Outcome.RETRY
                result.retried += 1
            changed.append(message)
            attempts.append(DeliveryAttempt(message=message, number=message.attempts,
                                            worker=worker, at=now, outcome=outcome,
                                            error=error[:200], duration_ms=ms))
        if changed:
            # One statement per row, executed as a batch: Django's bulk_update builds a CASE
            # per column and row, which cost more than the sending itself.
            adapt = connection.ops.adapt_datetimefield_value
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {Message._meta.db_table} SET state = %s, sent_at = %s, "  # noqa: S608
                    "provider_id = %s, last_error = %s, next_attempt_at = %s, claimed_by = '', "
                    "provider = %s WHERE id = %s",
                    [(m.state, adapt(m.sent_at), m.provider_id, m.last_error,
                      adapt(m.next_attempt_at), m.provider, m.pk) for m in changed],
                )
            DeliveryAttempt.objects.bulk_create(attempts)
        back: dict[float, list[int]] = {}
        for m, wait in released:
            if m.pk in still_mine:
                back.setdefault(wait, []).append(m.pk)
        for wait, pks in back.items():  # not tried: hand back without spending an attempt
            Message.objects.filter(pk__in=pks).update(
                state=State.QUEUED, claimed_by="", next_attempt_at=now + timedelta(seconds=wait),
                attempts=F("attempts") - 1,
            )


def pending_count() -> int:
    return Message.objects.filter(state__in=ACTIVE_STATES).count()

