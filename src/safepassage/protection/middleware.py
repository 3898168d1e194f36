"""No copy of a response in a cache: every response of the application is `Cache-Control:
no-store`, in one place rather than per view.

Which responses carry personal data (a case page, an API answer, a manifest's CSV or PDF, an
import report, an error page naming a reference) is easy to get wrong one view at a time, and a
browser's disk cache or a shared proxy on a staff laptop keeps what it is allowed to. Static files
are served before this middleware (WhiteNoise) and keep their caching.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store"
        return response
