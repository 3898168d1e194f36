"""`safepassage plan-file INSTANCE.json --out PLAN.json`: the planner on a file, no database."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.airlift.instance import InstanceError, parse_instance, plan_as_json, unplaced
from safepassage.airlift.planner import UNPLACED_REASONS, plan_flights


class Command(BaseCommand):
    help = "Plan households onto flights from a JSON instance; write the plan as JSON."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("instance", type=Path)
        parser.add_argument("--out", type=Path, required=True, help="where to write the plan")
        parser.add_argument("--time-limit", type=float, default=25.0, help="seconds (default 25)")
        parser.add_argument(
            "--move-penalty", type=float, default=None,
            help="with previous assignments: also try moving told households at this cost each",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = json.loads(options["instance"].read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"Cannot read {options['instance']}: {exc.strerror}.") from None
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{options['instance']} is not valid JSON (line {exc.lineno}, column {exc.colno}:"
                f" {exc.msg})."
            ) from None
        try:
            instance = parse_instance(data)
        except InstanceError as exc:
            raise CommandError(f"{options['instance']}: {exc}") from None
        plan = plan_flights(
            instance.households, instance.flights, previous=instance.previous,
            move_penalty=options["move_penalty"], time_limit=options["time_limit"],
        )
        options["out"].write_text(json.dumps(plan_as_json(plan, instance), indent=1) + "\n")
        self.stdout.write(plan.summary())
        left = Counter(row["reason"] for row in unplaced(instance, plan))
        if left:
            self.stdout.write("not placed: " + ", ".join(
                f"{n} {UNPLACED_REASONS[reason]}" for reason, n in sorted(left.items())))
