"""Staff pages need a signed-in user who has passed the second factor in this session."""

from collections.abc import Callable
from functools import update_wrapper
from typing import Concatenate, ParamSpec, cast

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from safepassage.accounts.models import User

P = ParamSpec("P")


class StaffRequest(HttpRequest):
    """A request that staff_required let through: its user is a signed-in staff User, the actor
    the page's services are called with."""

    user: User


def staff_required(
    view: Callable[Concatenate[StaffRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        user = request.user
        # django_otp's middleware gives the user the device of this session's second factor.
        if not (isinstance(user, User) and getattr(user, "otp_device", None) is not None):
            return redirect_to_login(request.get_full_path())
        return view(cast(StaffRequest, request), *args, **kwargs)

    update_wrapper(wrapper, view)
    return wrapper
