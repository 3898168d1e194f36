"""`{% credentials_panel case %}`: the case page's card to issue and download documents."""

from typing import Any

from django import template

from safepassage.accounts import permissions
from safepassage.credentials.forms import BoardingPassForm
from safepassage.credentials.models import Credential
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
