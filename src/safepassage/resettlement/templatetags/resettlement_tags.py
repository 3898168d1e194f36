"""What the person's status page shows after arrival: where the household stays, where it is
going, and what comes next."""

from __future__ import annotations

from typing import Any

from django import template

from safepassage.airlift.models import Flight
from safepassage.registry.models import Case
from safepassage.resettlement import selectors

register = template.Library()


@register.inclusion_tag("resettlement/_outlook.html")
def resettlement_outlook(case: Case | None) -> dict[str, Any]:
    """`{% load resettlement_tags %}{% resettlement_outlook case %}` on the status page, where
    `case` was checked against its secret."""
    return {"outlook": selectors.outlook_for_person(case) if case is not None else None}


@register.inclusion_tag("resettlement/_capacity_before_travel.html")
def capacity_before_travel_form(flight: Flight) -> dict[str, Any]:
    """On airlift's flight page: `{% capacity_before_travel_form flight %}` (an open flight)."""
    return {"flight": flight, "required": selectors.capacity_before_travel(flight)}
