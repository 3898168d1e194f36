"""Template tags: a case's messages and replies for staff; what a person was told, for them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.translation import gettext as _

from safepassage.messaging import selectors
from safepassage.messaging.models import OptOut
from safepassage.registry.models import Case

register = template.Library()


@register.inclusion_tag("messaging/_case_messages.html", takes_context=True)
def case_messages(context: dict[str, Any], case: Case) -> dict[str, Any]:
    """For the case page: its caller has already checked and audited the read of the file."""
    actor = context["request"].user
    return {
        "outbox": selectors.messages_for_case(actor=actor, case=case),
        "receipts": selectors.receipts_for_case(actor=actor, case=case),
        "replies": selectors.replies_for_case(actor=actor, case=case),
        "opted_out": OptOut.objects.filter(person__household_id=case.household_id).count(),
    }


@register.simple_tag
def status_page_notices(case: Case) -> list[selectors.StatusPageNotice]:
    return selectors.notices_for_status_page(case)


@register.inclusion_tag("messaging/_delivery_counts.html", takes_context=True)
def delivery_overview(context: dict[str, Any]) -> dict[str, Any]:
    """For the dashboard: messages by channel and by what the providers' receipts say."""
    return {"rows": selectors.delivery_counts(actor=context["request"].user)}


@register.filter
def receipts_of(receipts: dict[int, list[Any]], message_id: int) -> list[Any]:
    return receipts.get(message_id, [])


@register.simple_tag
def waited(since: dt.datetime | None, now: dt.datetime) -> str:
    """How long a conversation has waited, for people: minutes, hours, days."""
    if since is None:
        return ""
    seconds = max(0, int((now - since).total_seconds()))
    if seconds < 3600:
        return _("%(n)d min") % {"n": seconds // 60}
    if seconds < 86400:
        return _("%(n)d h") % {"n": seconds // 3600}
    return _("%(n)d d") % {"n": seconds // 86400}
