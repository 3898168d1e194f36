"""In-process profile of the accept path (POST /api/v1/registrations/, one household): N
requests through Django's WSGI handler on PostgreSQL, CPU per request of this process and of its
PostgreSQL backend (from /proc), and optionally a cProfile of them.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sp_x PYTHONPATH=src:. \
        .venv/bin/python -m bench.intake.profile_accept [--requests 2000] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any

TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--worker", action="store_true", help="then time the backlog's worker")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safepassage.settings")
    os.environ.setdefault("SAFEPASSAGE_LOG_LEVEL", "WARNING")
    os.environ.setdefault("SAFEPASSAGE_API_REQUESTS_PER_MINUTE", "100000000")
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.db import connection

    from bench.intake.__main__ import household
    from safepassage.accounts import permissions
    from safepassage.accounts.models import Organisation
    from safepassage.intake import services

    call_command("migrate", verbosity=0)
    slug = f"profile-{int(time.time())}"
    organisation = Organisation.objects.create(name=slug, slug=slug)
    token = services.create_api_token(actor=permissions.OPERATOR, organisation=organisation,
                                      name="profile")
    bodies = [json.dumps(household(n), ensure_ascii=False).encode()
              for n in range(args.requests + 1)]
    app = WSGIHandler()

    def post(n: int) -> int:
        body = bodies[n]
        environ: dict[str, Any] = {
            "REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/registrations/", "SCRIPT_NAME": "",
            "QUERY_STRING": "", "SERVER_NAME": "localhost", "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr, "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)), "HTTP_HOST": "localhost",
            "HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_IDEMPOTENCY_KEY": f"{slug}-{n}",
        }
        status: list[str] = []
        for _chunk in app(environ, lambda s, h, *a: status.append(s)):
            pass
        return int(status[0][:3])

    for n in range(min(20, args.requests)):  # warm up: code loaded, connection open
        assert post(n) == 202, n
    if os.environ.get("PROFILE_SHOW_QUERIES"):
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            post(args.requests)
        for query in queries.captured_queries:
            print(query["sql"][:300])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = int(cursor.fetchone()[0])
    profile = cProfile.Profile() if args.profile else None
    cpu, wall, db = time.process_time(), time.perf_counter(), backend_cpu(backend)
    if profile:
        profile.enable()
    for n in range(20, args.requests):
        status = post(n)
        assert status == 202, status
    if profile:
        profile.disable()
    count = args.requests - 20
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    db = backend_cpu(backend) - db
    print(f"{count} requests: {1000 * cpu / count:.2f} ms CPU (Python) + "
          f"{1000 * db / count:.2f} ms CPU (PostgreSQL backend) per request, "
          f"{1000 * wall / count:.2f} ms wall; load {os.getloadavg()[0]:.1f}"
          f"{' (profiled)' if profile else ''}")
    if profile:
        stats = pstats.Stats(profile)
        stats.sort_stats("cumulative").print_stats(int(os.environ.get("PROFILE_LINES", "60")))
        stats.sort_stats("tottime").print_stats(30)
    if args.worker:
        from safepassage.intake.models import RawSubmission

        people = sum(len(json.loads(b)["members"]) for b in bodies)
        cpu, wall, db = time.process_time(), time.perf_counter(), backend_cpu(backend)
        wp = cProfile.Profile() if args.profile else None
        if wp:
            wp.enable()
        done = services.register_accepted_submissions()
        if wp:
            wp.disable()
        cpu, wall, db = (time.process_time() - cpu, time.perf_counter() - wall,
                         backend_cpu(backend) - db)
        print(f"worker: {done} submissions, {people} people in {wall:.1f} s: "
              f"{people / wall:.0f} people/s; CPU {cpu:.1f} s Python + {db:.1f} s PostgreSQL; "
              f"left {RawSubmission.objects.filter(outcome='received').count()}")
        if wp:
            stats = pstats.Stats(wp)
            stats.sort_stats("cumulative").print_stats(50)
            stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
