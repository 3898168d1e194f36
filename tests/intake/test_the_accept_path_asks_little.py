"""The accept path of the partner API asks the database and the cache as little as it can
(decision 0094): a token is looked up once every few seconds per process, not per request; a
rate limit counts in one round trip to Redis; an accepted request inserts its Idempotency-Key
with it instead of looking for it first. Retries and revocations are answered as before."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from safepassage.accounts import permissions
from safepassage.accounts.models import Organisation
from safepassage.intake import services, throttle
from safepassage.intake.models import ApiToken

pytestmark = pytest.mark.django_db

HOUSEHOLD = {"category": "interpreter", "members": [
    {"external_id": "P-1", "given_name": "Mohammad", "family_name": "Karimi",
     "date_of_birth": "1365", "phone": "+93 79 123 4567", "sex": "male"}]}


def _post(client: Client, key: str, body: Any = None) -> Any:
    return client.post("/api/v1/registrations/", body or HOUSEHOLD,
                       content_type="application/json", headers={"Idempotency-Key": key})


def _token_lookups(queries: CaptureQueriesContext) -> int:
    return sum(ApiToken._meta.db_table in q["sql"] and q["sql"].startswith("SELECT")
               for q in queries.captured_queries)


def test_a_token_is_looked_up_once_then_remembered_for_a_few_seconds(api_token: str) -> None:
    client = Client(headers={"Authorization": f"Bearer {api_token}"})
    with CaptureQueriesContext(connection) as first:
        assert _post(client, "k-1").status_code == 202
    with CaptureQueriesContext(connection) as second:
        assert _post(client, "k-2").status_code == 202

    assert _token_lookups(first) == 1
    assert _token_lookups(second) == 0


def test_without_the_cache_every_request_looks_the_token_up(api_token: str) -> None:
    client = Client(headers={"Authorization": f"Bearer {api_token}"})
    with override_settings(INTAKE_API_TOKEN_CACHE_SECONDS=0):
        _post(client, "k-1")
        with CaptureQueriesContext(connection) as queries:
            assert _post(client, "k-2").status_code == 202

    assert _token_lookups(queries) == 1


def test_a_revoked_token_is_refused_at_once_although_it_was_remembered(
    api_token: str, partner_org: Organisation,
) -> None:
    client = Client(headers={"Authorization": f"Bearer {api_token}"})
    assert _post(client, "k-1").status_code == 202

    services.revoke_api_token(actor=permissions.OPERATOR, organisation=partner_org,
                              prefix=api_token[:10])

    assert _post(client, "k-2").status_code == 401


def test_an_accepted_request_does_not_look_for_its_key_and_a_retry_still_gets_its_answer(
    api_token: str,
) -> None:
    client = Client(headers={"Authorization": f"Bearer {api_token}"})
    with CaptureQueriesContext(connection) as queries:
        first = _post(client, "same-key")
    retry = _post(client, "same-key")
    other = _post(client, "same-key", {**HOUSEHOLD, "category": "journalist"})

    assert first.status_code == 202
    assert not any(q["sql"].startswith("SELECT") and "intake_idempotencyrecord" in q["sql"]
                   for q in queries.captured_queries)
    assert (retry.status_code, retry.json()) == (202, first.json())
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert other.status_code == 422 and "different request" in other.json()["detail"]


@pytest.fixture
def redis_cache() -> Iterator[str]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (scripts/install-system-packages)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = subprocess.Popen(["redis-server", "--port", str(port), "--save", "",
                               "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        url = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        with override_settings(CACHES={"default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}):
            yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_rate_limit_in_redis_counts_to_its_limit_and_lets_the_window_expire(
    redis_cache: str,
) -> None:
    import redis

    answers = [throttle.allow_key("203.0.113.9", scope="api", limit=3, window_seconds=60)
               for _ in range(5)]

    assert answers == [True, True, True, False, False]
    keys = redis.Redis.from_url(redis_cache).keys("*intake-throttle:api:203.0.113.9:*")
    assert len(keys) == 1
    assert 0 < redis.Redis.from_url(redis_cache).ttl(keys[0]) <= 65
