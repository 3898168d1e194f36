"""Template context: the signed-in staff member's role, for navigation."""

from typing import Any

from django.http import HttpRequest


def staff_role(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    role = getattr(user, "role", None) if user is not None and user.is_authenticated else None
    return {"staff_role": role}
