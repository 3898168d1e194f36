"""Health and metrics endpoints for the operator's monitoring (docs/operations.md)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST

from safepassage.operations import access, metrics, selectors


def _refused() -> HttpResponse:
    # 404 rather than 403: the endpoint's existence is not advertised to the internet.
    return HttpResponse(status=404)


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    if not access.allowed(request):
        return _refused()
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    if not access.allowed(request):
        return _refused()
    checks = selectors.readiness()
    ready = all(c.ok for c in checks)
    return JsonResponse(
        {"status": "ready" if ready else "not ready",
         "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks}},
        status=200 if ready else 503,
    )


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not access.allowed(request):
        return _refused()
    return HttpResponse(metrics.render(), content_type=CONTENT_TYPE_LATEST)
