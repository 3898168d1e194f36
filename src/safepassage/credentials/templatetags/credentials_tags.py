"""`{% credentials_panel case %}`: the case page's card to issue and download documents.
`{% person_documents case %}`: the person's own status page shows the pass and the letter in
force, once the reference and secret were checked."""

import base64
from typing import Any

from django import template
from django.utils import timezone

from safepassage.accounts import permissions
from safepassage.credentials import qr, seats
from safepassage.credentials.forms import BoardingPassForm
from safepassage.credentials.models import Credential, CredentialKind
from safepassage.credentials.services import ISSUABLE_STATUSES

register = template.Library()


@register.inclusion_tag("credentials/panel.html", takes_context=True)
def credentials_panel(context: dict[str, Any], case: Any) -> dict[str, Any]:
    user = context["request"].user
    allowed = permissions.can(user, permissions.ISSUE_CREDENTIALS)
    return {
        "case": case,
        "allowed": allowed,
        # Documents are signed for approved (or manifested) cases only: say so, not a button
        # that can only be refused.
        "issuable": case.status in ISSUABLE_STATUSES,
        "credentials": list(Credential.objects.filter(case=case)) if allowed else [],
        "form": BoardingPassForm(),
        "csrf_token": context.get("csrf_token"),
    }


def _qr_data_uri(token: str) -> str:
    return "data:image/png;base64," + base64.b64encode(qr.qr_png(token, scale=5)).decode()


@register.inclusion_tag("credentials/person_documents.html")
def person_documents(case: Any) -> dict[str, Any]:
    """The boarding pass and the letter in force for a case the status page has checked: the
    pass with its QR, flight, departure and assembly point; nothing revoked or expired."""
    if case is None:
        return {"documents": False}
    live = {c.kind: c for c in Credential.objects.filter(
        case=case, revoked_at__isnull=True, expires_at__gt=timezone.now()).order_by("issued_at")}
    boarding, letter = live.get(CredentialKind.BOARDING_PASS), live.get(CredentialKind.LETTER)
    held = seats.seat_of(case) if boarding is not None else None
    if boarding is not None and (held is None or held.flight_code.replace(" ", "").upper()
                                 != boarding.flight_number):
        boarding = None  # the seat moved: the pass for the old flight is not shown
    return {
        "documents": bool(boarding or letter),
        "boarding": boarding, "letter": letter, "seat": held,
        "boarding_qr": _qr_data_uri(boarding.token) if boarding else "",
        "letter_qr": _qr_data_uri(letter.token) if letter else "",
    }
