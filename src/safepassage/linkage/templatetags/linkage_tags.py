"""`{% possible_duplicates case %}`: the "possible duplicate of …" notes on a case page."""

from __future__ import annotations

from typing import Any

from django import template

from safepassage.linkage.selectors import duplicates_of_case

register = template.Library()


@register.inclusion_tag("linkage/possible_duplicates.html", takes_context=True)
def possible_duplicates(context: Any, case: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"notes": duplicates_of_case(actor=user, case=case) if user else []}
