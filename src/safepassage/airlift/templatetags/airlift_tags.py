"""`{% readiness_panel case members %}`: the case page's card to record what makes an approved
household ready to fly, and what is still missing."""

from typing import Any

from django import template

from safepassage.accounts import permissions
from safepassage.airlift.models import READINESS_FACTS, TravelReadiness
from safepassage.registry.models import Status

register = template.Library()


@register.inclusion_tag("airlift/readiness_panel.html", takes_context=True)
def readiness_panel(context: dict[str, Any], case: Any, members: list[Any]) -> dict[str, Any]:
    user = context["request"].user
    shown = (permissions.can(user, permissions.MANAGE_FLIGHTS)
             and case.status in (Status.APPROVED, Status.MANIFESTED, Status.NO_SHOW))
    readiness = TravelReadiness.objects.filter(case=case).first() if shown else None
    checked = set(readiness.documents_checked) if readiness else set()
    missing = (readiness.missing([m.pk for m in members]) if readiness else ["readiness"])
    return {
        "shown": shown, "case": case, "readiness": readiness,
        "members": [(m, m.pk in checked) for m in members],
        "missing": [str(READINESS_FACTS[m]) for m in missing],
        "csrf_token": context.get("csrf_token"),
    }
