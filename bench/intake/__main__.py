"""Intake under load: registrations per second through the partner API (gunicorn + PostgreSQL,
50 concurrent clients) against PostgreSQL's own single-row insert rate, a 100,000-row CSV
import, and a crash run (kill -9 the server mid-load, then retry with the same keys).

    PYTHONPATH=src:. .venv/bin/python -m bench.intake [--seconds 20] [--rows 100000]
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
DB_NAME = "sp_intake_bench"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
CLIENTS = 50
WORKERS, THREADS = 4, 4

GIVEN = ["Mohammad", "Ahmad", "Zabihullah", "Freshta", "Maryam", "Wahid", "Hekmatullah",
         "Nasrin", "Farid", "Shabana", "Abdul Rahman", "Khalid", "Zarghona", "Habibullah"]
FAMILY = ["Karimi", "Stanikzai", "Popalzai", "Ahmadzai", "Hashimi", "Rahimi", "Noori", "Safi",
          "Wardak", "Mohammadi", "Sultani", "Amiri"]
PROVINCES = ["Kabul", "Herat", "Balkh", "Nangarhar", "Kandahar", "Bamyan", "Parwan"]


TICKS = os.sysconf("SC_CLK_TCK")


# The duplicate checker's connections name themselves (libpq reads PGAPPNAME), so that the CPU
# of its PostgreSQL backends is counted as the checker's, not as the registrations'.
CHECKER_APP = "safepassage-checker"


def checker_backends() -> set[int]:
    """The PostgreSQL backends serving the duplicate checker now."""
    import psycopg

    with psycopg.connect(DB_URL, autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s",
                            (CHECKER_APP,)).fetchall()
    return {int(row[0]) for row in rows}


def server_cpu_seconds(process_group: int | None, *, checker: set[int] | None = None,
                       of_checker: bool = False) -> float:
    """CPU time used so far by one process group (the app server's, or the checker's) and by the
    PostgreSQL backends serving our database: what a registration costs, whatever else the
    shared machine is doing. `checker`: the checker's backends, counted only `of_checker`, the
    other backends only when not."""
    checker = checker or set()
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        ours = process_group is not None and int(fields[2]) == process_group
        backend = b"postgres" in cmdline and DB_NAME.encode() in cmdline
        if ours or (backend and (int(proc.name) in checker) == of_checker):
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(var_dir: Path) -> dict[str, str]:
    return {
        **os.environ, "DATABASE_URL": DB_URL, "SAFEPASSAGE_VAR_DIR": str(var_dir),
        "SAFEPASSAGE_DATA_KEY_FILE": str(var_dir / "data-keys.json"),
        "SAFEPASSAGE_LOG_LEVEL": "WARNING", "SAFEPASSAGE_DEBUG": "0",
        # The bench measures what the server can take, not a partner's share of it.
        "SAFEPASSAGE_API_REQUESTS_PER_MINUTE": "100000000",
        # Duplicate checks after the commit, by a worker of the background runner (niced) started
        # beside gunicorn, as a production deployment runs them: `safepassage run-tasks`.
        "SAFEPASSAGE_DUPLICATE_CHECK": "background",
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}", "DJANGO_SETTINGS_MODULE": "safepassage.settings",
    }


def fresh_database(env: dict[str, str]) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    subprocess.run([VENV_BIN / "safepassage", "migrate", "--noinput", "-v0"], env=env,
                   check=True)


def raw_insert_rates(seconds: float) -> tuple[float, float]:
    """PostgreSQL's own pace for single-row committed inserts: one connection, then 50."""
    import psycopg

    with psycopg.connect(DB_URL, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_raw_insert (id bigserial PRIMARY KEY, "
                     "payload text, at timestamptz DEFAULT now())")
    payload = "x" * 600  # about the size of one encrypted registration

    def run(deadline: float, counts: list[int], i: int) -> None:
        with psycopg.connect(DB_URL, autocommit=True) as conn:
            n = 0
            while time.perf_counter() < deadline:
                conn.execute("INSERT INTO bench_raw_insert (payload) VALUES (%s)", (payload,))
                n += 1
            counts[i] = n

    rates = []
    for clients in (1, CLIENTS):
        counts = [0] * clients
        started = time.perf_counter()
        deadline = started + seconds
        threads = [threading.Thread(target=run, args=(deadline, counts, i))
                   for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        rates.append(sum(counts) / (time.perf_counter() - started))
    return rates[0], rates[1]


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [VENV_BIN / "gunicorn", "safepassage.wsgi:application", "-b", f"127.0.0.1:{port}",
         "-w", str(WORKERS), "-k", "gthread", "--threads", str(THREADS), "--keep-alive", "30",
         "--log-level", "warning", "--preload", "--timeout", "120"],
        env=env, start_new_session=True, stdout=subprocess.DEVNULL,
    )
    for _ in range(600):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    else:
        raise RuntimeError("gunicorn did not start")
    # Warm every worker and thread (first requests load code and open connections) before any
    # timing starts: a GET per thread of each worker, concurrently.
    def warm() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        conn.request("GET", "/api/v1/registrations/?limit=1",
                     headers={"Authorization": f"Bearer {_token}"})
        conn.getresponse().read()
        conn.close()

    threads = [threading.Thread(target=warm) for _ in range(WORKERS * THREADS * 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return server


def household(n: int, *, with_external_ids: bool = True) -> dict[str, Any]:
    rng = random.Random(n)
    family = rng.choice(FAMILY)
    size = rng.choice([1, 2, 3, 4, 5])
    members = []
    for k in range(size):
        member = {
            "given_name": rng.choice(GIVEN), "family_name": family,
            "date_of_birth": rng.choice([
                "1365", "1988",
                f"13{rng.randint(40, 99)}/0{rng.randint(1, 9)}/1{rng.randint(0, 9)}",
            ]),
            "sex": rng.choice(["male", "female"]), "province": rng.choice(PROVINCES),
            "relationship_to_head": "head" if k == 0 else rng.choice(["spouse", "son",
                                                                      "daughter"]),
        }
        if k == 0:
            member["phone"] = rng.choice(["0791234567", "+93 79 123 4567", "0093791234567"])
            member["tazkira_number"] = f"1400-0101-{n % 100000:05d}"
        if with_external_ids:
            member["external_id"] = f"B-{n}-{k}"
        members.append(member)
    return {"category": rng.choice(["interpreter", "journalist", "former_employee"]),
            "members": members}


class Client:
    """One keep-alive HTTP connection, as one partner system would hold."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.conn: http.client.HTTPConnection | None = None

    def post(self, path: str, body: bytes, key: str) -> tuple[int, dict[str, Any]]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            self.conn.request("POST", path, body=body, headers={
                "Authorization": f"Bearer {self.token}", "Content-Type": "application/json",
                "Idempotency-Key": key})
            response = self.conn.getresponse()
            data = response.read()
            return response.status, json.loads(data) if data else {}
        except (OSError, http.client.HTTPException, json.JSONDecodeError):
            self.conn.close()
            self.conn = None
            raise


def read_floor(port: int, token: str, seconds: float, reference: str) -> dict[str, Any]:
    """The floor of this stack on this machine: 50 clients reading one referral's status
    (token authentication, one indexed read, no write) as fast as answers come back."""
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client_loop() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            conn.request("GET", f"/api/v1/registrations/{reference}/",
                         headers={"Authorization": f"Bearer {token}"})
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - began
            if response.status == 200:
                with lock:
                    latencies.append(elapsed)
        conn.close()

    wall = run_clients(client_loop)
    return {"rate": len(latencies) / wall, **percentiles(latencies)}


def run_clients(client_loop: Any) -> float:
    """CLIENTS threads running `client_loop` side by side; the wall time until all end."""
    started = time.perf_counter()
    threads = [threading.Thread(target=client_loop) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started


def percentiles(latencies: list[float]) -> dict[str, float]:
    """p50 and p99 in milliseconds (0 when nothing was answered)."""
    if not latencies:
        return {"p50_ms": 0, "p99_ms": 0}
    ordered = sorted(latencies)
    return {"p50_ms": 1000 * statistics.median(ordered),
            "p99_ms": 1000 * ordered[int(0.99 * (len(ordered) - 1))]}


def start_checker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(["nice", "-n", "10", VENV_BIN / "safepassage", "run-tasks",
                             "--queue-name", "default"],
                            env=env | {"PGAPPNAME": CHECKER_APP}, start_new_session=True,
                            stdout=subprocess.DEVNULL)


def pending_checks() -> int:
    import psycopg

    with psycopg.connect(DB_URL, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM linkage_pendingcheck").fetchone()
    return int(row[0]) if row else 0


def load(port: int, token: str, seconds: float, *, path: str, batch: int,
         start: int, stop_event: threading.Event | None = None,
         acknowledged: dict[str, str] | None = None, sent: dict[str, bytes] | None = None,
         external_ids: bool = True) -> dict[str, Any]:
    """50 clients posting as fast as answers come back; returns rate and latencies."""
    latencies: list[float] = []
    registered = [0]
    errors = [0]
    counter = iter(range(start, 10**9))
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client_loop() -> None:
        client = Client(port, token)
        while time.perf_counter() < deadline and not (stop_event and stop_event.is_set()):
            with lock:
                n = next(counter)
            if batch == 1:
                body = json.dumps(household(n * 1000, with_external_ids=external_ids)).encode()
            else:
                body = json.dumps({"registrations": [
                    household(n * 1000 + k, with_external_ids=external_ids)
                    for k in range(batch)]}).encode()
            key = str(uuid.uuid4())
            if sent is not None:
                sent[key] = body
            began = time.perf_counter()
            try:
                code, answer = client.post(path, body, key)
            except (OSError, http.client.HTTPException, json.JSONDecodeError):
                errors[0] += 1
                time.sleep(0.05)
                continue
            elapsed = time.perf_counter() - began
            with lock:
                if code in (200, 201):
                    latencies.append(elapsed)
                    registered[0] += batch if batch > 1 else 1
                    if acknowledged is not None:
                        acknowledged[key] = answer.get("reference", "")
                else:
                    errors[0] += 1

    wall = run_clients(client_loop)
    return {
        "registrations": registered[0], "seconds": wall, "rate": registered[0] / wall,
        "requests": len(latencies), "errors": errors[0], **percentiles(latencies),
    }


def make_csv(path: Path, rows: int) -> None:
    rng = random.Random(2021)
    columns = ["external_id", "given_name", "family_name", "father_name", "date_of_birth", "sex",
               "phone", "tazkira_number", "province", "category", "household_ref",
               "relationship_to_head", "preferred_language"]
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        n, household_no = 0, 0
        while n < rows:
            household_no += 1
            size = min(rng.choice([1, 2, 3, 4, 5, 6]), rows - n)
            family = rng.choice(FAMILY)
            for k in range(size):
                n += 1
                writer.writerow([
                    f"CSV-{n}", rng.choice(GIVEN), family, rng.choice(GIVEN),
                    rng.choice(["1365", "1988-04-02", "12/03/1990", "1370/05/24", "15 Jawza 1364"]),
                    rng.choice(["male", "female", "M", "F"]),
                    rng.choice(["0791234567", "+93 79 123 4567", "0093 79 123 4567", ""]),
                    f"1400-{rng.randint(1000, 9999)}-{n:05d}" if k == 0 else "",
                    rng.choice(PROVINCES), rng.choice(["interpreter", "journalist", "citizen"]),
                    f"H{household_no}", "head" if k == 0 else rng.choice(["spouse", "son",
                                                                          "daughter"]),
                    rng.choice(["dari", "pashto", "en"]),
                ])


def crash_run(env: dict[str, str], token: str, seconds: float) -> dict[str, Any]:
    """kill -9 the whole server mid-load, restart it, retry every request with its key."""
    import django

    port = free_port()
    server = start_server(env, port)
    acknowledged: dict[str, str] = {}
    sent: dict[str, bytes] = {}
    stop = threading.Event()
    killer = threading.Timer(seconds / 2, lambda: os.killpg(server.pid, signal.SIGKILL))
    killer.start()
    load(port, token, seconds, path="/api/v1/registrations/", batch=1, start=5_000_000,
         stop_event=stop, acknowledged=acknowledged, sent=sent, external_ids=False)
    killer.join()
    server.wait()
    server = start_server(env, port)
    client = Client(port, token)
    changed, failed_retries = 0, 0
    retried: dict[str, str] = {}
    for key, body in sent.items():
        try:
            code, answer = client.post("/api/v1/registrations/", body, key)
        except (OSError, http.client.HTTPException):
            failed_retries += 1
            continue
        if code not in (200, 201):
            failed_retries += 1
            continue
        retried[key] = answer.get("reference", "")
        if key in acknowledged and acknowledged[key] != retried[key]:
            changed += 1
    os.killpg(server.pid, signal.SIGTERM)
    server.wait()

    django.setup()
    from safepassage.registry.models import Case

    existing = set(Case.objects.filter(reference__in=list(acknowledged.values()))
                   .values_list("reference", flat=True))
    cases = Case.objects.filter(channel="partner_api", reference__in=list(retried.values()))
    return {
        "requests_sent": len(sent), "acknowledged_before_kill": len(acknowledged),
        "acknowledged_missing_after_restart": len(set(acknowledged.values()) - existing),
        "retries_answered": len(retried), "retries_failed": failed_retries,
        "retry_answer_differs_from_ack": changed,
        "cases_for_the_keys": cases.count(),
        "duplicates": Case.objects.filter(channel="partner_api").count()
        - _cases_before_crash_run - len(set(retried.values())),
    }


_cases_before_crash_run = 0
_token = ""


def main() -> None:
    global _cases_before_crash_run, _token
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]

    var_dir = Path(tempfile.mkdtemp(prefix="sp-intake-bench-"))
    env = environment(var_dir)
    os.environ.update({k: v for k, v in env.items() if k not in os.environ or k in {
        "DATABASE_URL", "SAFEPASSAGE_VAR_DIR", "SAFEPASSAGE_DATA_KEY_FILE",
        "SAFEPASSAGE_LOG_LEVEL", "DJANGO_SETTINGS_MODULE"}})
    fresh_database(env)
    import django

    django.setup()
    from safepassage.accounts import permissions
    from safepassage.accounts.models import Organisation
    from safepassage.intake import services

    organisation = Organisation.objects.create(name="Bench partner", slug="bench-partner")
    token = _token = services.create_api_token(actor=permissions.OPERATOR,
                                               organisation=organisation, name="bench")
    from django.db import connection

    connection.close()

    rows: list[dict[str, Any]] = []
    print("raw inserts…", file=sys.stderr)
    one, fifty = raw_insert_rates(min(args.seconds, 10))
    blank = {"p50_ms": "", "p99_ms": "", "ratio": "", "server_cpu_ms_per_registration": "",
             "projected_rate_on_2_free_cores": "", "errors_or_timeouts": ""}
    rows.append({"measure": "PostgreSQL single-row INSERT+COMMIT, 1 connection (psycopg)",
                 "rate_per_s": round(one)} | {k: v for k, v in blank.items()})
    rows.append({"measure": f"PostgreSQL single-row INSERT+COMMIT, {CLIENTS} connections",
                 "rate_per_s": round(fifty)} | {k: v for k, v in blank.items()})

    port = free_port()
    server = start_server(env, port)
    checker = start_checker(env)
    checks: list[str] = []
    try:
        for label, path, batch in (
            ("API: one household per request", "/api/v1/registrations/", 1),
            ("API: batches of 100 households", "/api/v1/registrations/batch/", 100),
        ):
            print(f"{label}…", file=sys.stderr)
            backends = checker_backends()
            cpu_before = server_cpu_seconds(server.pid, checker=backends)
            checker_before = server_cpu_seconds(checker.pid, checker=backends, of_checker=True)
            result = load(port, token, args.seconds, path=path, batch=batch,
                          start=1_000_000 * batch)
            backends |= checker_backends()  # the checker keeps its connection; in case not
            cpu = server_cpu_seconds(server.pid, checker=backends) - cpu_before
            per_registration = 1000 * cpu / max(result["registrations"], 1)
            result["cpu_ms_per_registration"] = per_registration
            checker_cpu = server_cpu_seconds(checker.pid, checker=backends,
                                             of_checker=True) - checker_before
            checks.append(f"{label.split(': ')[1]}: {pending_checks()} duplicate checks "
                          f"waiting at the end, checker CPU {checker_cpu:.1f} s (its "
                          "PostgreSQL backend included)")
            rows.append({
                "measure": f"{label}, {CLIENTS} clients, "
                           f"gunicorn {WORKERS} workers x {THREADS} threads",
                "rate_per_s": round(result["rate"], 1),
                "p50_ms": round(result["p50_ms"], 1), "p99_ms": round(result["p99_ms"], 1),
                "ratio": f"{result['rate'] / one:.2f} of 1-conn raw, "
                         f"{result['rate'] / fifty:.2f} of {CLIENTS}-conn raw",
                "server_cpu_ms_per_registration": round(per_registration, 1),
                "projected_rate_on_2_free_cores": round(2000 / per_registration),
                "errors_or_timeouts": result["errors"],
            })
            print(result, checks[-1], file=sys.stderr)
        os.killpg(checker.pid, signal.SIGTERM)
        checker.wait()
        print("API floor (reads)…", file=sys.stderr)
        from safepassage.registry.models import Case

        reference = Case.objects.filter(channel="partner_api").values_list(
            "reference", flat=True).first()
        connection.close()
        cpu_before = server_cpu_seconds(server.pid)
        floor = read_floor(port, token, min(args.seconds, 10), str(reference))
        reads = floor["rate"] * min(args.seconds, 10)
        per_read = 1000 * (server_cpu_seconds(server.pid) - cpu_before) / max(reads, 1)
        rows.append(blank | {
            "measure": f"API floor: GET one referral's status (token check + one read, no "
                       f"write), {CLIENTS} clients",
            "rate_per_s": round(floor["rate"], 1), "p50_ms": round(floor["p50_ms"], 1),
            "p99_ms": round(floor["p99_ms"], 1),
            "server_cpu_ms_per_registration": f"{per_read:.1f} per read",
            "projected_rate_on_2_free_cores": round(2000 / per_read),
        })
        print(floor, file=sys.stderr)
    finally:
        for process in (server, checker):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait()

    print("CSV import…", file=sys.stderr)
    csv_path = var_dir / "referrals.csv"
    make_csv(csv_path, args.rows)
    started = time.perf_counter()
    import resource

    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    db_before = server_cpu_seconds(None)
    done = subprocess.run([VENV_BIN / "safepassage", "import", str(csv_path), "--org",
                           "Bench partner", "--json"], env=env, capture_output=True, text=True,
                          check=True)
    elapsed = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    import_cpu = (children.ru_utime + children.ru_stime - children_before.ru_utime
                  - children_before.ru_stime) + server_cpu_seconds(None) - db_before
    summary = json.loads(done.stdout)
    rows.append(blank | {
        "measure": f"CSV import of {args.rows:,} rows (safepassage import, "
                   f"{services.IMPORT_PROCESSES} worker processes)",
        "rate_per_s": round(args.rows / elapsed),
        "ratio": f"{elapsed:.1f} s; imported {summary['imported']}, quarantined "
                 f"{summary['quarantined']}",
        "server_cpu_ms_per_registration":
            f"{1000 * import_cpu / args.rows:.2f} per row (import processes, workers included)",
        "projected_rate_on_2_free_cores":
            f"{args.rows / import_cpu:.0f} rows/s of import CPU "
            "(workers included, DB CPU not counted)",
    })

    print("crash run…", file=sys.stderr)
    from safepassage.registry.models import Case

    _cases_before_crash_run = Case.objects.filter(channel="partner_api").count()
    connection.close()
    crash = crash_run(env, token, min(args.seconds, 12))
    rows.append(blank | {
        "measure": "Crash run: kill -9 gunicorn mid-load, restart, retry every key",
        "rate_per_s": "", "ratio": ", ".join(f"{k} {v}" for k, v in crash.items())})

    from bench.record import write_results

    write_results("intake", rows, notes=(
        f"1-minute load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the "
        "end (2 cores; other work on the machine lowers every figure). The load generator "
        "(50 Python threads) runs on the same 2 cores as gunicorn and PostgreSQL. "
        "Each API registration = 1 household of 1 to 5 people, with raw submission kept, "
        "encryption of every personal field, blind indexes, audit entry and idempotency record, "
        "in two commits. Its duplicate check runs after the commit in a process of its own "
        "(a worker of the background runner, `safepassage run-tasks --queue-name default`, "
        "niced), "
        "not counted in the server CPU, nor is its PostgreSQL backend (told apart by its "
        "application_name); " + "; ".join(checks) + ". The generated names come "
        "from small lists, so each new person shares blocking keys with hundreds: a harsh case "
        "for the check. "
        "Crash run: requests without external_id, so only the Idempotency-Key protects against "
        "duplicates."))


if __name__ == "__main__":
    main()
