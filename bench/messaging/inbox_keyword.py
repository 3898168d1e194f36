"""Time from an inbound "status" to its automatic answer queued in the outbox (target p99 < 1 s),
on PostgreSQL: through the signed SMS webhook served by gunicorn (the answer is committed
before the webhook answers 2xx, so the round trip bounds the time to queued), and in process
through `messaging.inbox.receive_inbound` alone.

    PYTHONPATH=src:. .venv/bin/python -m bench.messaging.inbox_keyword [--messages 2000]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
DB_NAME = "sp_inbox_bench"
PG = "postgres://postgres@127.0.0.1:5432"
PORT = 18127
SECRET = "bench-inbound-secret"  # noqa: S105 - the local stand-in webhook's, not a credential
HOUSEHOLDS = 2000
WORDS = ["status", "statut", "وضعیت", "حالت", "STATUS", "Statut"]


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "DJANGO_SETTINGS_MODULE": "safepassage.settings",
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
        "SAFEPASSAGE_SMS_INBOUND_SECRET": SECRET,
        "SAFEPASSAGE_LOG_LEVEL": "WARNING",
    }


def _ensure_database() -> None:
    import psycopg

    # A new database each run: one left by another checkout holds rows encrypted under that
    # checkout's keys, which this one cannot read.
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def _phone(i: int) -> str:
    return f"+93798{i:06d}"


def _population() -> None:
    from safepassage.accounts import permissions
    from safepassage.registry.models import Case, Channel
    from safepassage.registry.services import HouseholdData, PersonData, register_households

    have = Case.objects.filter(category="journalist").count()
    for start in range(have, HOUSEHOLDS, 500):
        register_households(actor=permissions.DEMO, channel=Channel.DEMO, households=[
            HouseholdData([PersonData(given_name="Bench", family_name="Inbox",
                                      phones=[_phone(i)],
                                      preferred_language=("fa-af", "ps", "en", "fr")[i % 4])],
                          "journalist")
            for i in range(start, min(start + 500, HOUSEHOLDS))])


def _clear_inbox() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE messaging_inboxanswer, messaging_inboundmessage_cases, "
                       "messaging_inboundmessage, messaging_conversation_cases, "
                       "messaging_conversation, messaging_deliveryattempt, messaging_message "
                       "CASCADE")


def _signed(payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    ts = str(int(time.time()))
    signature = hmac.new(SECRET.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    return body, {"Content-Type": "application/json", "X-SafePassage-Timestamp": ts,
                  "X-SafePassage-Signature": f"sha256={signature}"}


def _start_server() -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [VENV_BIN / "gunicorn", "safepassage.wsgi:application", "-b", f"127.0.0.1:{PORT}",
         "-w", "2", "-k", "gthread", "--threads", "4", "--keep-alive", "30",
         "--log-level", "warning", "--preload", "--timeout", "120"],
        env=_env(), start_new_session=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    for _ in range(600):
        try:
            with socket.create_connection(("127.0.0.1", PORT), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def _process_group_cpu(pgid: int) -> float:
    """CPU seconds used so far by the processes of one group (gunicorn and its workers)."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _post_many(ids: list[int], run: str, latencies: list[float], errors: list[int]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    for i in ids:
        body, headers = _signed({"id": f"{run}-{i}", "from": _phone(i % HOUSEHOLDS),
                                 "text": WORDS[i % len(WORDS)]})
        started = time.perf_counter()
        conn.request("POST", "/messaging/inbound/sms/", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        latencies.append(time.perf_counter() - started)
        if response.status != 200:
            errors.append(response.status)
    conn.close()


def _now() -> Any:
    from django.utils import timezone

    return timezone.now()


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _row(run: str, clients: int, latencies: list[float], wall: float, cpu: float,
         answered: int, errors: int) -> dict[str, Any]:
    return {
        "run": run, "clients": clients, "messages": len(latencies),
        "p50_ms": round(_percentile(latencies, 50) * 1000, 1),
        "p99_ms": round(_percentile(latencies, 99) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1),
        "messages_per_s": round(len(latencies) / wall),
        "cpu_ms_per_message": round(cpu / len(latencies) * 1000, 2),
        "answers_queued": answered, "errors": errors,
    }


def _answers_queued(since: Any) -> int:
    """Automatic answers written since `since`, queued in the outbox."""
    from safepassage.messaging.models import InboxAnswer

    return InboxAnswer.objects.filter(at__gte=since, author=None, template="status",
                                      message__state="queued").count()


def run_http(run: str, messages: int, clients: int) -> dict[str, Any]:
    server = _start_server()
    try:
        warm: list[float] = []
        _post_many(list(range(0, 20)), f"{run}-warm", warm, [])
        latencies: list[float] = []
        errors: list[int] = []
        since = _now()
        cpu_before = _process_group_cpu(server.pid)
        started = time.perf_counter()
        shares = [list(range(k, messages, clients)) for k in range(clients)]
        threads = [threading.Thread(target=_post_many, args=(share, run, latencies, errors))
                   for share in shares]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        cpu = _process_group_cpu(server.pid) - cpu_before
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return _row(f"HTTP webhook ({run})", clients, latencies, wall, cpu, _answers_queued(since),
                len(errors))


def run_in_process(run: str, messages: int) -> dict[str, Any]:
    from safepassage.accounts import permissions
    from safepassage.messaging.inbox import receive_inbound

    latencies: list[float] = []
    since = _now()
    cpu_before = time.process_time()
    started = time.perf_counter()
    for i in range(messages):
        t0 = time.perf_counter()
        receive_inbound(actor=permissions.SMS_GATEWAY, via="sms", provider_id=f"{run}-{i}",
                        sender=_phone(i % HOUSEHOLDS), text=WORDS[i % len(WORDS)])
        latencies.append(time.perf_counter() - t0)
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    return _row("in process (receive_inbound)", 1, latencies, wall, cpu, _answers_queued(since),
                0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=2000)
    args, _rest = parser.parse_known_args()
    load_before = os.getloadavg()
    os.environ.update(_env())
    _ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    _population()
    _clear_inbox()
    rows = [
        run_in_process("inproc", args.messages),
        run_http("one-client", args.messages, 1),
        run_http("eight-clients", args.messages, 8),
    ]
    load_after = os.getloadavg()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    from bench.record import write_results

    write_results("messaging-inbox", rows, notes=(
        "Inbound \"status\" (in English, French, Dari and Pashto, from 2,000 registered numbers "
        "in turn) to its automatic answer queued in the outbox, on PostgreSQL (database "
        f"{DB_NAME}). HTTP rows: signed POSTs to /messaging/inbound/sms/ served by gunicorn "
        "(2 workers x 4 threads, gthread) on the same machine; the latency is the client's "
        "round trip, and the webhook answers only after the transaction that stores the "
        "message and queues the answer has committed, so it bounds the time to queued. "
        "In-process row: `messaging.inbox.receive_inbound` called in a loop (its own "
        "transaction each). answers_queued: automatic answers found queued afterwards (one "
        "per message: the sender's one case). cpu_ms_per_message: the server processes' CPU "
        "time (HTTP rows) or this process's (in process), what the code costs whatever else "
        "the machine does. "
        f"1-minute load average {load_before[0]:.1f} at the start, {load_after[0]:.1f} at "
        f"the end (2 cores, shared with other work: wall-clock latencies are inflated by it; "
        f"children CPU {children.ru_utime + children.ru_stime:.1f} s)."))


if __name__ == "__main__":
    main()
