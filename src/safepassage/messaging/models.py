"""The outbox: one row per message and recipient, written with the change that causes it.

A message row is the queue (state and next attempt), its delivery attempts are the record, and
recipients' addresses and texts are encrypted at rest like every other personal value.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.protection.fields import EncryptedJSONField, EncryptedTextField


class Kind(models.TextChoices):
    REGISTRATION_RECEIVED = "registration_received", _("Registration received")
    STATUS_CHANGED = "status_changed", _("Status changed")
    FLIGHT_ASSIGNED = "flight_assigned", _("Flight assigned")
    FLIGHT_CHANGED = "flight_changed", _("Flight changed")
    BOARDING_PASS_ISSUED = "boarding_pass_issued", _("Boarding pass issued")
    BROADCAST = "broadcast", _("Broadcast")
    # Digits only, to a number given through the public form and not yet confirmed.
    CONTACT_CODE = "contact_code", _("Confirmation code")
    ACCOMMODATION = "accommodation", _("Temporary accommodation")
    PLACEMENT = "placement", _("Place of resettlement")
    MILESTONE = "milestone", _("Resettlement milestone")
    # An answer to a message the person sent (messaging.inbox): by staff from a template, or at
    # once to a keyword such as STATUS. Sent whatever they opted out of: they asked.
    REPLY = "reply", _("Answer to your message")


class Via(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")
    STATUS_PAGE = "status_page", _("Status page")


class Receipt(models.TextChoices):
    """What the provider last said about a sent message (its status callbacks)."""

    QUEUED = "queued", _("Queued by the provider")
    SENT = "sent", _("Sent by the provider")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    FAILED = "failed", _("Not delivered")


# A receipt never moves a message back: "sent" arriving after "delivered" is kept in the
# history but leaves the message delivered. "failed" wins over queued and sent only.
RECEIPT_RANK = {Receipt.QUEUED: 1, Receipt.SENT: 2, Receipt.FAILED: 3, Receipt.DELIVERED: 4,
                Receipt.READ: 5}


class State(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # To a number given through the anonymous form: sent once its holder confirms it.
    HELD = "held", _("Waiting for the number to be confirmed")


ACTIVE_STATES = [State.QUEUED, State.SENDING]


class Broadcast(models.Model):
    """One message from an airlift officer to an audience of households, in several languages."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # {"en": "...", "fr": "...", "fa-af": "...", "ps": "..."}; English is required, the others
    # fall back to it. Operational details (a gate, a time) are sensitive: encrypted too.
    texts: Any = EncryptedJSONField(default=dict)
    essential = models.BooleanField(default=False)
    audience = models.JSONField(default=dict)  # {"categories": [...], "statuses": [...], ...}
    rate_per_minute = models.PositiveIntegerField()
    households = models.PositiveIntegerField(default=0)
    messages = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Broadcast {self.pk}"


class Message(models.Model):
    # No index of its own: message_case (case, created_at) serves look-ups by case.
    # None only for an answer to someone whose number matched no case (messaging.inbox).
    case = models.ForeignKey("registry.Case", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="messages", db_index=False)
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    channel = models.CharField(max_length=12, choices=Via.choices)
    essential = models.BooleanField(default=True)
    language = models.CharField(max_length=8)
    # Codes only (reference, status, flight number, departure): what the status page renders
    # again in the reader's language. Never names, phones or document numbers.
    context = models.JSONField(default=dict, blank=True)
    broadcast = models.ForeignKey(
        Broadcast, null=True, blank=True, on_delete=models.PROTECT, related_name="outbox"
    )
    address = EncryptedTextField(blank=True, default="")
    subject = EncryptedTextField(blank=True, default="")
    body = EncryptedTextField(blank=True, default="")
    # The signed text of a document shown as its QR code where the channel carries images (a
    # boarding pass on WhatsApp); it names people, so it is encrypted like the body.
    attachment = EncryptedTextField(blank=True, default="")
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When a queued message is due; for a claimed one, when its worker's lease runs out.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=64, blank=True, default="")
    last_error = models.CharField(max_length=200, blank=True, default="")
    provider_id = models.CharField(max_length=100, blank=True, default="")
    # Sent to the SMS gateway as its Idempotency-Key and used as the e-mail's Message-ID, so a
    # message sent again after a crash is recognisably the same message.
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The unconfirmed number a held message waits for (state "held").
    awaiting_contact = models.ForeignKey(
        "registry.ContactConfirmation", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+")
    # Which adapter sent it ("twilio", "whatsapp_cloud", ...): receipts match on (provider,
    # provider_id).
    provider = models.CharField(max_length=16, blank=True, default="")
    receipt = models.CharField(max_length=10, choices=Receipt.choices, blank=True, default="")
    receipt_error = models.CharField(max_length=40, blank=True, default="")
    receipt_at = models.DateTimeField(null=True, blank=True)
    # The message this one replaces on the person's next channel, when that one was not
    # delivered in time: each message falls back at most once (unique).
    fallback_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="fallback")

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state__in=["queued", "sending"]),
                name="message_due",
            ),
            models.Index(fields=["case", "created_at"], name="message_case"),
            models.Index(fields=["provider", "provider_id"], name="message_provider_id",
                         condition=~Q(provider_id="")),
            # Sent messages still waiting for a receipt: what may fall back.
            models.Index(fields=["sent_at"], name="message_awaiting_receipt",
                         condition=Q(state="sent", channel__in=["whatsapp", "sms", "telegram"])
                         & Q(receipt__in=["", "queued", "sent", "failed"])),
        ]

    def __str__(self) -> str:
        return f"Message {self.pk}"


class DeliveryAttempt(models.Model):
    class Outcome(models.TextChoices):
        SENT = "sent", _("Sent")
        RETRY = "retry", _("Failed, will retry")
        FAILED = "failed", _("Failed, given up")
        ABANDONED = "abandoned", _("Worker stopped before reporting")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="delivery_attempts")
    number = models.PositiveSmallIntegerField()
    worker = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    error = models.CharField(max_length=200, blank=True, default="")
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["at", "pk"]


class DeliveryReceipt(models.Model):
    """One status callback from a provider about one message: the message's receipt history."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="receipts")
    status = models.CharField(max_length=10, choices=Receipt.choices)
    # The provider's own error code (Twilio 30003, WhatsApp 131047, Postmark 406 ...): codes
    # only, never the provider's text, which may quote the number back.
    error_code = models.CharField(max_length=40, blank=True, default="")
    at = models.DateTimeField(default=timezone.now)  # as the provider dated it
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]


class WebhookCall(models.Model):
    """A provider's callback exactly as received, stored in one INSERT before it is answered
    2xx, then processed by the background runner (messaging.tasks): a web process killed after
    answering loses nothing."""

    class Provider(models.TextChoices):
        WHATSAPP_CLOUD = "whatsapp_cloud", "WhatsApp Cloud API"
        TWILIO = "twilio", "Twilio"
        RAPIDPRO = "rapidpro", "RapidPro external channel"
        ANYMAIL = "anymail", "E-mail provider (anymail)"
        TELEGRAM = "telegram", "Telegram Bot API"

    provider = models.CharField(max_length=16, choices=Provider.choices)
    # "status", "inbound", "received", "sent", "delivered", "failed", "tracking", "update"
    kind = models.CharField(max_length=12)
    # Numbers and texts: encrypted like every personal value.
    body = EncryptedTextField()
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["id"], name="webhook_pending",
                                condition=Q(processed_at__isnull=True))]

    def __str__(self) -> str:
        return f"Webhook {self.pk}"


class ChannelChoice(models.Model):
    """The order in which a person wants to be reached (["whatsapp", "sms", "email"]): the first
    configured channel they have an address for gets each message; the next ones only when it
    was not delivered in time, one after the other."""

    person = models.OneToOneField("registry.Person", on_delete=models.CASCADE, related_name="+")
    order: Any = models.JSONField(default=list)
    telegram_chat_id = EncryptedTextField(blank=True, default="")
    at = models.DateTimeField(default=timezone.now)


class OptOut(models.Model):
    """A person who asked for essential messages only (their case, their flight, their pass), or,
    with the second explicit word (STOP ALL), for none at all (decision 0037)."""

    person = models.OneToOneField("registry.Person", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    via = models.CharField(max_length=16)  # "sms_keyword", "staff", "status_page"
    # Also out of the essential messages about their own case and seat: asked for explicitly.
    essential_too = models.BooleanField(default=False)


class InboundVia(models.TextChoices):
    """Where a message to us came from; answers go back the same way."""

    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("E-mail")
    TELEGRAM = "telegram", _("Telegram")
    STATUS_PAGE = "status_page", _("Status page")


class InboxTeam(models.Model):
    """Caseworkers who answer together (a language desk, a province): a conversation can be
    assigned to the team instead of one of them. Belongs to one organisation (None: the crisis
    cell itself); only its own staff assign to it."""

    name = models.CharField(max_length=100)
    organisation = models.ForeignKey("accounts.Organisation", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"],
                                               name="inbox_team_name_once")]

    def __str__(self) -> str:
        return self.name


class Conversation(models.Model):
    """Everything one sender wrote to us through one channel (a household through its status
    page), with who answers it and since when it waits (messaging.inbox)."""

    via = models.CharField(max_length=12, choices=InboundVia.choices)
    # "<via>:<blind index of the sender>" (or "status_page:<reference>"): one conversation per
    # sender and channel, found again without decrypting anything.
    key = models.CharField(max_length=64, unique=True)
    address = EncryptedTextField(blank=True, default="")  # where answers go; "" on the page
    # Matched only by an exact blind-index match of the sender's number or address (or the
    # reference and secret on the status page); none: an unmatched conversation.
    cases = models.ManyToManyField("registry.Case", blank=True, related_name="+")
    language = models.CharField(max_length=8, default="en")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    team = models.ForeignKey(InboxTeam, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="conversations")
    # The first message no one has answered yet; None: nothing waits.
    waiting_since = models.DateTimeField(null=True, blank=True)
    last_received_at = models.DateTimeField(default=timezone.now)
    unread = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["waiting_since", "-last_received_at", "pk"]
        indexes = [models.Index(fields=["waiting_since"], name="conversation_waiting",
                                condition=Q(waiting_since__isnull=False))]

    def __str__(self) -> str:
        return f"Conversation {self.pk}"


class InboundMessage(models.Model):
    """A message received (SMS, WhatsApp, e-mail, Telegram, the status page's question form),
    kept whether or not it matched a case."""

    provider_id = models.CharField(max_length=100, unique=True)
    via = models.CharField(max_length=12, choices=InboundVia.choices, default=InboundVia.SMS)
    conversation = models.ForeignKey(Conversation, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="inbound")
    # Every case the number belongs to (siblings in two households may share one phone); none if
    # the number is unknown, and then staff find it among the unmatched replies.
    cases = models.ManyToManyField("registry.Case", blank=True, related_name="+")
    sender = EncryptedTextField()
    sender_digest = models.CharField(max_length=32, db_index=True)
    text = EncryptedTextField(blank=True, default="")
    received_at = models.DateTimeField(default=timezone.now)
    # The keyword the message was (status, stop, stop_all, start), answered without staff.
    keyword = models.CharField(max_length=12, blank=True, default="")

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"Inbound {self.pk}"


class InboxAnswer(models.Model):
    """An answer queued to a conversation: by a caseworker from a template, or automatic."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="answers")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")  # None: automatic
    template = models.CharField(max_length=24)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
