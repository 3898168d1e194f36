"""Per request: an id (taken from the proxy's X-Request-ID when it is a plain token, else new),
the acting user's id for the log lines, one log line and the metrics, by view name not by path."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from safepassage.operations import logs, metrics

log = logging.getLogger("safepassage.requests")
_TOKEN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or "unnamed"


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        rid = given if _TOKEN.match(given) else uuid.uuid4().hex
        rid_token = logs.request_id.set(rid)
        user_token = logs.user_id.set(None)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            view = _view_name(request)
            metrics.observe_request(view=view, method=request.method or "",
                                    status=response.status_code, seconds=seconds)
            log.info("%s %s %s %.1f ms", request.method, view, response.status_code,
                     seconds * 1000, extra={"view": view, "method": request.method,
                                       "status": response.status_code,
                                       "duration_ms": round(seconds * 1000, 1)})
            response["X-Request-ID"] = rid
            return response
        finally:
            logs.request_id.reset(rid_token)
            logs.user_id.reset(user_token)

    def process_view(self, request: HttpRequest, *args: object) -> None:
        # Runs once the authentication middleware has done its work, before the view: the
        # lines the view logs carry the acting user's id.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            logs.user_id.set(user.pk)
