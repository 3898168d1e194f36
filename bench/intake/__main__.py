"""Intake under load (issue 22): single submissions accepted through the partner API
(gunicorn + PostgreSQL), the load from `wrk` with a Lua script sending realistic households with
unique Idempotency-Keys, against a reference (a bare Django view on the same gunicorn and the
same PostgreSQL that stores the raw body in one INSERT and answers 202); then the backlog
registered by the worker, a fixed offered load at half the maximum from `httperf --rate`
(open loop) with the worker running, the time from accepted to registered, a crash run (SIGKILL
of gunicorn and the worker under load, then a count of what was accepted and never registered,
or registered twice) and a CSV import.

    PYTHONPATH=src:. .venv/bin/python -m bench.intake [--seconds 20] [--rows 100000]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
DB_NAME = "sp_intake_bench"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
CLIENTS = 50
WORKERS, THREADS = 4, 4
HERE = Path(__file__).resolve().parent
LUA = HERE / "households.lua"
ONE = "/api/v1/registrations/"
REFERENCE = "/bench/reference/"
_token = ""  # the partner's API token, set by main()

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
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}", "DJANGO_SETTINGS_MODULE": "bench.intake.settings",
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


def start_server(env: dict[str, str], port: int, access_log: Path) -> subprocess.Popen[bytes]:
    """gunicorn as deployed, with an access log of each request's time in the worker (%(D)s,
    microseconds): the fixed-rate run's p99 is read from it (httperf gives no percentiles)."""
    server = subprocess.Popen(
        [VENV_BIN / "gunicorn", "bench.intake.settings_wsgi:application",
         "-b", f"127.0.0.1:{port}", "-w", str(WORKERS), "-k", "gthread", "--threads",
         str(THREADS), "--keep-alive", "30", "--log-level", "warning", "--preload",
         "--timeout", "120", "--backlog", "2048", "--access-logfile", str(access_log),
         "--access-logformat", "%(m)s %(U)s %(s)s %(D)s"],
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

    def warm() -> None:  # every worker and thread loads its code and opens its connection
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


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """The background runner's workers as `make run` and a deployment start them: one for the
    `intake` queue (registrations, decision 0092) and, niced, one for `default` (duplicate
    checks, dashboard), in one process group."""
    return subprocess.Popen(
        ["sh", "-c", f"nice -n 10 {VENV_BIN}/safepassage run-tasks --queue-name default & "
                     f"exec {VENV_BIN}/safepassage run-tasks --queue-name intake --interval 0.2"],
        env=env | {"PGAPPNAME": CHECKER_APP}, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill_group(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        process.wait()


def wrk(port: int, path: str, seconds: float, prefix: str) -> dict[str, Any]:
    """wrk, 2 threads and 50 connections, each request a new household with its own key."""
    done = subprocess.run(
        ["wrk", "-t2", f"-c{CLIENTS}", f"-d{int(seconds)}s", "--timeout", "10s", "-s", str(LUA),
         "-H", f"Authorization: Bearer {_token}", f"http://127.0.0.1:{port}{path}", "--",
         prefix], capture_output=True, text=True, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRKJSON "))
    found = json.loads(line.removeprefix("WRKJSON "))
    seconds_run = found["duration_us"] / 1e6
    errors = sum(found[k] for k in ("status_errors", "connect_errors", "read_errors",
                                    "write_errors", "timeouts"))
    return {"rate": found["requests"] / seconds_run, "requests": found["requests"],
            "p50_ms": found["p50_us"] / 1000, "p99_ms": found["p99_us"] / 1000,
            "max_ms": found["max_us"] / 1000, "errors": errors}


def httperf_sessions(path: Path, count: int, start: int) -> tuple[int, int]:
    """A session log for httperf: each request a new household (no Idempotency-Key: httperf
    sends the same headers with every request; the bodies differ). httperf reads at most 1,000
    sessions from a file, so past 1,000 requests each session sends several, one a second
    (`think=1`). The sessions and the requests in each."""
    per_session = -(-count // 1000)
    sessions = -(-count // per_session)
    rng = random.Random(start)
    n = start
    with path.open("w", encoding="utf-8") as f:
        for _session in range(sessions):
            for k in range(per_session):
                body = json.dumps(household(n, rng=rng), ensure_ascii=False,
                                  separators=(",", ":"))
                think = " think=1.0" if k < per_session - 1 else ""
                f.write(f"{ONE} method=POST contents='{body}'{think}\n")
                n += 1
            f.write("\n")
    return sessions, per_session


def httperf(port: int, rate: float, seconds: float, sessions: Path, count: int,
            ) -> dict[str, Any]:
    """An open-loop offered load: new connections at `rate` a second whatever the answers."""
    done = subprocess.run(
        ["httperf", "--hog", "--server", "127.0.0.1", "--port", str(port), "--rate",
         f"{rate:.1f}", "--wsesslog", f"{count},0,{sessions}", "--timeout", "10",
         "--add-header", f"Authorization: Bearer {_token}\\nContent-Type: application/json\\n"],
        capture_output=True, text=True, check=False, timeout=seconds * 4 + 120)
    out = done.stdout
    (sessions.parent / "httperf.out").write_text(out + done.stderr)
    if "replies" not in out:
        print(f"httperf failed ({done.returncode}): {done.stderr[-2000:]}", file=sys.stderr)

    def figure(pattern: str) -> float:
        found = re.search(pattern, out)
        return float(found.group(1)) if found else float("nan")

    return {
        "replies": figure(r"replies (\d+)"), "duration_s": figure(r"test-duration ([\d.]+)"),
        "request_rate": figure(r"Request rate: ([\d.]+)"),
        "connection_median_ms": figure(r"Connection time \[ms\]: min [\d.]+ avg [\d.]+ max "
                                       r"[\d.]+ median ([\d.]+)"),
        "connection_max_ms": figure(r"Connection time \[ms\]: min [\d.]+ avg [\d.]+ max "
                                    r"([\d.]+)"),
        "status_2xx": figure(r"2xx=(\d+)"), "status_4xx": figure(r"4xx=(\d+)"),
        "status_5xx": figure(r"5xx=(\d+)"), "errors": figure(r"Errors: total (\d+)"),
    }


def access_log_times(log: Path, *, after: int, path: str) -> list[float]:
    """Milliseconds spent in gunicorn's worker by each request to `path` logged after byte
    `after` of the access log."""
    times = []
    with log.open("rb") as f:
        f.seek(after)
        for line in f.read().decode("utf-8", "replace").splitlines():
            parts = line.split()
            if len(parts) == 4 and parts[1] == path and parts[3].isdigit():
                times.append(int(parts[3]) / 1000)
    return times


def household(n: int, *, rng: random.Random | None = None) -> dict[str, Any]:
    """As the Lua script builds them: 1 to 5 people, the head with phone, tazkira and a name in
    Dari script, relationship words as people write them."""
    rng = rng or random.Random(n)
    family = rng.choice(FAMILY)
    members = []
    for k in range(rng.randint(1, 5)):
        member = {
            "external_id": f"H-{n}-{k}", "given_name": rng.choice(GIVEN), "family_name": family,
            "date_of_birth": rng.choice([str(rng.randint(1340, 1399)), str(rng.randint(1950, 2020)),
                                         f"13{rng.randint(40, 99)}/{rng.randint(1, 12):02d}/"
                                         f"{rng.randint(1, 28):02d}"]),
            "sex": rng.choice(["male", "female"]), "province": rng.choice(PROVINCES),
            "relationship_to_head": "head" if k == 0 else rng.choice(
                ["spouse", "son", "daughter", "child", "mother", "brother"]),
        }
        if k == 0:
            member |= {"phone": rng.choice(["0791234567", "+93 79 123 4567", "0700123456"]),
                       "tazkira_number": f"1400-0101-{n % 100000:05d}",
                       "name_native": rng.choice(["محمد", "احمد", "فرشته", "مریم"])}
        members.append(member)
    return {"category": rng.choice(["interpreter", "journalist", "former_employee"]),
            "members": members}


def sql(query: str) -> Any:
    import psycopg

    with psycopg.connect(DB_URL, autocommit=True) as conn:
        row = conn.execute(query).fetchone()
    return row[0] if row else None


def received() -> int:
    return int(sql("SELECT count(*) FROM intake_rawsubmission WHERE public_id IS NOT NULL "
                   "AND outcome = 'received'"))


def people() -> int:
    return int(sql("SELECT count(*) FROM registry_person"))


def accepted_to_registered(since_id: int) -> dict[str, float]:
    """p50 and p99 of processed_at - received_at (ms) of the submissions after `since_id`."""
    import psycopg

    with psycopg.connect(DB_URL, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT EXTRACT(EPOCH FROM processed_at - received_at) * 1000 FROM "
            "intake_rawsubmission WHERE id > %s AND public_id IS NOT NULL AND processed_at IS "
            "NOT NULL ORDER BY 1", (since_id,)).fetchall()
    values = [float(r[0]) for r in rows]
    if not values:
        return {"p50_ms": float("nan"), "p99_ms": float("nan"), "n": 0}
    return {"p50_ms": statistics.median(values), "p99_ms": values[int(0.99 * (len(values) - 1))],
            "n": len(values)}


def drain(seconds: float) -> float:
    """Wait until no accepted submission is left received; the seconds it took."""
    started = time.perf_counter()
    while received() and time.perf_counter() - started < seconds:
        time.sleep(0.2)
    return time.perf_counter() - started


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



def crash_run(env: dict[str, str], port: int, access_log: Path, seconds: float,
              ) -> dict[str, Any]:
    """Load from wrk with the worker running; SIGKILL gunicorn (every process) and the worker
    half way; restart both; let the worker finish. Then count: submissions accepted (a row
    committed: every 202 answered has one) and never registered, and households registered
    twice (cases beyond one per registered submission, people sharing an external id)."""
    cases_before = int(sql("SELECT count(*) FROM registry_case"))
    submissions_before = int(sql("SELECT coalesce(max(id), 0) FROM intake_rawsubmission"))
    server = start_server(env, port, access_log)
    worker = start_worker(env)
    while not sql("SELECT count(*) FROM runner_worker"):
        time.sleep(0.05)  # up: the kill falls while it registers, not while it starts
    load = subprocess.Popen(
        ["wrk", "-t2", f"-c{CLIENTS}", f"-d{int(seconds)}s", "--timeout", "5s", "-s", str(LUA),
         "-H", f"Authorization: Bearer {_token}", f"http://127.0.0.1:{port}{ONE}", "--",
         "crash"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started = time.perf_counter()
    while time.perf_counter() - started < seconds - 1 and not (
            time.perf_counter() - started >= seconds / 2 and int(sql(
                f"SELECT count(*) FROM intake_rawsubmission WHERE id > {submissions_before} "
                "AND public_id IS NOT NULL AND outcome <> 'received'"))):
        time.sleep(0.1)
    registered_at_kill = int(sql(
        f"SELECT count(*) FROM intake_rawsubmission WHERE id > {submissions_before} "
        "AND public_id IS NOT NULL AND outcome <> 'received'"))
    kill_group(server, signal.SIGKILL)
    kill_group(worker, signal.SIGKILL)
    load.wait()
    accepted_at_kill = int(sql(f"SELECT count(*) FROM intake_rawsubmission WHERE id > "
                               f"{submissions_before} AND public_id IS NOT NULL"))
    left_at_kill = received()
    server = start_server(env, port, access_log)
    worker = start_worker(env)
    try:
        drain(600)
    finally:
        kill_group(worker)
        kill_group(server)
    accepted = int(sql(f"SELECT count(*) FROM intake_rawsubmission WHERE id > "
                       f"{submissions_before} AND public_id IS NOT NULL"))
    never = int(sql(f"SELECT count(*) FROM intake_rawsubmission WHERE id > {submissions_before}"
                    " AND public_id IS NOT NULL AND outcome = 'received'"))
    registered_submissions = int(sql(
        f"SELECT count(*) FROM intake_rawsubmission WHERE id > {submissions_before} AND "
        "public_id IS NOT NULL AND outcome = 'registered'"))
    cases = int(sql("SELECT count(*) FROM registry_case")) - cases_before
    twice_ids = int(sql("SELECT count(*) FROM (SELECT external_id FROM intake_externalreference "
                        "GROUP BY organisation_id, external_id HAVING count(*) > 1) AS t"))
    return {"accepted": accepted, "accepted before the kill": accepted_at_kill,
            "registered before the kill": registered_at_kill,
            "received at the kill": left_at_kill,
            "accepted never registered": never,
            "registered twice": max(cases - registered_submissions, 0) + twice_ids,
            "other outcomes": accepted - never - registered_submissions}


def main() -> None:
    global _token
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    for tool in ("wrk", "httperf"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: run scripts/install-system-packages")
    load_before = os.getloadavg()
    cpu_started = time.process_time()

    var_dir = Path(tempfile.mkdtemp(prefix="sp-intake-bench-"))
    env = environment(var_dir)
    # The shared cache of an operation (decision 0028): Redis, for the rate limits' counts.
    redis = None
    if shutil.which("redis-server"):
        redis_port = free_port()
        redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--save", "",
                                  "--appendonly", "no"], stdout=subprocess.DEVNULL)
        env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
        time.sleep(0.5)
    os.environ.update({k: v for k, v in env.items() if k not in os.environ or k in {
        "DATABASE_URL", "SAFEPASSAGE_VAR_DIR", "SAFEPASSAGE_DATA_KEY_FILE",
        "SAFEPASSAGE_LOG_LEVEL", "DJANGO_SETTINGS_MODULE", "REDIS_URL"}})
    fresh_database(env)
    import django

    django.setup()
    from django.db import connection

    from bench.intake.reference import TABLE
    from safepassage.accounts import permissions
    from safepassage.accounts.models import Organisation
    from safepassage.intake import services

    organisation = Organisation.objects.create(name="Bench partner", slug="bench-partner")
    _token = services.create_api_token(actor=permissions.OPERATOR, organisation=organisation,
                                       name="bench")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {TABLE} (id bigserial PRIMARY KEY, body text NOT NULL, "
                       "received_at timestamptz NOT NULL DEFAULT now())")
    connection.close()

    blank = {"rate_per_s": "", "p50_ms": "", "p99_ms": "", "ratio": "",
             "server_cpu_ms_per_request": "", "errors_or_timeouts": "", "load_average": ""}
    rows: list[dict[str, Any]] = []

    def row(measure: str, **values: Any) -> None:
        rows.append({"measure": measure} | blank | values
                    | {"load_average": f"{os.getloadavg()[0]:.1f}"})
        print(rows[-1], file=sys.stderr, flush=True)

    print("raw inserts…", file=sys.stderr)
    one, fifty = raw_insert_rates(min(args.seconds, 10))
    row("PostgreSQL single-row INSERT+COMMIT, 1 connection (psycopg)", rate_per_s=round(one))
    row(f"PostgreSQL single-row INSERT+COMMIT, {CLIENTS} connections", rate_per_s=round(fifty))

    port = free_port()
    access_log = var_dir / "access.log"
    server = start_server(env, port, access_log)
    gunicorn = f"gunicorn {WORKERS} workers x {THREADS} threads, wrk 2 threads {CLIENTS} conns"
    try:
        print("reference…", file=sys.stderr)
        cpu = server_cpu_seconds(server.pid)
        reference = wrk(port, REFERENCE, args.seconds, "reference")
        per = 1000 * (server_cpu_seconds(server.pid) - cpu) / max(reference["requests"], 1)
        row(f"Reference: bare Django view, raw body in one INSERT, 202 ({gunicorn})",
            rate_per_s=round(reference["rate"], 1), p50_ms=round(reference["p50_ms"], 1),
            p99_ms=round(reference["p99_ms"], 1), server_cpu_ms_per_request=round(per, 2),
            errors_or_timeouts=reference["errors"])

        print("accept, no worker…", file=sys.stderr)
        cpu = server_cpu_seconds(server.pid)
        accepted = wrk(port, ONE, args.seconds, "accept")
        per = 1000 * (server_cpu_seconds(server.pid) - cpu) / max(accepted["requests"], 1)
        row(f"API: one household per request, accepted (202) ({gunicorn})",
            rate_per_s=round(accepted["rate"], 1), p50_ms=round(accepted["p50_ms"], 1),
            p99_ms=round(accepted["p99_ms"], 1),
            ratio=f"{accepted['rate'] / reference['rate']:.2f} of the reference",
            server_cpu_ms_per_request=round(per, 2), errors_or_timeouts=accepted["errors"])

        print("backlog…", file=sys.stderr)
        worker = start_worker(env)
        try:
            # Timed from the moment the worker is up (its heartbeat row): not its start-up.
            while not sql("SELECT count(*) FROM runner_worker"):
                time.sleep(0.05)
            backlog, people_before = received(), people()
            cpu = server_cpu_seconds(worker.pid)
            elapsed = drain(900)
            worker_cpu = server_cpu_seconds(worker.pid) - cpu
            registered_people = people() - people_before
            row(f"Backlog of {backlog} accepted submissions registered by one worker "
                "(safepassage run-tasks), timed from the worker's first heartbeat",
                rate_per_s=f"{registered_people / elapsed:.0f} people/s "
                           f"({backlog / elapsed:.0f} households/s)",
                ratio=f"{registered_people} people in {elapsed:.1f} s",
                server_cpu_ms_per_request=f"{1000 * worker_cpu / max(backlog, 1):.2f} "
                                          "per household (worker and its PostgreSQL backend, "
                                          "the runner's other due tasks included)")
            sessions_path = var_dir / "sessions.log"
            rate = accepted["rate"] / 2
            sessions, per_session = httperf_sessions(sessions_path, int(rate * args.seconds),
                                                     start=10_000_000)
            print(f"fixed rate {rate:.0f}/s…", file=sys.stderr)
            since = int(sql("SELECT coalesce(max(id), 0) FROM intake_rawsubmission"))
            log_at = access_log.stat().st_size
            fixed = httperf(port, rate / per_session, args.seconds + per_session,
                            sessions_path, sessions)
            drain(300)
            times = sorted(access_log_times(access_log, after=log_at, path=ONE))
            in_worker = {"p50": statistics.median(times) if times else float("nan"),
                         "p99": times[int(0.99 * (len(times) - 1))] if times else float("nan")}
            latency = accepted_to_registered(since)
            row(f"API at a fixed offered load of {rate:.0f}/s (half the maximum; httperf "
                "--rate, open loop), worker running",
                rate_per_s=round(fixed["request_rate"], 1),
                p50_ms=f"{in_worker['p50']:.1f} in gunicorn; httperf connection median "
                       f"{fixed['connection_median_ms']:.1f} ({per_session} requests a "
                       "connection, 1 s apart)",
                p99_ms=f"{in_worker['p99']:.1f} in gunicorn; max {fixed['connection_max_ms']:.0f}"
                       " (httperf, queueing included)",
                ratio=f"2xx {fixed['status_2xx']:.0f}, 4xx {fixed['status_4xx']:.0f}, "
                      f"5xx {fixed['status_5xx']:.0f}",
                errors_or_timeouts=f"{fixed['errors']:.0f}")
            row("Accepted -> registered at that fixed load (processed_at - received_at of each "
                "submission)", p50_ms=round(latency["p50_ms"], 1),
                p99_ms=round(latency["p99_ms"], 1), ratio=f"{latency['n']} submissions")
        finally:
            kill_group(worker)
    finally:
        kill_group(server)

    print("crash run…", file=sys.stderr)
    crash = crash_run(env, port, access_log, min(args.seconds, 16))
    row("Crash run: SIGKILL of gunicorn and the worker under wrk load, both restarted",
        ratio=", ".join(f"{k} {v}" for k, v in crash.items()))

    if args.rows:
        print("CSV import…", file=sys.stderr)
        import resource

        csv_path = var_dir / "referrals.csv"
        make_csv(csv_path, args.rows)
        started = time.perf_counter()
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run([VENV_BIN / "safepassage", "import", str(csv_path), "--org",
                               "Bench partner", "--json"], env=env, capture_output=True,
                              text=True, check=True)
        elapsed = time.perf_counter() - started
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        import_cpu = (children.ru_utime + children.ru_stime - children_before.ru_utime
                      - children_before.ru_stime)
        summary = json.loads(done.stdout)
        row(f"CSV import of {args.rows:,} rows (safepassage import, "
            f"{services.IMPORT_PROCESSES} worker processes)",
            rate_per_s=round(args.rows / elapsed),
            ratio=f"{elapsed:.1f} s; imported {summary['imported']}, quarantined "
                  f"{summary['quarantined']}",
            server_cpu_ms_per_request=f"{1000 * import_cpu / args.rows:.2f} per row "
                                      "(import processes)")

    if redis is not None:
        redis.terminate()
        redis.wait()
    cache = "Redis (REDIS_URL)" if redis is not None else "the database (no redis-server)"
    from bench.record import write_results

    target = ("targets: >= 800 accepted/s, or >= 80% of the reference where it stays under "
              "1,000/s; p99 < 250 ms at half the maximum rate; backlog >= 1,000 people/s; "
              "crash run 0 and 0")
    write_results("intake", rows, notes=(
        f"Load average (1, 5, 15 min) {load_before[0]:.1f}/{load_before[1]:.1f}/"
        f"{load_before[2]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end, on 2 cores "
        "shared with other work: every figure is lower than on a quiet machine. wrk, httperf, "
        "gunicorn, the worker and PostgreSQL all run on these 2 cores. Wall time: rates and "
        "latencies; CPU time: server_cpu_ms_per_request (gunicorn's processes and their "
        "PostgreSQL backends, from /proc); the bench's own CPU "
        f"{time.process_time() - cpu_started:.1f} s. "
        f"The shared cache (rate limits' counts) is {cache}. "
        "An accepted submission (decision 0092) = token check, rate limit, the body's shape "
        "and one household's values checked, the raw body encrypted in one row with its "
        "Idempotency-Key and the idempotency record, the worker woken, 202 with a status URL. "
        "The worker registers them in batches through the batch path (normalisation, household "
        "and case, blind indexes, audit, partner ids); duplicate checks follow in the same "
        "worker. p99 at the fixed load: httperf reports no percentiles, so p99 is the time "
        "each request spent in gunicorn's worker (its access log, %(D)s), and httperf's "
        "maximum connection time (queueing included) bounds every request. " + target + "."))


if __name__ == "__main__":
    main()
