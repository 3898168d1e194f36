"""A real worker process, killed with SIGKILL in the middle of a batch, then restarted."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from safepassage.accounts import permissions
from safepassage.messaging.models import Message, State, Via
from safepassage.protection.keys import load_keyring, write_key_file
from safepassage.registry.models import Channel
from safepassage.registry.services import HouseholdData, register_households
from tests.conftest import person

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def _worker(provider_url: str, *args: str) -> subprocess.Popen:
    # The worker must hold the keys this process holds now (other tests rotate them in memory):
    # tests.settings names its key file after PYTEST_XDIST_WORKER, so give the worker its own.
    name = f"crash-worker-{os.getpid()}"
    write_key_file(settings.VAR_DIR / f"test-data-keys-{name}.json", load_keyring())
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTEST_XDIST_WORKER": name,
           "DATABASE_URL": _database_url(), "SAFEPASSAGE_SMS_URL": provider_url,
           "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"}
    return subprocess.Popen(
        [sys.executable, "-m", "safepassage.cli", "send-messages", "--limit", "40",
         "--lease", "2", *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(sms_provider):
    households = [HouseholdData([person(phones=[f"+937900{n:05d}"], email="",
                                        preferred_language="en")], "interpreter")
                  for n in range(120)]
    register_households(actor=permissions.DEMO, households=households, channel=Channel.DEMO)
    sms_provider.state.delay_ms = 5  # slow enough to be caught mid-batch

    worker = _worker(sms_provider.url)
    deadline = time.monotonic() + 60
    # Half way through its second batch of 40: at 40 the first batch may be all sent and the
    # next not yet claimed, and nothing would be in flight when the worker dies.
    while sms_provider.state.requests < 60 and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    assert worker.returncode == -signal.SIGKILL, worker.stderr.read().decode()[-2000:]
    in_flight = Message.objects.filter(state=State.SENDING).count()
    assert in_flight > 0  # killed with a claimed batch half sent

    time.sleep(2.5)  # the dead worker's lease runs out
    restarted = _worker(sms_provider.url, "--until-empty")
    assert restarted.wait(timeout=120) == 0, restarted.stderr.read().decode()[-2000:]
    (settings.VAR_DIR / f"test-data-keys-crash-worker-{os.getpid()}.json").unlink()

    sms = Message.objects.filter(channel=Via.SMS)
    assert sms.count() == 120
    assert sms.exclude(state=State.SENT).count() == 0  # lost: none
    keys = {str(k) for k in sms.values_list("idempotency_key", flat=True)}
    assert set(sms_provider.state.deliveries) == keys  # delivered: each exactly once
    # re-sent after the crash, recognised by the gateway through the idempotency key
    assert sms_provider.state.requests == 120 + sms_provider.state.duplicates
