"""Who may read /healthz, /readyz and /metrics: a holder of the operations token, or an address
on the networks the operator trusts (by default loopback and the private ranges, where a
Prometheus server or a load balancer sits)."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest

from safepassage.intake.throttle import client_address


def allowed(request: HttpRequest) -> bool:
    token = settings.OPERATIONS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return any(address in network for network in settings.OPERATIONS_NETWORKS)
