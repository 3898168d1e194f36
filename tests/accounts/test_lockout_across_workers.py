"""Sign-in lockouts are shared by every web worker (issue 24, item 5): five failures spread over
two gunicorn processes lock the account on both, with the lockouts in the database (the default)
and in Redis (REDIS_URL).

Two gunicorn servers of one worker each stand for one server of two workers: the kernel, not the
test, would choose which worker takes a connection, and the failures must alternate for sure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from safepassage.accounts.models import Role
from tests.accounts.test_sign_in import code_for
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _gunicorn(environment: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    env = {**os.environ, **_process_environment(environment)}
    with log.open("wb") as sink:
        server = subprocess.Popen(
            # A long timeout: a worker booting on a busy machine is not killed mid-request.
            [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0", "--workers", "1",
             "--timeout", "300", "safepassage.wsgi:application"],
            cwd=Path(__file__).resolve().parents[2], env=env,
            stdout=subprocess.DEVNULL, stderr=sink,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log.read_text())
        if found:
            return server, found.group(1)
        time.sleep(0.1)
    server.kill()
    raise AssertionError(f"gunicorn did not start: {log.read_text()}")


def _process_environment(environment: dict[str, str]) -> dict[str, str]:
    """The test database and data keys, as tests.conftest.command_in_a_process sets them."""
    from django.conf import settings
    from django.db import connection

    from safepassage.protection.keys import load_keyring, write_key_file

    root = Path(__file__).resolve().parents[2]
    name = f"gunicorn-{os.getpid()}-{time.monotonic_ns()}"
    write_key_file(settings.VAR_DIR / f"test-data-keys-{name}.json", load_keyring())
    s = connection.settings_dict
    url = (f"sqlite:///{s['NAME']}" if connection.vendor == "sqlite"
           else f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}")
    return {"DJANGO_SETTINGS_MODULE": "tests.settings", "PYTEST_XDIST_WORKER": name,
            "DATABASE_URL": url, "PYTHONPATH": f"{root / 'src'}:{root}", **environment}


def _sign_in(server: str, username: str, password: str, code: str) -> requests.Response:
    session = requests.Session()
    page = session.get(f"{server}/accounts/sign-in/", timeout=120)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    return session.post(
        f"{server}/accounts/sign-in/",
        data={"csrfmiddlewaretoken": token.group(1), "username": username,
              "password": password, "otp_token": code},
        headers={"Referer": f"{server}/accounts/sign-in/"}, allow_redirects=False, timeout=120,
    )


def _two_workers(environment: dict[str, str], logs: Path) -> Iterator[list[str]]:
    servers = [_gunicorn(environment, logs / f"gunicorn-{n}.log") for n in range(2)]
    try:
        yield [url for _process, url in servers]
    finally:
        for process, _url in servers:
            process.terminate()
            process.wait(timeout=120)


@pytest.fixture
def workers_on_the_database(tmp_path: Path) -> Iterator[list[str]]:
    yield from _two_workers({}, tmp_path)


@pytest.fixture
def workers_on_redis(tmp_path: Path) -> Iterator[list[str]]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed here: the Redis variant needs a real Redis")
    socket = tmp_path / "redis.sock"
    redis = subprocess.Popen(
        ["redis-server", "--port", "0", "--unixsocket", str(socket), "--save", "",
         "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if socket.exists():
                break
            time.sleep(0.05)
        yield from _two_workers({"REDIS_URL": f"unix://{socket}"}, tmp_path)
    finally:
        redis.terminate()
        redis.wait(timeout=120)


def _fifth_failure_locks_out_on_both(workers: list[str], user: Any) -> None:
    for attempt in range(4):
        failed = _sign_in(workers[attempt % 2], user.username, "wrong password", "000000")
        assert failed.status_code == 200, attempt  # the form again, with its error
    fifth = _sign_in(workers[0], user.username, "wrong password", "000000")
    assert fifth.status_code == 429

    for server in workers:
        right = _sign_in(server, user.username, PASSWORD, code_for(user))
        assert right.status_code == 429, server
        assert "locked for 15 minutes" in right.text


def test_four_failures_over_two_workers_do_not_lock_out(workers_on_the_database, make_user):
    user = make_user(Role.CASEWORKER)
    for attempt in range(4):
        _sign_in(workers_on_the_database[attempt % 2], user.username, "wrong", "000000")

    signed_in = _sign_in(workers_on_the_database[0], user.username, PASSWORD, code_for(user))

    assert signed_in.status_code == 302


def test_the_fifth_failure_locks_out_on_both_workers_with_the_database(
    workers_on_the_database, make_user
):
    _fifth_failure_locks_out_on_both(workers_on_the_database, make_user(Role.CASEWORKER))


def test_the_fifth_failure_locks_out_on_both_workers_with_redis(workers_on_redis, make_user):
    _fifth_failure_locks_out_on_both(workers_on_redis, make_user(Role.CASEWORKER))
