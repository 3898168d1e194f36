"""A real worker process killed with SIGKILL mid-batch, per provider: nothing lost; nothing
delivered twice where the provider recognises our key (RapidPro), and at most
MESSAGING_UNRECORDED_LIMIT where it cannot (WhatsApp Cloud, Twilio)."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from safepassage.accounts import permissions
from safepassage.messaging.models import Message, State, Via
from safepassage.protection.keys import load_keyring, write_key_file
from safepassage.registry.models import Channel
from safepassage.registry.services import HouseholdData, register_households
from tests.conftest import person
from tests.messaging.test_worker_crash import _database_url

ROOT = Path(__file__).resolve().parents[2]
CASES = {
    "rapidpro": ({"SAFEPASSAGE_SMS_PROVIDER": "rapidpro"}, Via.SMS, 0),
    "whatsapp_cloud": ({"SAFEPASSAGE_WHATSAPP_PROVIDER": "cloud"}, Via.WHATSAPP, 10),
    "twilio": ({"SAFEPASSAGE_SMS_PROVIDER": "twilio"}, Via.SMS, 10),
}


def _worker(environment: dict[str, str], *args: str) -> subprocess.Popen:
    name = f"crash-channel-worker-{os.getpid()}"
    write_key_file(settings.VAR_DIR / f"test-data-keys-{name}.json", load_keyring())
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTEST_XDIST_WORKER": name,
           "DATABASE_URL": _database_url(), "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
           "SAFEPASSAGE_MESSAGE_UNRECORDED_LIMIT": "10", **environment}
    return subprocess.Popen(
        [sys.executable, "-m", "safepassage.cli", "send-messages", "--limit", "40",
         "--lease", "2", *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("provider", list(CASES))
def test_a_worker_killed_mid_send_loses_nothing_and_repeats_at_most_what_was_unrecorded(
        providers, settings, provider):
    selection, via, bound = CASES[provider]
    if via == Via.WHATSAPP:
        settings.MESSAGING_WHATSAPP_PROVIDER = "cloud"
    households = [HouseholdData([person(phones=[f"+937900{n:05d}"], email="",
                                        preferred_language="en")], "interpreter")
                  for n in range(120)]
    register_households(actor=permissions.DEMO, households=households, channel=Channel.DEMO)
    providers.control(delay_ms=5)
    environment = {**providers.server.environment(), **selection}

    worker = _worker(environment)
    deadline = time.monotonic() + 60
    while providers.state.requests < 60 and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    assert worker.returncode == -signal.SIGKILL, worker.stderr.read().decode()[-2000:]
    assert Message.objects.filter(state=State.SENDING).count() > 0  # killed mid-batch

    time.sleep(2.5)  # the dead worker's lease runs out
    restarted = _worker(environment, "--until-empty")
    assert restarted.wait(timeout=120) == 0, restarted.stderr.read().decode()[-2000:]
    (settings.VAR_DIR / f"test-data-keys-crash-channel-worker-{os.getpid()}.json").unlink()

    sent = Message.objects.filter(channel=via)
    assert sent.count() == 120
    assert sent.exclude(state=State.SENT).count() == 0  # lost: none
    deliveries = providers.delivered(provider)
    by_person = Counter(d["to"] for d in deliveries)
    assert len(by_person) == 120  # each reached
    twice = sum(n - 1 for n in by_person.values())
    assert twice <= bound
