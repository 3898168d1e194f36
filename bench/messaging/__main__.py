"""Messages per second from the outbox through each provider's adapter to its local stand-in
(the home-made SMS gateway, SMTP, WhatsApp Cloud, Twilio, RapidPro, Postmark through anymail)
with two workers on PostgreSQL; a crash run per provider (SIGKILL one worker in the middle,
restart it, count messages lost and delivered twice); webhook ingestion through gunicorn with
signature checks, and a kill -9 of the web process under load (calls answered 2xx and lost).

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
DB_NAME = os.environ.get("SAFEPASSAGE_BENCH_DB", "sp_messaging_bench")
PG = "postgres://postgres@127.0.0.1:5432"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SMS_PORT, SMTP_PORT, STANDIN_PORT = _free_port(), _free_port(), _free_port()
STANDIN = f"http://127.0.0.1:{STANDIN_PORT}"
# Each run: its name, the environment that selects the provider, the channel its messages go
# on, which population (phones or e-mail addresses) and where deliveries are counted.
RUNS: dict[str, dict[str, Any]] = {
    "sms gateway": {"env": {}, "via": "sms", "people": "sms", "count": "gateway"},
    "email smtp": {"env": {}, "via": "email", "people": "email", "count": "smtp"},
    "whatsapp cloud": {"env": {"SAFEPASSAGE_WHATSAPP_PROVIDER": "cloud"}, "via": "whatsapp",
                       "people": "sms", "count": "whatsapp_cloud"},
    "sms twilio": {"env": {"SAFEPASSAGE_SMS_PROVIDER": "twilio"}, "via": "sms",
                   "people": "sms", "count": "twilio"},
    "sms rapidpro": {"env": {"SAFEPASSAGE_SMS_PROVIDER": "rapidpro"}, "via": "sms",
                     "people": "sms", "count": "rapidpro"},
    "email postmark (anymail)": {"env": {"SAFEPASSAGE_EMAIL_PROVIDER": "anymail"},
                                 "via": "email", "people": "email", "count": "anymail"},
}


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
        **_standin_env(),
    }


def _standin_env() -> dict[str, str]:
    from safepassage.messaging.standins import environment_for

    return environment_for(STANDIN)


def _worker(name: str, lease: int = 30, env: dict[str, str] | None = None
            ) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "safepassage.cli", "send-messages", "--limit", "100",
         "--poll", "0.1", "--lease", str(lease), "--worker-id", name],
        cwd=ROOT, env={**_env(), **(env or {})}, stdout=subprocess.DEVNULL,
    )


def _standin(command: str, payload: dict[str, Any] | None = None) -> Any:
    url = f"http://127.0.0.1:{STANDIN_PORT}/{command}"
    data = json.dumps(payload).encode() if payload is not None else None
    with urllib.request.urlopen(urllib.request.Request(url, data=data)) as reply:
        return json.load(reply)


def _provider(command: str, payload: dict[str, Any] | None = None) -> Any:
    url = f"http://127.0.0.1:{SMS_PORT}/{command}"
    data = json.dumps(payload).encode() if payload is not None else None
    with urllib.request.urlopen(urllib.request.Request(url, data=data)) as reply:
        return json.load(reply)


CATEGORY = {"sms": "interpreter", "email": "journalist"}  # the bench database is its own


def _wait_for_servers() -> None:
    import socket

    deadline = time.monotonic() + 120
    for port in (SMS_PORT, SMTP_PORT, STANDIN_PORT):
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


def _select(run: str) -> None:
    """Point this process's planning at the run's provider (WhatsApp or not)."""
    from django.conf import settings

    settings.MESSAGING_WHATSAPP_PROVIDER = RUNS[run]["env"].get(
        "SAFEPASSAGE_WHATSAPP_PROVIDER", "")


def _wait_until(predicate: Any, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the outbox did not drain in time")
        time.sleep(0.2)


def _sink_ids(path: Path) -> Counter[str]:
    return Counter(line.strip() for line in path.read_text().splitlines() if line.strip())


def _expected_ids(run: str) -> set[str]:
    from safepassage.messaging.models import Message

    via, count = RUNS[run]["via"], RUNS[run]["count"]
    if count not in ("gateway", "smtp"):  # counted by recipient: one message each in the bench
        return {m.address.lstrip("+") for m in Message.objects.filter(channel=via)}
    keys = Message.objects.filter(channel=via).values_list("idempotency_key", flat=True)
    if count == "gateway":
        return {str(k) for k in keys}
    return {f"<{k}@safepassage>" for k in keys}


def _delivered(run: str, sink: Path) -> Counter[str]:
    count = RUNS[run]["count"]
    if count not in ("gateway", "smtp"):
        deliveries = [d for d in _standin("deliveries") if d["provider"] == count]
        counted = Counter(d["to"].removeprefix("whatsapp:").lstrip("+") for d in deliveries)
        if count == "rapidpro":  # recognised by its id, answered without delivering again
            counted["__repeated_requests__"] = _standin("stats")["duplicates"]
        return counted
    if count == "gateway":
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


def run_throughput(run: str, cases: list[Any], sink: Path) -> dict[str, Any]:
    cpu_before = _children_cpu()
    _clear_outbox()
    _provider("control", {"reset": True})
    _standin("control", {"reset": True})
    _select(run)
    sink.write_text("")
    workers = [_worker(f"w{i}", env=RUNS[run]["env"]) for i in (1, 2)]
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
    delivered = _delivered(run, sink)
    delivered.pop("__repeated_requests__", None)
    return {
        "run": f"throughput {run}", "workers": 2, "messages": len(cases),
        "enqueue_per_s": round(len(cases) / enqueue_s),
        "seconds": round(elapsed, 1), "messages_per_s": round(len(cases) / elapsed),
        "per_worker_cpu_s": round(len(cases) / worker_cpu),
        "lost": len(_expected_ids(run) - set(delivered)),
        "delivered_twice": sum(c - 1 for c in delivered.values() if c > 1),
        "resent_recognised": 0,
    }


def run_crash(run: str, cases: list[Any], sink: Path) -> dict[str, Any]:
    _clear_outbox()
    _provider("control", {"reset": True})
    _standin("control", {"reset": True})
    _select(run)
    sink.write_text("")
    lease = 10
    env = RUNS[run]["env"]
    channel = run.replace(" ", "-")
    workers = [_worker(f"crash-{channel}-w1", lease, env),
               _worker(f"crash-{channel}-w2", lease, env)]
    time.sleep(8)
    _enqueue(cases)
    _wait_until(lambda: _counts()["sent"] >= len(cases) * 0.4)
    os.kill(workers[0].pid, signal.SIGKILL)
    workers[0].wait()
    from safepassage.messaging.models import Message

    in_flight = Message.objects.filter(state="sending",
                                       claimed_by=f"crash-{channel}-w1").count()
    workers[0] = _worker(f"crash-{channel}-w1-restarted", lease, env)
    started = time.perf_counter()
    _wait_until(lambda: _counts()["sent"] + _counts()["failed"] >= len(cases))
    recovery = time.perf_counter() - started
    for w in workers:
        w.send_signal(signal.SIGTERM)
    for w in workers:
        w.wait(timeout=60)
    delivered = _delivered(run, sink)
    repeated = delivered.pop("__repeated_requests__", 0)
    expected = _expected_ids(run)
    counts = _counts()
    return {
        "run": f"crash {run} (SIGKILL at 40%)", "workers": 2, "messages": len(cases),
        "enqueue_per_s": "", "seconds": round(recovery, 1),
        "messages_per_s": f"{in_flight} claimed by the killed worker",
        "per_worker_cpu_s": "",
        "lost": len(expected - set(delivered)) + counts["failed"],
        "delivered_twice": sum(c - 1 for c in delivered.values() if c > 1),
        "resent_recognised": repeated,
    }


# --- Webhook ingestion through gunicorn ---------------------------------------------------------

APP_SECRET = "bench-app-secret"  # noqa: S105 - the bench's own
GUNICORN_WORKERS, GUNICORN_THREADS = 2, 8


def _web_env() -> dict[str, str]:
    return {**_env(), "SAFEPASSAGE_DEBUG": "0", "SAFEPASSAGE_WHATSAPP_APP_SECRET": APP_SECRET,
            "SAFEPASSAGE_TWILIO_AUTH_TOKEN": "bench-twilio-token"}


def _start_web(port: int) -> subprocess.Popen[bytes]:
    import http.client
    import socket

    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "safepassage.wsgi:application",
         "-b", f"127.0.0.1:{port}", "-w", str(GUNICORN_WORKERS), "-k", "gthread",
         "--threads", str(GUNICORN_THREADS), "--keep-alive", "30", "--log-level", "warning",
         "--preload", "--timeout", "120"],
        cwd=ROOT, env=_web_env(), start_new_session=True, stdout=subprocess.DEVNULL)
    for _ in range(600):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    else:
        raise RuntimeError("gunicorn did not start")
    for _ in range(GUNICORN_WORKERS * GUNICORN_THREADS):  # load code in every worker
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", "/messaging/webhooks/whatsapp/?hub.mode=subscribe")
        conn.getresponse().read()
        conn.close()
    return server


def _group_cpu(group: int) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def _whatsapp_calls(limit: int) -> list[tuple[str, bytes, dict[str, str]]]:
    """Signed status callbacks ("delivered" then "read") for the WhatsApp messages just sent."""
    from safepassage.messaging.models import Message
    from safepassage.messaging.standins import whatsapp_signature, whatsapp_status

    calls = []
    rows = list(Message.objects.filter(channel="whatsapp").exclude(provider_id="")
                .values_list("provider_id", "idempotency_key"))
    for status in ("delivered", "read"):
        for wamid, key in rows:
            body = whatsapp_status(wamid, status, "93700000000", key=str(key))
            calls.append((f"{wamid}/{status}", body, {
                "Content-Type": "application/json",
                "X-Hub-Signature-256": whatsapp_signature(body, APP_SECRET)}))
    return calls[:limit]


def _post_calls(port: int, calls: list[tuple[str, bytes, dict[str, str]]], path: str,
                *, clients: int = 16, kill_after: float | None = None,
                server: subprocess.Popen[bytes] | None = None) -> tuple[set[str], float, int]:
    """POST every call from `clients` keep-alive connections; (keys answered 2xx, seconds,
    errors). With kill_after, the server's process group is SIGKILLed that many seconds in."""
    import http.client
    import itertools
    import threading

    answered: set[str] = set()
    errors = [0]
    lock = threading.Lock()
    numbers = itertools.count()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                i = next(numbers)
            if i >= len(calls):
                return
            key, body, headers = calls[i]
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                with lock:
                    errors[0] += 1
                conn.close()
                if kill_after is not None:
                    return  # the server is gone
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            with lock:
                if 200 <= response.status < 300:
                    answered.add(key)
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    if kill_after is not None and server is not None:
        time.sleep(kill_after)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    for t in threads:
        t.join()
    return answered, time.perf_counter() - started, errors[0]


def _stored_keys(after_pk: int) -> list[str]:
    from safepassage.messaging.models import WebhookCall

    keys = []
    for call in WebhookCall.objects.filter(pk__gt=after_pk).iterator():
        for entry in json.loads(call.body)["entry"]:
            for change in entry["changes"]:
                for s in change["value"].get("statuses", []):
                    keys.append(f"{s['id']}/{s['status']}")
    return keys


def _last_call() -> int:
    from safepassage.messaging.models import WebhookCall

    last = WebhookCall.objects.order_by("-pk").values_list("pk", flat=True).first()
    return int(last or 0)


def run_webhooks(limit: int) -> list[dict[str, Any]]:
    from safepassage.messaging.models import Message, WebhookCall
    from safepassage.messaging.webhooks import process_webhook_calls

    WebhookCall.objects.all().delete()
    calls = _whatsapp_calls(limit)
    path = "/messaging/webhooks/whatsapp/"
    port = _free_port()
    server = _start_web(port)
    cpu_before = _group_cpu(server.pid)
    answered, seconds, errors = _post_calls(port, calls, path)
    cpu = _group_cpu(server.pid) - cpu_before
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=60)
    stored = _stored_keys(0)
    rows = [{
        "run": "webhooks in: WhatsApp statuses, X-Hub-Signature-256 checked, stored",
        "workers": f"gunicorn {GUNICORN_WORKERS}x{GUNICORN_THREADS}, 16 clients",
        "messages": len(calls), "enqueue_per_s": "", "seconds": round(seconds, 1),
        "messages_per_s": round(len(answered) / seconds),
        "per_worker_cpu_s": round(len(answered) / cpu) if cpu else "",
        "lost": len(answered - set(stored)), "delivered_twice": errors,
        "resent_recognised": "",
    }]
    # Then the runner's side: receipts written from the stored calls.
    started, cpu0 = time.perf_counter(), time.process_time()
    done = 0
    while True:
        n = process_webhook_calls(limit=1000)
        if n == 0:
            break
        done += n
    took, took_cpu = time.perf_counter() - started, time.process_time() - cpu0
    read = Message.objects.filter(channel="whatsapp", receipt="read").count()
    rows.append({
        "run": "webhooks processed: stored calls to receipts (one process)",
        "workers": 1, "messages": done, "enqueue_per_s": "", "seconds": round(took, 1),
        "messages_per_s": round(done / took) if took else "",
        "per_worker_cpu_s": round(done / took_cpu) if took_cpu else "",
        "lost": len(calls) - done, "delivered_twice": "",
        "resent_recognised": f"{read} messages read",
    })
    # A kill -9 of the web process under load: every call answered 2xx must be stored.
    before = _last_call()
    server = _start_web(port)
    answered, seconds, errors = _post_calls(port, calls, path, kill_after=2.0, server=server)
    stored_keys = _stored_keys(before)
    rows.append({
        "run": "webhooks in, kill -9 of gunicorn 2 s into the load",
        "workers": f"gunicorn {GUNICORN_WORKERS}x{GUNICORN_THREADS}, 16 clients",
        "messages": len(calls), "enqueue_per_s": "", "seconds": round(seconds, 1),
        "messages_per_s": f"{len(answered)} answered 2xx before the kill",
        "per_worker_cpu_s": f"{len(stored_keys)} stored",
        "lost": len(answered - set(stored_keys)), "delivered_twice": "",
        "resent_recognised": "",
    })
    WebhookCall.objects.all().delete()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--webhooks", type=int, default=20_000)
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
        subprocess.Popen([sys.executable, "-m", "safepassage.cli", "provider-standin",
                          "--port", str(STANDIN_PORT)], cwd=ROOT, env=_env(),
                         stdout=subprocess.DEVNULL),
    ]
    rows = []
    try:
        _wait_for_servers()
        people = {"sms": sms_cases, "email": email_cases}
        for run in RUNS:
            rows.append(run_throughput(run, people[RUNS[run]["people"]], sink_file))
            print(rows[-1], flush=True)
            if run == "whatsapp cloud":  # its messages are the webhooks' subjects
                for row in run_webhooks(args.webhooks):
                    rows.append(row)
                    print(row, flush=True)
        for run in RUNS:
            rows.append(run_crash(run, people[RUNS[run]["people"]], sink_file))
            print(rows[-1], flush=True)
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    notes = (
        "Two `safepassage send-messages` workers (batches of 100, FOR UPDATE SKIP LOCKED) on "
        f"PostgreSQL (database {DB_NAME}), the local fake SMS gateway "
        "(`safepassage fake-sms-provider`, Python's threading HTTP server, keep-alive), the "
        "providers' stand-in (`safepassage provider-standin`: WhatsApp Cloud, Twilio through "
        "the official `twilio` package, RapidPro external channel, Postmark through "
        "django-anymail; same threading server) and a "
        "local aiosmtpd server, all on the same machine. Channels whose provider takes no "
        "idempotency key (SMTP, WhatsApp Cloud, Twilio, Postmark) are recorded every 10 sends "
        "(SAFEPASSAGE_MESSAGE_UNRECORDED_LIMIT): a crash repeats at most 10 per killed worker. "
        "Webhook rows: signed WhatsApp status callbacks POSTed by 16 keep-alive client threads "
        "(in the bench process, on the same 2 cores) to gunicorn (gthread); each is checked "
        "(HMAC-SHA256 of the raw body) and stored encrypted in one INSERT before its 200; "
        "messages_per_s = calls answered 2xx per second, per_worker_cpu_s = calls per "
        "CPU-second of the gunicorn processes (PostgreSQL not counted); lost = answered 2xx "
        "but not in the database afterwards; delivered_twice column = calls refused or "
        "failed. The processing row turns the stored calls into receipts in one process. "
        "messages_per_s is measured from the "
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
