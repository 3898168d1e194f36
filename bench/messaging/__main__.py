"""Messages per second from the outbox to a local SMTP server and to the local SMS gateway with
two workers on PostgreSQL, and a crash run: SIGKILL one worker in the middle of 10,000
messages, restart it, count messages lost and sent twice.

    PYTHONPATH=src:. .venv/bin/python -m bench.messaging [--messages 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DB_NAME = "sp_messaging_bench"
PG = "postgres://postgres@127.0.0.1:5432"
SMS_PORT, SMTP_PORT = 18125, 18126


def _ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            conn.execute(f"CREATE DATABASE {DB_NAME}")


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "DJANGO_SETTINGS_MODULE": "safepassage.settings",
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
        "SAFEPASSAGE_SMS_URL": f"http://127.0.0.1:{SMS_PORT}/messages",
        "SAFEPASSAGE_SMTP_HOST": "127.0.0.1",
        "SAFEPASSAGE_SMTP_PORT": str(SMTP_PORT),
        "SAFEPASSAGE_LOG_LEVEL": "WARNING",
    }


def _worker(name: str, lease: int = 30) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "safepassage.cli", "send-messages", "--limit", "100",
         "--poll", "0.1", "--lease", str(lease), "--worker-id", name],
        cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL,
    )


def _provider(command: str, payload: dict[str, Any] | None = None) -> Any:
    url = f"http://127.0.0.1:{SMS_PORT}/{command}"
    data = json.dumps(payload).encode() if payload is not None else None
    with urllib.request.urlopen(urllib.request.Request(url, data=data)) as reply:
        return json.load(reply)


CATEGORY = {"sms": "interpreter", "email": "journalist"}  # the bench database is its own


def _wait_for_servers() -> None:
    import socket

    deadline = time.monotonic() + 120
    for port in (SMS_PORT, SMTP_PORT):
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)


def _population(n: int) -> tuple[list[Any], list[Any]]:
    """n households reachable by SMS only and n by e-mail only (registered once, then kept)."""
    from safepassage.accounts import permissions
    from safepassage.registry.models import Case, Channel
    from safepassage.registry.services import HouseholdData, PersonData, register_households

    def cases(kind: str) -> list[Any]:
        return list(Case.objects.filter(category=CATEGORY[kind]).order_by("pk")[:n])

    for kind, offset in (("sms", 0), ("email", 500_000)):
        have = Case.objects.filter(category=CATEGORY[kind]).count()
        for start in range(have, n, 1000):
            households = [
                HouseholdData(
                    [PersonData(given_name="Bench", family_name=kind,
                                phones=[f"+93799{offset + i:06d}"] if kind == "sms" else [],
                                email=f"bench{offset + i}@example.org" if kind == "email" else "",
                                preferred_language=("fa-af", "ps", "en", "fr")[i % 4])],
                    CATEGORY[kind])
                for i in range(start, min(start + 1000, n))
            ]
            register_households(actor=permissions.DEMO, households=households,
                                channel=Channel.DEMO)
    return cases("sms"), cases("email")


def _clear_outbox() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE messaging_deliveryattempt, messaging_message CASCADE")


def _enqueue(cases: list[Any]) -> float:
    from django.db import transaction

    from safepassage.accounts import permissions
    from safepassage.messaging.services import queue_messages

    started = time.perf_counter()
    with transaction.atomic():
        for start in range(0, len(cases), 2000):
            queue_messages(actor=permissions.DEMO, cases=cases[start:start + 2000],
                           kind="status_changed", context={"status": "under_review"})
    return time.perf_counter() - started


def _counts() -> Counter[str]:
    from safepassage.messaging.models import Message, Via

    return Counter(Message.objects.exclude(channel=Via.STATUS_PAGE)
                   .values_list("state", flat=True).iterator())


def _wait_until(predicate: Any, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the outbox did not drain in time")
        time.sleep(0.2)


def _sink_ids(path: Path) -> Counter[str]:
    return Counter(line.strip() for line in path.read_text().splitlines() if line.strip())


def _expected_ids(channel: str) -> set[str]:
    from safepassage.messaging.models import Message

    keys = Message.objects.filter(channel=channel).values_list("idempotency_key", flat=True)
    if channel == "sms":
        return {str(k) for k in keys}
    return {f"<{k}@safepassage>" for k in keys}


def _delivered(channel: str, sink: Path) -> Counter[str]:
    if channel == "sms":
        deliveries = _provider("messages")
        stats = _provider("stats")
        counted = Counter(d["key"] for d in deliveries)
        # repeated requests the gateway recognised by their idempotency key
        counted["__repeated_requests__"] = stats["duplicates"]
        return counted
    return _sink_ids(sink)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_throughput(channel: str, cases: list[Any], sink: Path) -> dict[str, Any]:
    cpu_before = _children_cpu()
    _clear_outbox()
    _provider("control", {"reset": True})
    sink.write_text("")
    workers = [_worker(f"{channel}-w{i}") for i in (1, 2)]
    time.sleep(8)  # let both workers start and poll an empty outbox
    enqueue_s = _enqueue(cases)
    started = time.perf_counter()
    _wait_until(lambda: _counts()["sent"] + _counts()["failed"] >= len(cases))
    elapsed = time.perf_counter() - started
    for w in workers:
        w.send_signal(signal.SIGTERM)
    for w in workers:
        w.wait(timeout=60)
    worker_cpu = _children_cpu() - cpu_before  # both workers, start-up included
    delivered = _delivered(channel, sink)
    delivered.pop("__repeated_requests__", None)
    return {
        "run": f"throughput {channel}", "workers": 2, "messages": len(cases),
        "enqueue_per_s": round(len(cases) / enqueue_s),
        "seconds": round(elapsed, 1), "messages_per_s": round(len(cases) / elapsed),
        "per_worker_cpu_s": round(len(cases) / worker_cpu),
        "lost": len(_expected_ids(channel) - set(delivered)),
        "delivered_twice": sum(c - 1 for c in delivered.values() if c > 1),
        "resent_recognised": 0,
    }


def run_crash(channel: str, cases: list[Any], sink: Path) -> dict[str, Any]:
    _clear_outbox()
    _provider("control", {"reset": True})
    sink.write_text("")
    lease = 10
    workers = [_worker(f"crash-{channel}-w1", lease), _worker(f"crash-{channel}-w2", lease)]
    time.sleep(8)
    _enqueue(cases)
    _wait_until(lambda: _counts()["sent"] >= len(cases) * 0.4)
    os.kill(workers[0].pid, signal.SIGKILL)
    workers[0].wait()
    from safepassage.messaging.models import Message

    in_flight = Message.objects.filter(state="sending",
                                       claimed_by=f"crash-{channel}-w1").count()
    workers[0] = _worker(f"crash-{channel}-w1-restarted", lease)
    started = time.perf_counter()
    _wait_until(lambda: _counts()["sent"] + _counts()["failed"] >= len(cases))
    recovery = time.perf_counter() - started
    for w in workers:
        w.send_signal(signal.SIGTERM)
    for w in workers:
        w.wait(timeout=60)
    delivered = _delivered(channel, sink)
    repeated = delivered.pop("__repeated_requests__", 0)
    expected = _expected_ids(channel)
    counts = _counts()
    return {
        "run": f"crash {channel} (SIGKILL at 40%)", "workers": 2, "messages": len(cases),
        "enqueue_per_s": "", "seconds": round(recovery, 1),
        "messages_per_s": f"{in_flight} claimed by the killed worker",
        "per_worker_cpu_s": "",
        "lost": len(expected - set(delivered)) + counts["failed"],
        "delivered_twice": sum(c - 1 for c in delivered.values() if c > 1),
        "resent_recognised": repeated,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    os.environ.update(_env())
    _ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    from bench.record import write_results

    call_command("migrate", verbosity=0)
    sms_cases, email_cases = _population(args.messages)
    tmp = Path(tempfile.mkdtemp(prefix="sp-bench-messaging-"))
    sink_file = tmp / "smtp-message-ids.txt"
    sink_file.write_text("")
    servers = [
        subprocess.Popen([sys.executable, "-m", "safepassage.cli", "fake-sms-provider",
                          "--port", str(SMS_PORT)], cwd=ROOT, env=_env(),
                         stdout=subprocess.DEVNULL),
        subprocess.Popen([sys.executable, "-m", "bench.messaging.smtp_sink", "--port",
                          str(SMTP_PORT), "--out", str(sink_file)], cwd=ROOT, env=_env()),
    ]
    rows = []
    try:
        _wait_for_servers()
        for channel, cases in (("sms", sms_cases), ("email", email_cases)):
            rows.append(run_throughput(channel, cases, sink_file))
            print(rows[-1], flush=True)
        for channel, cases in (("sms", sms_cases), ("email", email_cases)):
            rows.append(run_crash(channel, cases, sink_file))
            print(rows[-1], flush=True)
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    notes = (
        "Two `safepassage send-messages` workers (batches of 100, FOR UPDATE SKIP LOCKED) on "
        "PostgreSQL (database sp_messaging_bench), the local fake SMS gateway "
        "(`safepassage fake-sms-provider`, Python's threading HTTP server, keep-alive) and a "
        "local aiosmtpd server, all on the same machine. messages_per_s is measured from the "
        "commit that queued the messages to the last one marked sent. enqueue_per_s: messages "
        "written to the outbox (with the status-page row of each case) in one transaction. "
        "Crash runs: one worker SIGKILLed once 40% were sent, restarted at once; its claimed "
        "batch was taken again when its 10 s lease ran out (`seconds` is kill to empty "
        "outbox). lost: messages the provider never received; delivered_twice: deliveries "
        "the provider or SMTP server received more than once; resent_recognised: requests "
        "repeated after the crash that the SMS gateway recognised by their Idempotency-Key "
        "and did not deliver again (SMTP has no such key: the same Message-ID arriving "
        "twice is counted in delivered_twice). per_worker_cpu_s: messages per CPU-second "
        "spent by the two worker processes (start-up included), what the code costs "
        "whatever else the machine is doing. 1-minute load average "
        f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (2 cores): other "
        "work on the machine lowers the rates, not per_worker_cpu_s."
    )
    write_results("messaging", rows, notes=notes)


if __name__ == "__main__":
    main()
    # The inbox's measurement (inbound "status" to its answer queued), in its own table.
    from bench.messaging import inbox_keyword

    inbox_keyword.main()
