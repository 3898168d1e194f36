"""A fixed-window rate limit per client, kept in the cache.

The client is the connecting address, or the first address of a header a trusted proxy sets
(INTAKE_CLIENT_IP_HEADER). With the local-memory cache each server process counts on its own;
point CACHES at a shared cache (Redis, database) to count across processes.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    header = settings.INTAKE_CLIENT_IP_HEADER
    if header and request.META.get(header):
        return str(request.META[header]).split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def allow(request: HttpRequest, *, scope: str, limit: int, window_seconds: int) -> bool:
    """Count one request; False once the client made more than `limit` in the window."""
    return allow_key(client_address(request), scope=scope, limit=limit,
                     window_seconds=window_seconds)


def seconds_left(window_seconds: int) -> int:
    """How long until the current window ends and counting starts again."""
    return int(window_seconds - time.time() % window_seconds) + 1


def allow_key(client: str, *, scope: str, limit: int, window_seconds: int) -> bool:
    """Count one request of `client` (an address, a token); False once it made more than
    `limit` in the window."""
    window = int(time.time() // window_seconds)
    key = f"intake-throttle:{scope}:{client}:{window}"
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # One round trip (Django's incr asks whether the key exists first): INCR creates the
        # count at 1, EXPIRE lets the window's count go once the window is over.
        full_key = backend.make_and_validate_key(key)
        client_of_key = backend._cache.get_client(full_key, write=True)
        pipe = client_of_key.pipeline()
        pipe.incr(full_key)
        pipe.expire(full_key, window_seconds + 5)
        count = int(pipe.execute()[0])
        return count <= limit
    try:
        count = cache.incr(key)  # one round trip to the cache for all but the window's first
    except ValueError:  # the window's first request (or its count was evicted)
        if cache.add(key, 1, timeout=window_seconds + 5):
            count = 1
        else:  # another request of the same client began the window meanwhile
            try:
                count = cache.incr(key)
            except ValueError:  # evicted between add and incr
                cache.set(key, 1, timeout=window_seconds + 5)
                count = 1
    return count <= limit
