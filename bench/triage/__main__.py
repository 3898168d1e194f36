"""Re-scoring speed: cases scored per second under the default rules, on SQLite and PostgreSQL.

For each database: load a synthetic population (demo data and demo circumstances), then time
(1) the first scoring (every assessment created), (2) a re-score with nothing changed,
(3) a re-score after publishing a new version that changes many priorities (every assessment
rewritten, an audit entry per changed case), and (4) a re-score under rules that test no
birth date (so nothing is decrypted). Run: PYTHONPATH=src:. .venv/bin/python -m bench.triage
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from typing import Any

from bench.record import write_results

DATABASES = {
    "SQLite": "sqlite:////tmp/sp-bench-triage.sqlite3",
    "PostgreSQL": "postgres://postgres@127.0.0.1:5432/sp_triage_bench",
}


def measure(households: int) -> list[dict[str, Any]]:
    """In a process whose DATABASE_URL names the database: load, score, re-score."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safepassage.settings")
    django.setup()
    from django.core.management import call_command

    from safepassage.accounts import permissions
    from safepassage.registry.models import Case, Person
    from safepassage.triage import services
    from safepassage.triage.demo import demo_circumstances
    from safepassage.triage.models import Assessment, CaseCircumstance

    call_command("migrate", verbosity=0)
    if Case.objects.count() != households:
        raise SystemExit(f"expected an empty or {households}-case database; start afresh")
    if not CaseCircumstance.objects.exists():
        demo_circumstances()
    Assessment.objects.all().delete()
    Case.objects.update(priority=None)  # every run starts unscored, as after demo-data
    people = Person.objects.count()
    rows = []

    def row(step: str, summary: services.RescoreSummary) -> None:
        rows.append({"step": step, "cases": summary.cases, "people": people,
                     "priorities changed": summary.changed,
                     "seconds": round(summary.seconds, 2),
                     "cases/s": round(summary.cases / summary.seconds)})

    text = services.DEFAULT_RULES_FILE.read_text()
    services.import_rule_set(actor=permissions.OPERATOR, publish=True, text=text)
    row("first scoring", services.rescore_cases(actor=permissions.TRIAGE))
    row("re-score, nothing changed", services.rescore_cases(actor=permissions.TRIAGE))
    services.import_rule_set(actor=permissions.OPERATOR, publish=True,
                             text=text.replace("points: 3", "points: 4")
                             .replace("points: 2", "points: 5"))
    row("re-score after a new version", services.rescore_cases(actor=permissions.TRIAGE))
    # The same rules without the one that tests birth dates: no decryption at all.
    services.import_rule_set(actor=permissions.OPERATOR, publish=True, text=text.replace(
        "any_of: [unaccompanied_minor, all_members_minors]", "any_of: [unaccompanied_minor]"))
    row("re-score, rules without age facts", services.rescore_cases(actor=permissions.TRIAGE))
    return rows


def prepare(url: str, households: int) -> None:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": "src:."}
    if url.startswith("sqlite:"):
        path = url.removeprefix("sqlite:///")
        if os.path.exists(path):
            os.remove(path)
    else:
        name = url.rsplit("/", 1)[1]
        admin = url.rsplit("/", 1)[0] + "/postgres"
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
        subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
    for command in (["migrate", "-v0"], ["demo-data", "--households", str(households)]):
        subprocess.run([sys.executable, "-m", "safepassage.cli", *command], env=env, check=True,
                       stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=20000)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the populations loaded by an earlier run")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.households)))
        return
    rows: list[dict[str, Any]] = []
    for name, url in DATABASES.items():
        if not args.reuse:
            prepare(url, args.households)
        out = subprocess.run(
            [sys.executable, "-m", "bench.triage", "--measure", "--households",
             str(args.households)],
            env={**os.environ, "DATABASE_URL": url, "PYTHONPATH": "src:."}, check=True,
            capture_output=True, text=True,
        ).stdout
        rows += [{"database": name, **r} for r in json.loads(out.strip().splitlines()[-1])]
    write_results("triage", rows, notes=(
        "`safepassage rescore` under the default rules (which use birth dates, so every "
        "person's encrypted birth date is decrypted). Priorities changed = cases whose "
        "Case.priority moved, each with an audit entry. The 2-core machine was shared with "
        "other engineers' test runs and benchmarks while this ran; treat figures as ±30%."))


if __name__ == "__main__":
    main()
