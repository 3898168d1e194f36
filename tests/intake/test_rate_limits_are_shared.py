"""Rate limits count in one store every process shares (issue 17, item 3; issue 24, item 5): what
one web worker counted, another sees. With a cache per process, an attacker spread over the
workers got the limit once per worker."""

from __future__ import annotations

import pytest
from django.conf import settings

from safepassage.intake import throttle
from tests.conftest import command_in_a_process

pytestmark = pytest.mark.django_db(transaction=True)

ANOTHER_WORKER = (
    "from safepassage.intake import throttle; "
    "print(throttle.allow_key('198.51.100.7', scope='register', limit=3, window_seconds=3600))"
)


def test_a_limit_reached_in_one_process_holds_in_another() -> None:
    for _ in range(3):
        assert throttle.allow_key("198.51.100.7", scope="register", limit=3, window_seconds=3600)

    process = command_in_a_process("shell", "-c", ANOTHER_WORKER)
    out, err = process.communicate(timeout=300)

    assert process.returncode == 0, err.decode()
    assert out.decode().strip().splitlines()[-1] == "False"


def test_the_cache_is_the_database_or_redis() -> None:
    assert settings.CACHES["default"]["BACKEND"] in {
        "django.core.cache.backends.db.DatabaseCache",
        "django.core.cache.backends.redis.RedisCache",
    }
