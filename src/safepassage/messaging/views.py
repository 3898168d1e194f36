"""The broadcast pages for airlift officers, and the SMS gateway's inbound webhook."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from safepassage.accounts import permissions
from safepassage.accounts.decorators import StaffRequest, staff_required
from safepassage.messaging import selectors, services
from safepassage.messaging.audiences import Audience
from safepassage.messaging.forms import BroadcastForm
from safepassage.service_errors import SERVICE_ERRORS, show_on_form

SIGNATURE_MAX_AGE = 300  # seconds: an older signed request is a replay


@staff_required
def broadcast_list(request: StaffRequest) -> HttpResponse:
    try:
        rows = list(selectors.broadcasts(actor=request.user)[:100])
    except PermissionDenied:
        return render(request, "messaging/forbidden.html", status=403)
    return render(request, "messaging/broadcast_list.html", {"broadcasts": rows})


@staff_required
def broadcast_new(request: StaffRequest) -> HttpResponse:
    """Write, preview (who and in which languages), then send: the send button needs a preview."""
    if not permissions.can(request.user, permissions.SEND_BROADCASTS):
        return render(request, "messaging/forbidden.html", status=403)
    initial = {"flight": request.GET["flight"]} if request.GET.get("flight", "").isdigit() else {}
    form = BroadcastForm(request.POST or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        flight = form.cleaned_data["flight"]
        audience = Audience(categories=form.cleaned_data["categories"],
                                     statuses=form.cleaned_data["statuses"],
                                     flight=flight)
        try:
            services.check_broadcast_texts(form.texts())
            if request.POST.get("action") == "send":
                broadcast = services.send_broadcast(
                    actor=request.user, texts=form.texts(), audience=audience,
                    essential=form.cleaned_data["essential"],
                    rate_per_minute=form.cleaned_data["rate_per_minute"],
                )
                messages.success(request, _("Broadcast queued: %(n)d messages to %(h)d "
                                            "households.") % {"n": broadcast.messages,
                                                              "h": broadcast.households})
                return redirect("messaging:broadcast-list")
            preview = services.preview_broadcast(
                actor=request.user, audience=audience, essential=form.cleaned_data["essential"],
                texts=form.texts())
        except SERVICE_ERRORS as error:
            show_on_form(form, error)
    return render(request, "messaging/broadcast_form.html", {"form": form, "preview": preview})


def _signature_ok(request: HttpRequest) -> bool:
    secret = settings.MESSAGING_INBOUND_SECRET
    timestamp = request.headers.get("X-SafePassage-Timestamp", "")
    given = request.headers.get("X-SafePassage-Signature", "").removeprefix("sha256=")
    if not (secret and timestamp.isdigit() and given):
        return False
    if abs(time.time() - int(timestamp)) > SIGNATURE_MAX_AGE:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + request.body,
                        hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, given)


@csrf_exempt  # signed by the gateway with the shared secret instead
@require_POST
def inbound_sms(request: HttpRequest) -> HttpResponse:
    """The gateway posts {"id", "from", "text", "received_at"?}, signed with HMAC-SHA256."""
    if not _signature_ok(request):
        return JsonResponse({"error": "bad or missing signature"}, status=403)
    try:
        payload: Any = json.loads(request.body)
        provider_id, sender = str(payload["id"]), str(payload["from"])
        text = str(payload.get("text", ""))
        received = payload.get("received_at")
        received_at = dt.datetime.fromisoformat(received) if received else None
    except (ValueError, KeyError, TypeError):
        return JsonResponse(
            {"error": "body must be JSON with 'id' and 'from' (and 'text', 'received_at' in "
                      "ISO 8601)"}, status=400)
    if received_at is not None and received_at.tzinfo is None:
        received_at = received_at.replace(tzinfo=dt.UTC)
    inbound, created = services.receive_inbound_sms(
        actor=permissions.SMS_GATEWAY, provider_id=provider_id, sender=sender, text=text,
        received_at=received_at,
    )
    return JsonResponse({"status": "stored" if created else "already stored",
                         "matched_cases": inbound.cases.count()})
