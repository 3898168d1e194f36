"""Template context: the signed-in staff member's role and capabilities, for navigation."""

from typing import Any

from django.http import HttpRequest

from safepassage.accounts.permissions import ROLE_CAPABILITIES


def staff_role(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    role = getattr(user, "role", None) if user is not None and user.is_authenticated else None
    return {
        "staff_role": role,
        "staff_can": ROLE_CAPABILITIES.get(role, frozenset()) if role else frozenset(),
    }
