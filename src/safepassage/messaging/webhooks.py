"""The providers' webhooks: status callbacks (delivery receipts) and inbound messages from
WhatsApp Cloud, Twilio, a RapidPro external channel, Postmark (through anymail) and Telegram.

A webhook checks the provider's signature (403 otherwise), stores the raw callback in one
INSERT and answers 2xx: a web process killed after answering loses nothing. The background
runner (messaging.tasks.process_webhooks) then turns each stored call into receipts and
inbound messages (process_webhook_calls).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from safepassage.accounts import permissions
from safepassage.messaging import inbox, services
from safepassage.messaging.models import Receipt, Via, WebhookCall

log = logging.getLogger("safepassage.messaging")
Provider = WebhookCall.Provider

# A status callback may arrive before the worker recorded the provider's id (it records a batch
# at once): such a call is tried again on later runs, and given up after this many.
MAX_CALL_ATTEMPTS = 30
_last_wake = 0.0


def _store(provider: str, kind: str, body: bytes | str) -> None:
    """One INSERT, committed before the answer (autocommit): the durable record of the call."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    WebhookCall.objects.create(provider=provider, kind=kind, body=text)
    _wake_processor()


def _wake_processor() -> None:
    """Ask the runner to process the calls soon; at most twice a second per web process (the
    runner's schedule catches any wake-up lost with the process)."""
    global _last_wake
    now = time.monotonic()
    if now - _last_wake < 0.5:
        return
    _last_wake = now
    from safepassage.messaging import tasks
    from safepassage.runner.background import wake

    try:
        wake(tasks.process_webhooks)
    except Exception:  # the call is stored: a lost wake-up only delays it to the schedule
        log.exception("could not wake the webhook processor")


def _form_body(request: HttpRequest) -> bytes | str:
    """A form's fields as received; a multipart form (no file is expected) kept as the same
    fields url-encoded, so that one parser reads every call."""
    if request.content_type == "application/x-www-form-urlencoded":
        return request.body
    return urllib.parse.urlencode([(k, v) for k in request.POST for v in request.POST.getlist(k)])


def _forbidden(reason: str) -> JsonResponse:
    return JsonResponse({"error": reason}, status=403)


# --- WhatsApp Cloud API -------------------------------------------------------------------------


@csrf_exempt
def whatsapp(request: HttpRequest) -> HttpResponse:
    """GET: Meta's subscription handshake (hub.verify_token); POST: messages and statuses,
    signed with X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the app secret)."""
    if request.method == "GET":
        token = settings.WHATSAPP_VERIFY_TOKEN
        given = request.GET.get("hub.verify_token", "")
        if (request.GET.get("hub.mode") == "subscribe" and token
                and hmac.compare_digest(given, token)):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return _forbidden("verify token does not match")
    if request.method != "POST":
        return HttpResponse(status=405)
    secret = settings.WHATSAPP_APP_SECRET
    given = request.headers.get("X-Hub-Signature-256", "").removeprefix("sha256=")
    expected = hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
    if not (secret and given and hmac.compare_digest(expected, given)):
        return _forbidden("bad or missing X-Hub-Signature-256")
    _store(Provider.WHATSAPP_CLOUD, "event", request.body)
    return JsonResponse({"status": "stored"})


# --- Twilio --------------------------------------------------------------------------------------


def _twilio_signed(request: HttpRequest) -> bool:
    from twilio.request_validator import RequestValidator

    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not (token and signature):
        return False
    base = settings.MESSAGING_PUBLIC_URL
    url = f"{base}{request.get_full_path()}" if base else request.build_absolute_uri()
    params = {k: request.POST.get(k, "") for k in request.POST}
    return bool(RequestValidator(token).validate(url, params, signature))


@csrf_exempt
def twilio(request: HttpRequest, kind: str) -> HttpResponse:
    """Twilio's status callback (kind "status") and incoming SMS or WhatsApp ("inbound"),
    form-encoded and signed with X-Twilio-Signature (checked with twilio's RequestValidator)."""
    if request.method != "POST":
        return HttpResponse(status=405)
    if kind not in ("status", "inbound"):
        return JsonResponse({"error": "use .../twilio/status/ or .../twilio/inbound/"}, status=404)
    if not _twilio_signed(request):
        return _forbidden("bad or missing X-Twilio-Signature")
    _store(Provider.TWILIO, kind, _form_body(request))
    # Empty TwiML: we answer through the outbox, not in the webhook's reply.
    return HttpResponse("<Response/>", content_type="text/xml")


# --- RapidPro external channel --------------------------------------------------------------------


@csrf_exempt
def rapidpro(request: HttpRequest, kind: str) -> HttpResponse:
    """The gateway's callbacks: received (from, text, date), sent, delivered, failed (id).
    RapidPro's external channel signs nothing: the gateway proves itself with the shared
    secret, as "Authorization: Token <secret>" or a `secret` field."""
    if request.method != "POST":
        return HttpResponse(status=405)
    if kind not in ("received", "sent", "delivered", "failed"):
        return JsonResponse({"error": "use received, sent, delivered or failed"}, status=404)
    secret = settings.RAPIDPRO_SECRET
    given = request.headers.get("Authorization", "").removeprefix("Token ").strip()
    given = given or request.GET.get("secret", "") or request.POST.get("secret", "")
    if not (secret and given and hmac.compare_digest(given, secret)):
        return _forbidden("bad or missing shared secret")
    _store(Provider.RAPIDPRO, kind, _form_body(request))
    return JsonResponse({"status": "stored"})


# --- E-mail through anymail (Postmark) ------------------------------------------------------------


@csrf_exempt
def email(request: HttpRequest, kind: str) -> HttpResponse:
    """Postmark's tracking (delivery, bounce, open) and inbound webhooks, with the basic
    authentication anymail's WEBHOOK_SECRET names ("user:password")."""
    if request.method != "POST":
        return HttpResponse(status=405)
    if kind not in ("tracking", "inbound"):
        return JsonResponse({"error": "use .../email/tracking/ or .../email/inbound/"}, status=404)
    secret = settings.ANYMAIL.get("WEBHOOK_SECRET", "")
    expected = "Basic " + base64.b64encode(secret.encode()).decode()
    given = request.headers.get("Authorization", "")
    if not (secret and hmac.compare_digest(given, expected)):
        return _forbidden("bad or missing basic authentication")
    _store(Provider.ANYMAIL, kind, request.body)
    return JsonResponse({"status": "stored"})


# --- Telegram -------------------------------------------------------------------------------------


@csrf_exempt
def telegram(request: HttpRequest) -> HttpResponse:
    """Telegram's updates, with the secret_token given to setWebhook in
    X-Telegram-Bot-Api-Secret-Token."""
    if request.method != "POST":
        return HttpResponse(status=405)
    secret = settings.TELEGRAM_SECRET_TOKEN
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not (secret and given and hmac.compare_digest(given, secret)):
        return _forbidden("bad or missing secret token")
    _store(Provider.TELEGRAM, "update", request.body)
    return JsonResponse({"status": "stored"})


# --- Processing stored calls (background runner) -------------------------------------------------


@dataclass(frozen=True)
class InboundEvent:
    via: str
    provider_id: str
    sender: str
    text: str
    received_at: dt.datetime | None = None


StatusEvent = services.ReceiptEvent
Event = StatusEvent | InboundEvent

TWILIO_STATUSES = {"accepted": Receipt.QUEUED, "queued": Receipt.QUEUED,
                   "scheduled": Receipt.QUEUED, "sending": Receipt.SENT, "sent": Receipt.SENT,
                   "delivered": Receipt.DELIVERED, "read": Receipt.READ,
                   "failed": Receipt.FAILED, "undelivered": Receipt.FAILED,
                   "canceled": Receipt.FAILED}
WHATSAPP_STATUSES = {"sent": Receipt.SENT, "delivered": Receipt.DELIVERED,
                     "read": Receipt.READ, "failed": Receipt.FAILED}
ANYMAIL_STATUSES = {"queued": Receipt.QUEUED, "sent": Receipt.SENT,
                    "delivered": Receipt.DELIVERED, "opened": Receipt.READ,
                    "clicked": Receipt.READ, "bounced": Receipt.FAILED,
                    "rejected": Receipt.FAILED, "failed": Receipt.FAILED,
                    "complained": Receipt.FAILED}


def _from_timestamp(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _from_iso(value: Any) -> dt.datetime | None:
    try:
        at = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


def events_of(call: WebhookCall) -> Iterator[Event]:
    """What one stored call says, whatever the provider's shape. Raises ValueError if it does
    not parse (kept, marked with the reason)."""
    if call.provider == Provider.WHATSAPP_CLOUD:
        payload = json.loads(call.body)
        for entry in payload.get("entry", []):
            for change in entry.get("changes", []):
                value = change.get("value", {})
                for s in value.get("statuses", []):
                    status = WHATSAPP_STATUSES.get(s.get("status", ""))
                    if status:
                        codes = [str(e.get("code", "")) for e in s.get("errors", [])]
                        yield StatusEvent(Provider.WHATSAPP_CLOUD, str(s.get("id", "")), status,
                                          ",".join(codes)[:40],
                                          str(s.get("biz_opaque_callback_data", "")),
                                          _from_timestamp(s.get("timestamp")))
                for m in value.get("messages", []):
                    text = (m.get("text") or {}).get("body", "") or (
                        m.get("button") or {}).get("text", "")
                    yield InboundEvent(Via.WHATSAPP, str(m.get("id", "")),
                                       "+" + str(m.get("from", "")).lstrip("+"), str(text),
                                       _from_timestamp(m.get("timestamp")))
    elif call.provider == Provider.TWILIO:
        form = {k: v[0] for k, v in urllib.parse.parse_qs(call.body).items()}
        sid = form.get("MessageSid") or form.get("SmsSid", "")
        if call.kind == "inbound":
            sender = form.get("From", "")
            via = Via.WHATSAPP if sender.startswith("whatsapp:") else Via.SMS
            yield InboundEvent(via, sid, sender.removeprefix("whatsapp:"), form.get("Body", ""))
        else:
            status = TWILIO_STATUSES.get(form.get("MessageStatus") or form.get("SmsStatus", ""))
            if status:
                yield StatusEvent(Provider.TWILIO, sid, status, form.get("ErrorCode", "")[:40])
    elif call.provider == Provider.RAPIDPRO:
        form = {k: v[0] for k, v in urllib.parse.parse_qs(call.body).items()}
        if call.kind == "received":
            sender = form.get("from", "")
            ident = form.get("id") or hashlib.sha256(
                f"{sender}\n{form.get('date', '')}\n{form.get('text', '')}".encode()).hexdigest()
            yield InboundEvent(Via.SMS, ident[:80], sender, form.get("text", ""),
                               _from_iso(form["date"]) if form.get("date") else None)
        elif call.kind in ("sent", "delivered", "failed"):
            ident = form.get("id", "")
            yield StatusEvent(Provider.RAPIDPRO, ident, call.kind, "", ident)
    elif call.provider == Provider.ANYMAIL:
        yield from _anymail_events(call)
    elif call.provider == Provider.TELEGRAM:
        update = json.loads(call.body)
        m = update.get("message") or {}
        if m:
            chat = str((m.get("chat") or {}).get("id", ""))
            yield InboundEvent(Via.TELEGRAM, f"{chat}:{m.get('message_id', '')}", chat,
                               str(m.get("text", "")), _from_timestamp(m.get("date")))


def _anymail_events(call: WebhookCall) -> Iterator[Event]:
    from anymail.webhooks.postmark import (
        PostmarkInboundWebhookView,
        PostmarkTrackingWebhookView,
    )

    esp_event = json.loads(call.body)
    if call.kind == "inbound":
        inbound = PostmarkInboundWebhookView().esp_to_anymail_event(esp_event)
        message = inbound.message
        sender = message.from_email.addr_spec if message and message.from_email else ""
        text = (message.text or "") if message else ""
        yield InboundEvent(Via.EMAIL, str(inbound.event_id or esp_event.get("MessageID", "")),
                           sender, text, inbound.timestamp)
        return
    event = PostmarkTrackingWebhookView().esp_to_anymail_event(esp_event)
    status = ANYMAIL_STATUSES.get(str(event.event_type))
    if status:
        code = str(esp_event.get("TypeCode", "") or "") if status == Receipt.FAILED else ""
        yield StatusEvent(Provider.ANYMAIL, str(event.message_id or ""), status, code[:40],
                          str((event.metadata or {}).get("safepassage_key", "")),
                          event.timestamp)


def _deliver_inbound(*, via: str, provider_id: str, sender: str, text: str,
                     received_at: dt.datetime | None) -> None:
    """The one door through which every inbound message from every provider goes in: the inbox
    (matched by the sender only, keywords answered at once). The provider id keeps its channel
    as a prefix: the WhatsApp service window is found by it (selectors)."""
    inbox.receive_inbound(
        actor=permissions.SMS_GATEWAY, via=via, provider_id=f"{via}:{provider_id}"[:100],
        sender=sender, text=text, received_at=received_at)


def process_webhook_calls(*, limit: int = 500) -> int:
    """Turn stored calls into receipts and inbound messages, oldest first; the number done.
    Several runners may run it: each takes different rows (SKIP LOCKED on PostgreSQL). A call
    with a receipt for a message not known yet (the worker records a batch at once) is tried
    again on later runs, and given up after MAX_CALL_ATTEMPTS."""
    now = timezone.now()
    done = 0
    with transaction.atomic():
        pending = WebhookCall.objects.filter(processed_at__isnull=True).order_by("attempts", "pk")
        if connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True)
        rows = list(pending[:limit])
        parsed: list[tuple[WebhookCall, list[Event]]] = []
        for call in rows:
            try:
                parsed.append((call, list(events_of(call))))
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                call.processed_at = now
                call.error = f"Could not read the call ({type(exc).__name__})"
        statuses = [e for _call, events in parsed for e in events
                    if isinstance(e, services.ReceiptEvent)]
        messages = iter(services.messages_for_receipts(statuses))
        receipts: list[tuple[services.ReceiptEvent, Any]] = []
        for call, events in parsed:
            found = [(e, next(messages)) for e in events if isinstance(e, services.ReceiptEvent)]
            if any(m is None for _e, m in found):
                call.attempts += 1
                if call.attempts >= MAX_CALL_ATTEMPTS:
                    call.processed_at, call.error = now, "No message with this provider id"
                continue
            try:
                with transaction.atomic():
                    for event in events:
                        if isinstance(event, InboundEvent):
                            _deliver_inbound(via=event.via, provider_id=event.provider_id,
                                             sender=event.sender, text=event.text,
                                             received_at=event.received_at)
            except (ValueError, KeyError, TypeError) as exc:
                call.processed_at = now
                call.error = f"Could not take the message in ({type(exc).__name__})"
                continue
            receipts += found
            call.processed_at, call.error = now, ""
            done += 1
        services.record_receipts(receipts=receipts)
        WebhookCall.objects.bulk_update(rows, ["processed_at", "error", "attempts"])
    return done
