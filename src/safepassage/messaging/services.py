"""Writing to the outbox: messages queued with the change that causes them, broadcasts, opt-outs
and replies received by SMS.

Call the queueing functions inside the transaction of the change (they open a savepoint of
their own otherwise): the change and its messages then commit together or not at all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts import permissions
from safepassage.accounts.permissions import Actor
from safepassage.audit import services as audit
from safepassage.bulk import create_objects
from safepassage.messaging.audiences import Audience, cases_in_audience
from safepassage.messaging.channels import configured_channels
from safepassage.messaging.inbox import receive_inbound
from safepassage.messaging.models import (
    RECEIPT_RANK,
    Broadcast,
    ChannelChoice,
    DeliveryReceipt,
    InboundMessage,
    Kind,
    Message,
    OptOut,
    Receipt,
    State,
    Via,
)
from safepassage.messaging.notices import language_for, render
from safepassage.messaging.segments import measure
from safepassage.registry import services as registry
from safepassage.registry.identifiers import digest_for
from safepassage.registry.models import (
    Case,
    Channel,
    ContactConfirmation,
    Identifier,
    Person,
    Relationship,
)
from safepassage.registry.normalise import NormalisationError, normalise_phone

# Messages about a person's own case always go, even to someone who opted out of the others.
ESSENTIAL_KINDS = frozenset(
    {Kind.REGISTRATION_RECEIVED, Kind.STATUS_CHANGED, Kind.FLIGHT_ASSIGNED, Kind.FLIGHT_CHANGED,
     Kind.BOARDING_PASS_ISSUED, Kind.ACCOMMODATION, Kind.PLACEMENT, Kind.MILESTONE}
)
MAX_SMS_SEGMENTS = 2


@dataclass(frozen=True)
class Recipient:
    case: Case
    person: Person | None
    channel: str
    address: str
    language: str


def _members_by_household(
    household_ids: Iterable[int], people: Sequence[Person] | None
) -> dict[int, list[Person]]:
    if people is None:
        people = list(
            Person.objects.filter(household_id__in=list(household_ids))
            .only("id", "household_id", "relationship_to_head", "phones", "email",
                  "preferred_language")
            .order_by("household_id", "pk")
        )
    members: dict[int, list[Person]] = {}
    for p in people:
        members.setdefault(p.household_id, []).append(p)
    for group in members.values():  # the head first: their language wins for a shared phone
        group.sort(key=lambda p: (p.relationship_to_head != Relationship.HEAD, p.pk))
    return members


def plan_recipients(
    *,
    cases: Sequence[Case],
    essential: bool,
    people: Sequence[Person] | None = None,
    once_per_address: bool = False,
) -> tuple[list[Recipient], int]:
    """Who hears about each case and how: (recipients, people skipped because they opted out).

    Each case gets one entry on its status page; each member with an e-mail address gets an
    e-mail and each member with a phone an SMS on their first number. A phone or address that
    several members share hears once per case (or once in all, with once_per_address).
    """
    members = _members_by_household((c.household_id for c in cases), people)
    # Opted out: of broadcasts (STOP), or of everything, essential notices too (STOP ALL).
    ids = [p.pk for group in members.values() for p in group]
    opt_outs = OptOut.objects.filter(person_id__in=ids)
    if essential:
        opt_outs = opt_outs.filter(essential_too=True)
    opted_out = set(opt_outs.values_list("person_id", flat=True))
    configured = configured_channels()
    choices = {c.person_id: c for c in ChannelChoice.objects.filter(person_id__in=ids)}
    recipients: list[Recipient] = []
    skipped = 0
    seen_everywhere: set[tuple[str, str]] = set()
    for case in cases:
        group = members.get(case.household_id, [])
        head = group[0] if group else None
        recipients.append(Recipient(case, head, Via.STATUS_PAGE, "",
                                    language_for(head.preferred_language if head else "en")))
        seen = seen_everywhere if once_per_address else set()
        for person in group:
            if person.pk in opted_out:
                skipped += 1
                continue
            language = language_for(person.preferred_language)
            addresses = _first_addresses(person, choices.get(person.pk), configured)
            for channel, address in addresses:
                key = (channel, address.casefold())
                if key in seen:
                    continue
                seen.add(key)
                recipients.append(Recipient(case, person, channel, address, language))
    return recipients, skipped


def _first_addresses(
    person: Person, choice: ChannelChoice | None, configured: Sequence[str]
) -> list[tuple[str, str]]:
    """Where a message to this person goes first. With a recorded choice, only its first
    configured channel they have an address on (the next ones are fallbacks). Without one, as
    always: their e-mail and their first phone, the phone on WhatsApp where it is configured
    (SMS is then its fallback)."""
    if choice is not None and choice.order:
        for via in choice.order:
            if via in configured:
                address = address_on(person, via, choice)
                if address:
                    return [(via, address)]
        return []
    addresses = []
    if person.email:
        addresses.append((str(Via.EMAIL), person.email.strip()))
    if person.phones:
        phone_via = Via.WHATSAPP if Via.WHATSAPP in configured else Via.SMS
        addresses.append((str(phone_via), person.phones[0]))
    return addresses


def queue_messages(
    *,
    actor: Actor,
    cases: Sequence[Case],
    kind: str,
    context: Mapping[str, Any] | None = None,
    contexts: Mapping[int, Mapping[str, Any]] | None = None,
    people: Sequence[Person] | None = None,
) -> list[Message]:
    """Queue an essential notice of `kind` about each case, for every contactable member.

    `context` holds codes shared by all cases (a flight number, a departure time already
    written for people to read); `contexts` per case pk overrides it. The case reference is
    added. The caller has checked the actor may make the change; this function writes the
    messages in the caller's transaction.
    """
    permissions.check_actor(actor)
    if kind not in ESSENTIAL_KINDS:
        raise ValueError(f"{kind!r} is not a notice about a case; send a broadcast instead")
    recipients, _skipped = plan_recipients(cases=cases, essential=True, people=people)
    return _write(recipients, kind=kind, context=context or {}, contexts=contexts or {})


def queue_message(
    *, actor: Actor, case: Case, kind: str, context: Mapping[str, Any] | None = None,
    attachment: str = "",
) -> list[Message]:
    """Queue one notice about one case (see queue_messages); for airlift and credentials.
    `attachment`: the signed text of a document to show as its QR code where the channel can
    carry an image (WhatsApp: the boarding pass)."""
    rows = queue_messages(actor=actor, cases=[case], kind=kind, context=context)
    if attachment:
        sendable = [m.pk for m in rows if m.channel == Via.WHATSAPP]
        for m in Message.objects.filter(pk__in=sendable):
            m.attachment = attachment
            m.save(update_fields=["attachment"])
    return rows


def notify_registration_received(
    *, actor: Actor, cases: Sequence[Case], people: Sequence[Person]
) -> None:
    """Each new household hears it is registered (messaging.subscribers), in the registration's
    transaction."""
    queue_messages(actor=actor, cases=cases, kind=Kind.REGISTRATION_RECEIVED, people=people)


# Statuses whose change notice is carried by a notice that says more, queued by the caller.
_STATUS_NOTICES_CARRIED: ContextVar[frozenset[str]] = ContextVar(
    "status_notices_carried", default=frozenset()
)


@contextmanager
def status_notice_carried_elsewhere(*to_statuses: str) -> Iterator[None]:
    """Within this block a change to one of `to_statuses` queues no status notice: the caller
    queues one that says more. Airlift uses it so that a household given a seat hears once,
    with its flight (flight_assigned), instead of also "now on a flight manifest"."""
    token = _STATUS_NOTICES_CARRIED.set(_STATUS_NOTICES_CARRIED.get() | set(to_statuses))
    try:
        yield
    finally:
        _STATUS_NOTICES_CARRIED.reset(token)


def notify_status_changed(*, actor: Actor, case: Case, to_status: str) -> None:
    """The household hears its case's new status (messaging.subscribers), in the change's
    transaction."""
    permissions.check_actor(actor)
    if to_status in _STATUS_NOTICES_CARRIED.get():
        return
    queue_messages(actor=actor, cases=[case], kind=Kind.STATUS_CHANGED,
                   context={"status": to_status})


def _write(
    recipients: Sequence[Recipient],
    *,
    kind: str,
    context: Mapping[str, Any],
    contexts: Mapping[int, Mapping[str, Any]],
    broadcast: Broadcast | None = None,
    texts: Mapping[str, str] | None = None,
    rate_per_minute: int | None = None,
    essential: bool = True,
) -> list[Message]:
    now = timezone.now()
    rendered: dict[tuple[int, str], Any] = {}
    rows: list[Message] = []
    sendable = 0
    for r in recipients:
        ctx = {**context, **contexts.get(r.case.pk, {}), "reference": r.case.reference}
        language = r.language
        if texts is not None:  # a broadcast: their language if written, else English
            language = language if texts.get(language) else "en"
            ctx = {"reference": r.case.reference}
        due = now
        if r.channel == Via.STATUS_PAGE:
            subject = body = ""
            state, sent_at = State.SENT, now
        else:
            key = (r.case.pk, language)
            if key not in rendered:
                full = {**ctx, "text": texts[language]} if texts is not None else ctx
                rendered[key] = render(kind, language, full)
            notice = rendered[key]
            subject = notice.subject
            body = notice.text if r.channel == Via.EMAIL else notice.sms
            state, sent_at = State.QUEUED, None
            if rate_per_minute:
                due = now + dt.timedelta(seconds=sendable * 60 / rate_per_minute)
            sendable += 1
        rows.append(
            Message(
                case=r.case, person=r.person, kind=kind, channel=r.channel,
                essential=essential, language=language, context=ctx, broadcast=broadcast,
                address=r.address, subject=subject, body=body, state=state,
                next_attempt_at=due, created_at=now, sent_at=sent_at,
            )
        )
    rows += _hold_for_unconfirmed_numbers(rows, now=now)
    with transaction.atomic(savepoint=False):  # one statement: a savepoint would add nothing
        return create_objects(rows)


def _hold_for_unconfirmed_numbers(rows: Sequence[Message], *, now: dt.datetime) -> list[Message]:
    """Hold every SMS of a household registered through the anonymous form to a number its
    holder has not confirmed (anyone may type anyone's number there): it goes once the number
    is confirmed (released by contact_confirmed). Returns the neutral codes to send instead,
    within the registry's limits (one at a time, three a day). Partners' and staff's
    registrations are not concerned."""
    codes: list[Message] = []
    for row in rows:
        if (row.channel not in (Via.SMS, Via.WHATSAPP) or row.case is None
                or row.case.channel != Channel.WEB_FORM):
            continue
        contact = registry.contact_for_public_form(actor=permissions.PUBLIC_FORM,
                                                   phone=row.address)
        if contact.confirmed:
            continue
        row.state, row.awaiting_contact = State.HELD, contact.contact
        if contact.code is not None:
            notice = render(Kind.CONTACT_CODE, row.language, {"code": contact.code})
            codes.append(Message(
                case=row.case, person=row.person, kind=Kind.CONTACT_CODE, channel=Via.SMS,
                essential=True, language=row.language, context={}, address=row.address,
                body=notice.sms, state=State.QUEUED, next_attempt_at=now, created_at=now))
    return codes


def release_held_messages(*, actor: Actor, contact: ContactConfirmation) -> int:
    """A number given through the public form was confirmed: what waited for it goes now
    (messaging.subscribers, in the confirmation's transaction)."""
    permissions.require(actor, permissions.CONFIRM_CONTACTS)
    return Message.objects.filter(awaiting_contact=contact, state=State.HELD).update(
        state=State.QUEUED, next_attempt_at=timezone.now())


# --- Broadcasts ---------------------------------------------------------------------------


@dataclass
class Preview:
    households: int
    people: int
    messages: int
    by_language: dict[str, int]
    by_channel: dict[str, int]
    opted_out: int
    untranslated: list[str]


def preview_broadcast(
    *, actor: Actor, audience: Audience, essential: bool, texts: Mapping[str, str] | None = None
) -> Preview:
    """How many households and people a broadcast would reach, in which languages and how."""
    permissions.require(actor, permissions.SEND_BROADCASTS)
    cases = list(cases_in_audience(audience))
    recipients, skipped = plan_recipients(cases=cases, essential=essential,
                                          once_per_address=True)
    people = {r.person.pk for r in recipients if r.person and r.channel != Via.STATUS_PAGE}
    languages = Counter(
        r.language for r in recipients if r.person and r.channel != Via.STATUS_PAGE
    )
    wanted = {r.language for r in recipients if r.channel != Via.STATUS_PAGE}
    texts = texts or {}
    return Preview(
        households=len(cases),
        people=len(people),
        messages=sum(1 for r in recipients if r.channel != Via.STATUS_PAGE),
        by_language=dict(languages.most_common()),
        by_channel=dict(Counter(r.channel for r in recipients if r.channel != Via.STATUS_PAGE)),
        opted_out=skipped,
        untranslated=sorted(lang for lang in wanted if not texts.get(lang)),
    )


def check_broadcast_texts(texts: Mapping[str, str]) -> dict[str, str]:
    """The texts, trimmed, or a ValidationError naming each language whose text is wrong."""
    cleaned = {lang: (text or "").strip() for lang, text in texts.items() if (text or "").strip()}
    errors: dict[str, list[str]] = {}
    if not cleaned.get("en"):
        errors["text_en"] = [_("Write the message in English: it goes to everyone whose "
                               "language has no text of its own.")]
    for lang, text in cleaned.items():
        length = measure("SafePassage: " + text)
        if length.segments > MAX_SMS_SEGMENTS:
            errors[f"text_{lang.replace('-', '_')}"] = [
                _("This text needs %(segments)d SMS segments (%(units)d %(encoding)s units); "
                  "shorten it to two segments so it arrives in one piece.")
                % {"segments": length.segments, "units": length.units,
                   "encoding": length.encoding}
            ]
    if errors:
        raise ValidationError(errors)
    return cleaned


def send_broadcast(
    *,
    actor: Actor,
    texts: Mapping[str, str],
    audience: Audience,
    essential: bool = False,
    rate_per_minute: int | None = None,
) -> Broadcast:
    """Queue one message to every household of the audience, paced at rate_per_minute.

    Each address hears once however many households it belongs to. A non-essential broadcast
    skips people who opted out.
    """
    permissions.require(actor, permissions.SEND_BROADCASTS)
    cleaned = check_broadcast_texts(texts)
    rate = rate_per_minute or settings.MESSAGING_BROADCAST_RATE_PER_MINUTE
    if not 1 <= rate <= settings.MESSAGING_BROADCAST_MAX_RATE_PER_MINUTE:
        raise ValidationError(
            {"rate_per_minute": [_("Choose a rate between 1 and %(max)d messages a minute.")
                                 % {"max": settings.MESSAGING_BROADCAST_MAX_RATE_PER_MINUTE}]}
        )
    with transaction.atomic():
        cases = list(cases_in_audience(audience))
        if not cases:
            raise ValidationError(_("No household matches this audience; nothing was sent."))
        recipients, skipped = plan_recipients(cases=cases, essential=essential,
                                              once_per_address=True)
        broadcast = Broadcast(author=permissions.user_of(actor), essential=essential,
                              audience=audience.as_json(), rate_per_minute=rate,
                              households=len(cases))
        broadcast.texts = cleaned
        broadcast.save()
        rows = _write(recipients, kind=Kind.BROADCAST, context={}, contexts={},
                      broadcast=broadcast, texts=cleaned, rate_per_minute=rate,
                      essential=essential)
        broadcast.messages = sum(1 for m in rows if m.channel != Via.STATUS_PAGE)
        broadcast.save(update_fields=["messages"])
        audit.record(
            actor=actor, action="broadcast.sent", object_type="broadcast",
            object_id=broadcast.pk,
            details={"households": len(cases), "messages": broadcast.messages,
                     "opted_out_skipped": skipped, "essential": essential,
                     "audience": audience.as_json(), "languages": sorted(cleaned)},
        )
    return broadcast


# --- Opting out, and replies by SMS -------------------------------------------------------


def set_opt_out(*, actor: Actor, person: Person, opted_out: bool, via: str,
                essential_too: bool = False) -> None:
    """Record that a person wants essential messages only (or, essential_too, none at all:
    decision 0037), or wants everything again."""
    permissions.require(actor, permissions.RECORD_OPT_OUTS)
    with transaction.atomic():
        if opted_out:
            OptOut.objects.update_or_create(
                person=person, defaults={"via": via, "essential_too": essential_too})
        else:
            OptOut.objects.filter(person=person).delete()
        audit.record(
            actor=actor, action="messaging.opt_out" if opted_out else "messaging.opt_in",
            object_type="person", object_id=person.pk,
            details={"via": via, "essential_too": essential_too},
        )


def receive_inbound_sms(
    *, actor: Actor, provider_id: str, sender: str, text: str,
    received_at: dt.datetime | None = None,
) -> tuple[InboundMessage, bool]:
    """A reply received by SMS, into the inbox (messaging.inbox.receive_inbound): attached to
    every case the number belongs to, keywords answered. Returns (reply, created)."""
    return receive_inbound(actor=actor, via="sms", provider_id=provider_id, sender=sender,
                           text=text, received_at=received_at)


def rebuild_sender_digests(*, batch: int = 1000) -> int:
    """The phone digests of received messages written again under the current index key."""
    done, last_pk = 0, 0
    while True:
        with transaction.atomic():
            rows = list(InboundMessage.objects.select_for_update().filter(pk__gt=last_pk)
                        .exclude(sender_digest="").order_by("pk")[:batch])
            if not rows:
                return done
            for row in rows:
                try:
                    row.sender_digest = digest_for(Identifier.Kind.PHONE,
                                                   normalise_phone(row.sender))
                except NormalisationError:
                    row.sender_digest = ""
            InboundMessage.objects.bulk_update(rows, ["sender_digest"])
        last_pk, done = rows[-1].pk, done + len(rows)


# --- Delivery receipts, channel choices and fallback --------------------------------------


@dataclass(frozen=True)
class ReceiptEvent:
    """A provider's status callback about one message, as read from its webhook."""

    provider: str
    provider_id: str
    status: str  # a Receipt value
    error_code: str = ""
    key: str = ""  # our idempotency key, when the provider carries it back
    at: dt.datetime | None = None


def messages_for_receipts(events: Sequence[ReceiptEvent]) -> list[Message | None]:
    """The message each event is about (None: not known yet), in two queries whatever their
    number: by our key where the provider carried it back, else by (provider, provider id)."""
    keys: dict[str, uuid.UUID] = {}
    for e in events:
        with contextlib.suppress(ValueError):
            keys[e.key] = uuid.UUID(e.key)
    fields = ("id", "receipt", "provider", "provider_id", "idempotency_key")
    by_key = {str(m.idempotency_key): m for m in
              Message.objects.filter(idempotency_key__in=list(keys.values())).only(*fields)}
    missing = {e.provider_id for e in events if e.key not in by_key and e.provider_id}
    by_id = {(m.provider, m.provider_id): m for m in
             Message.objects.filter(provider_id__in=list(missing)).only(*fields)} if missing else {}
    return [by_key.get(str(keys.get(e.key, ""))) or by_id.get((e.provider, e.provider_id))
            for e in events]


def record_receipts(*, receipts: Sequence[tuple[ReceiptEvent, Message]]) -> None:
    """Keep each callback in its message's history, and move each message's receipt forward
    (never back: "sent" after "delivered" leaves it delivered); one INSERT and one batch of
    UPDATEs for them all."""
    now = timezone.now()
    DeliveryReceipt.objects.bulk_create(
        DeliveryReceipt(message_id=m.pk, status=e.status, error_code=e.error_code[:40],
                        at=e.at or now, recorded_at=now) for e, m in receipts)
    latest: dict[int, tuple[str, str, dt.datetime]] = {}
    for e, m in receipts:
        current = latest.get(m.pk, (m.receipt, "", now))[0]
        if RECEIPT_RANK.get(e.status, 0) > RECEIPT_RANK.get(current, 0):  # type: ignore[call-overload]
            latest[m.pk] = (e.status, e.error_code[:40], e.at or now)
    for pk, (status, code, at) in latest.items():
        Message.objects.filter(pk=pk).update(receipt=status, receipt_error=code, receipt_at=at)


def record_receipt(
    *, provider: str, provider_id: str, status: str, error_code: str = "", key: str = "",
    at: dt.datetime | None = None,
) -> bool:
    """One status callback (see record_receipts); False when no message matches yet (the
    worker has not recorded the provider's id)."""
    event = ReceiptEvent(provider, provider_id, status, error_code, key, at)
    [message] = messages_for_receipts([event])
    if message is None:
        return False
    record_receipts(receipts=[(event, message)])
    return True


def set_channel_choice(
    *, actor: Actor, person: Person, order: Sequence[str], telegram_chat_id: str = ""
) -> ChannelChoice:
    """Record how a person wants to be reached, first choice first (WhatsApp, SMS, e-mail,
    Telegram): each message goes to the first, the next only when it was not delivered.
    A caseworker records it (the person asked), or the demo's loader."""
    if not permissions.can(actor, permissions.LOAD_DEMO_DATA):
        permissions.require(actor, permissions.REVIEW_CASES)
    allowed = {Via.WHATSAPP, Via.SMS, Via.EMAIL, Via.TELEGRAM}
    cleaned: list[str] = []
    for via in order:
        if via not in allowed:
            raise ValidationError({"order": [_("%(via)s is not a channel; choose among "
                                               "WhatsApp, SMS, e-mail and Telegram.")
                                             % {"via": via}]})
        if via not in cleaned:
            cleaned.append(str(via))
    with transaction.atomic():
        choice, _created = ChannelChoice.objects.update_or_create(
            person=person, defaults={"order": cleaned, "at": timezone.now()})
        if telegram_chat_id:
            choice.telegram_chat_id = telegram_chat_id
            choice.save(update_fields=["telegram_chat_id"])
        audit.record(actor=actor, action="messaging.channel_choice", object_type="person",
                     object_id=person.pk, details={"order": cleaned})
    return choice


def address_on(person: Person, via: str, choice: ChannelChoice | None) -> str:
    """The person's address on a channel, or "" if they have none there."""
    if via in (Via.SMS, Via.WHATSAPP):
        return str(person.phones[0]) if person.phones else ""
    if via == Via.EMAIL:
        return str(person.email or "").strip()
    if via == Via.TELEGRAM and choice is not None:
        return str(choice.telegram_chat_id or "")
    return ""


def channel_order(choice: ChannelChoice | None) -> list[str]:
    """The person's order restricted to the channels configured here; the configured order
    (WhatsApp, Telegram, SMS, e-mail) for someone who chose nothing."""
    configured = configured_channels()
    if choice is None or not choice.order:
        return configured
    return [v for v in choice.order if v in configured]


def fall_back_undelivered(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Each WhatsApp, Telegram or SMS message that failed, or has no "delivered" receipt
    MESSAGING_FALLBACK_SECONDS after it was sent, goes once to the person's next channel (with
    an address); its replacement may in turn fall back later, one channel at a time, never to
    all at once. Returns the messages queued."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.MESSAGING_FALLBACK_SECONDS)
    fallible = [Via.WHATSAPP, Via.TELEGRAM, Via.SMS]
    due = (
        # News older than two days is not worth a second channel (nor a burst of old failures
        # when fallback is first switched on).
        Message.objects.filter(channel__in=fallible, fallback__isnull=True, person__isnull=False,
                               created_at__gte=now - dt.timedelta(days=2))
        .filter(
            Q(state=State.SENT, sent_at__lte=cutoff,
              receipt__in=["", Receipt.QUEUED, Receipt.SENT, Receipt.FAILED])
            | Q(state=State.SENT, receipt=Receipt.FAILED)
            | Q(state=State.FAILED)
        )
        .exclude(kind=Kind.CONTACT_CODE)  # a code is for that number, nowhere else
        .select_related("person", "broadcast", "case")
        .order_by("pk")[:limit]
    )
    rows = list(due)
    if not rows:
        return 0
    choices = {c.person_id: c for c in ChannelChoice.objects.filter(
        person_id__in=[m.person_id for m in rows])}
    created: list[Message] = []
    for m in rows:
        assert m.person is not None
        choice = choices.get(m.person.pk)
        order = channel_order(choice)
        later = order[order.index(m.channel) + 1:] if m.channel in order else []
        for via in later:
            address = address_on(m.person, via, choice)
            if not address:
                continue
            context = dict(m.context)
            if m.kind == Kind.BROADCAST and m.broadcast is not None:
                context["text"] = m.broadcast.texts.get(m.language) or m.broadcast.texts["en"]
            notice = render(m.kind, m.language, context)
            created.append(Message(
                case=m.case, person=m.person, kind=m.kind, channel=via, essential=m.essential,
                language=m.language, context=m.context, broadcast=m.broadcast, address=address,
                subject=notice.subject, body=notice.text if via == Via.EMAIL else notice.sms,
                state=State.QUEUED, next_attempt_at=now, created_at=now, fallback_of=m))
            break
    with transaction.atomic():
        # The unique fallback_of makes a second runner's copy fail: skip those.
        for row in created:
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                row.pk = None
    return sum(1 for row in created if row.pk)
