"""Errors to Sentry when SENTRY_DSN is set, with nothing personal in what is sent.

send_default_pii is off (no cookies, no user name or address); the scrubber below also drops
request bodies, query strings, headers other than a few harmless ones, local variables, log
messages' arguments and breadcrumbs' data, and keeps only the acting user's numeric id.
"""

from __future__ import annotations

from typing import Any

SAFE_HEADERS = {"content-type", "content-length", "user-agent", "accept-language", "x-request-id"}


def scrub(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {k: v for k, v in headers.items() if k.lower() in SAFE_HEADERS}
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        logentry.pop("params", None)
        logentry.pop("formatted", None)
    for exception in (event.get("exception") or {}).get("values", []):
        # An exception's message may quote the value that failed (a name in a ValueError):
        # its type and where it was raised are what a developer needs.
        exception.pop("value", None)
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict):
        for crumb in breadcrumbs.get("values", []):
            crumb.pop("data", None)
    event.pop("extra", None)
    return event


def init(dsn: str, *, environment: str, release: str) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        integrations=[DjangoIntegration()],
        before_send=scrub,  # type: ignore[arg-type]
        before_send_transaction=scrub,  # type: ignore[arg-type]
    )
