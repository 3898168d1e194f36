"""Dashboard render time at 100k and 1M registrations on PostgreSQL (database sp_dashboard_bench).

Registrations are bulk-inserted with SQL (households, people, cases and their status history,
minimal rows: one encrypted given name shared by every generated person), not through
register_households, which would take hours at a million: the dashboard reads aggregates only,
so how the rows got there does not change what it measures. Then the page is rendered through
Django's test client (server time) and, with --browser, loaded in Chromium from a live server.

    PYTHONPATH=src:. .venv/bin/python -m bench.dashboard [--sizes 100000 1000000] [--browser]
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import time
from typing import Any

PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = "sp_dashboard_bench"
os.environ["DATABASE_URL"] = f"{PG_SERVER}/{DATABASE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safepassage.settings")

# Status shares of a big operation some weeks in: most still waiting, some flown out.
STATUS_WEIGHTS = [
    ("registered", 45), ("under_review", 15), ("eligible", 10), ("ineligible", 3),
    ("approved", 7), ("manifested", 2), ("boarded", 1), ("arrived", 2), ("resettled", 6),
    ("on_hold", 2), ("withdrawn", 2), ("no_show", 1), ("left_behind", 4),
]
BENCH_PASSWORD = secrets.token_urlsafe(16)  # a new one every run
CATEGORIES = ["citizen", "permanent_resident", "family_of_citizen", "interpreter",
              "former_employee", "human_rights_defender", "journalist", "woman_leader",
              "persecuted_minority", "other"]


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              [DATABASE]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')


def _status_case() -> str:
    total = sum(w for _s, w in STATUS_WEIGHTS)
    parts, running = [], 0
    for status, weight in STATUS_WEIGHTS[:-1]:
        running += weight
        parts.append(f"WHEN r < {running / total:.4f} THEN '{status}'")
    return f"CASE {' '.join(parts)} ELSE '{STATUS_WEIGHTS[-1][0]}' END"


def add_registrations(count: int) -> float:
    """Append `count` registered households (cases) with 1-8 people each; returns seconds."""
    from django.db import connection

    from safepassage.registry.demo import organisations
    from safepassage.registry.models import Person

    started = time.monotonic()
    org_ids = [o.pk for o in organisations().values()]
    person_cols, person_vals = [], []
    for f in Person._meta.concrete_fields:
        if f.primary_key or f.name in ("household",):
            continue
        if f.name == "given_name":
            value: Any = f.get_prep_value("Bench")
        elif f.name in ("created_at", "updated_at"):
            value = None  # filled from the case below
        elif f.null:
            value = None
        else:
            default = f.get_default()
            value = f.get_prep_value(default) if default not in (None,) else ""
        person_cols.append(f.column)
        person_vals.append(value)
    with connection.cursor() as cur:
        cur.execute("SELECT coalesce(max(id), 0) FROM registry_household")
        offset = cur.fetchone()[0]
        cur.execute("DROP TABLE IF EXISTS bench_new")
        cur.execute(f"""
            CREATE UNLOGGED TABLE bench_new AS
            SELECT g + {offset} AS id,
                   1 + floor(random() * random() * 8)::int AS size,
                   (ARRAY{CATEGORIES!r})[1 + floor(random() * {len(CATEGORIES)})::int] AS category,
                   CASE WHEN random() < 0.35 THEN NULL
                        ELSE (ARRAY{org_ids!r})[1 + floor(random() * {len(org_ids)})::int]
                   END AS org,
                   timestamptz '2021-08-15 06:00+04:30'
                     + least(-ln(1 - random()) * 90, 400) * interval '1 hour' AS created_at,
                   random() AS r
            FROM generate_series(1, %s) g""", [count])
        cur.execute(f"ALTER TABLE bench_new ADD COLUMN status text; "
                    f"UPDATE bench_new SET status = {_status_case()}")
        cur.execute("INSERT INTO registry_household (id, created_at, head_id) "
                    "SELECT id, created_at, NULL FROM bench_new")
        cur.execute("SELECT setval(pg_get_serial_sequence('registry_household', 'id'), "
                    "(SELECT max(id) FROM registry_household))")
        cols = ", ".join(["household_id", *person_cols])
        placeholders = ", ".join(
            "n.created_at" if c in ("created_at", "updated_at") else "%s" for c in person_cols
        )
        params = [v for c, v in zip(person_cols, person_vals, strict=True)
                  if c not in ("created_at", "updated_at")]
        cur.execute(f"INSERT INTO registry_person ({cols}) "
                    f"SELECT n.id, {placeholders} FROM bench_new n, "
                    f"generate_series(1, n.size)", params)
        cur.execute("""
            INSERT INTO registry_case (reference, household_id, category,
                referring_organisation_id, channel, priority, status, status_changed_at,
                created_at)
            SELECT 'BN-' || lpad(id::text, 10, '0'), id, category, org, 'demo', NULL, status,
                   created_at, created_at FROM bench_new""")
        cur.execute("""
            INSERT INTO registry_statuschange (case_id, from_status, to_status, actor_id, at,
                                               reason)
            SELECT c.id, '', 'registered', NULL::bigint, c.created_at, '' FROM registry_case c
            JOIN bench_new n ON n.id = c.household_id
            UNION ALL
            SELECT c.id, 'manifested', 'boarded', NULL::bigint,
                   c.created_at + (1 + random() * 14) * interval '1 day', ''
            FROM registry_case c JOIN bench_new n ON n.id = c.household_id
            WHERE c.status IN ('boarded', 'arrived', 'resettled')
            UNION ALL
            SELECT c.id, 'arrived', 'resettled', NULL::bigint,
                   c.created_at + (20 + random() * 300) * interval '1 day', ''
            FROM registry_case c JOIN bench_new n ON n.id = c.household_id
            WHERE c.status = 'resettled'""")
        cur.execute("DROP TABLE bench_new")
    connection.close()
    with connection.cursor() as cur:
        for table in ["registry_household", "registry_person", "registry_case",
                      "registry_statuschange"]:
            cur.execute(f"VACUUM ANALYZE {table}")
    return time.monotonic() - started


def reset() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("TRUNCATE registry_statuschange, registry_identifier, registry_case, "
                    "registry_person, registry_household, dashboard_commitment "
                    "RESTART IDENTITY CASCADE")
        cur.execute("TRUNCATE axes_accessattempt, axes_accessfailurelog CASCADE")


def commitments() -> None:
    from safepassage.dashboard.demo import load_demo_commitments
    from safepassage.engagements.demo import load_demo_engagements

    load_demo_engagements()
    load_demo_commitments()


def supervisor() -> Any:
    from safepassage.accounts.models import User
    from safepassage.accounts.services import create_staff_user

    user = User.objects.filter(username="bench-supervisor").first()
    if user is None:
        user, _device = create_staff_user(username="bench-supervisor", password=BENCH_PASSWORD,
                                          role="supervisor")
    user.set_password(BENCH_PASSWORD)
    user.save()
    return user


def server_render(user: Any, runs: int = 5, max_age: float = 60) -> tuple[float, float, int]:
    """Median and best time to render /dashboard/ through Django (queries + template), with
    figures at most `max_age` seconds old (0: computed for the page)."""
    from django.conf import settings
    from django.test import Client

    from tests.conftest import sign_in

    settings.DASHBOARD_MAX_AGE_SECONDS = max_age
    client = sign_in(Client(), user)
    times = []
    size = 0
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get("/dashboard/", HTTP_HOST="127.0.0.1")
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        size = len(response.content)
    return statistics.median(times), min(times), size


def selector_times() -> dict[str, float]:
    from safepassage.dashboard import selectors
    from safepassage.dashboard.models import Commitment

    out = {}
    for name, call in [("case_groups", selectors.case_groups),
                       ("registrations_per_day", selectors.registrations_per_day)]:
        started = time.perf_counter()
        call()
        out[name] = time.perf_counter() - started
    started = time.perf_counter()
    for commitment in Commitment.objects.all():
        selectors.burn_up(commitment.counts)
    out["commitments"] = time.perf_counter() - started
    started = time.perf_counter()
    selectors.compute_snapshot()
    out["snapshot"] = time.perf_counter() - started
    return out


def browser_render(user: Any, runs: int = 3) -> float:
    """Median time from navigation to load of /dashboard/ in Chromium, against runserver."""
    from playwright.sync_api import sync_playwright

    from safepassage.accounts.management.commands.demo_users import current_code

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright runs a loop
    port = 8767
    env = {**os.environ, "PYTHONPATH": "src:."}
    server = subprocess.Popen(
        [sys.executable, "-m", "safepassage.cli", "runserver", f"127.0.0.1:{port}",
         "--noreload"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--no-sandbox"])
            page = browser.new_page()
            for _ in range(60):
                try:
                    page.goto(f"http://127.0.0.1:{port}/accounts/sign-in/?next=/dashboard/")
                    break
                except Exception:  # the server is still starting
                    time.sleep(0.5)
            page.get_by_label("User name").fill(user.username)
            page.get_by_label("Password").fill(BENCH_PASSWORD)
            page.get_by_label("Six-digit code from your authenticator app").fill(
                current_code(user.totpdevice_set.get()))
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state()
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/dashboard/", wait_until="load")
                if not page.url.endswith("/dashboard/"):
                    raise RuntimeError(f"not signed in: {page.url} {page.content()[:2000]}")
                page.get_by_role("img", name="Pipeline funnel (people)").wait_for()
                times.append(time.perf_counter() - started)
            browser.close()
        return statistics.median(times)
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--browser", action="store_true",
                        help="Also time the page in Chromium against runserver.")
    parser.add_argument("--keep", action="store_true",
                        help="Keep the registrations of an earlier run and add only the missing.")
    args = parser.parse_args()
    ensure_database()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    if not args.keep:
        reset()
    commitments()
    user = supervisor()
    from bench.record import write_results
    from safepassage.dashboard import selectors
    from safepassage.registry.models import Case, Person

    rows = []
    have = 0 if not args.keep else Case.objects.count()
    for size in sorted(args.sizes):
        load_s = add_registrations(size - have) if size > have else 0.0
        have = max(size, have)
        cases, people = Case.objects.count(), Person.objects.count()
        parts = selector_times()
        started = time.perf_counter()
        server_render(user, runs=1, max_age=0)
        cold = time.perf_counter() - started
        selectors.compute_snapshot()
        median, best, page_bytes = server_render(user, max_age=60)
        row = {
            "registrations (cases)": f"{cases:,}", "people": f"{people:,}",
            "bulk load s": round(load_s, 1),
            "figures compute s": round(parts["snapshot"], 2),
            "funnel query s": round(parts["case_groups"], 2),
            "per-day query s": round(parts["registrations_per_day"], 2),
            "burn-ups s": round(parts["commitments"], 2),
            "page cold s": round(cold, 2),
            "page median s": round(median, 3), "page best s": round(best, 3),
            "page KiB": round(page_bytes / 1024, 1),
        }
        print(row, flush=True)
        if args.browser:
            selectors.compute_snapshot()
            connection.close()
            row["browser load s"] = round(browser_render(user), 3)
        rows.append(row)
        print(row, flush=True)
    write_results(
        "dashboard", rows,
        notes=("PostgreSQL on the same machine (database sp_dashboard_bench), after VACUUM "
               "ANALYZE. Rows bulk-inserted with SQL: 1-8 people a household (mean about 3), "
               "statuses spread along the pipeline. Render = GET /dashboard/ through Django's "
               "test client, median of 5 after one warm-up; browser = Chromium navigation to "
               "load against `runserver`, median of 3. The 2-core machine was shared with "
               "seven other engineers' tests and benchmarks while this ran."),
    )


if __name__ == "__main__":
    main()
