"""`safepassage place-file INSTANCE.json --out PLACEMENT.json`: the optimiser on a file, no
database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.resettlement.placement import (
    InstanceError,
    parse_instance,
    place_families,
    placement_as_json,
)


class Command(BaseCommand):
    help = "Place families with places from a JSON instance; write the placement as JSON."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("instance", type=Path)
        parser.add_argument("--out", type=Path, required=True, help="where to write the placement")
        parser.add_argument("--time-limit", type=float, default=25.0, help="seconds (default 25)")
        parser.add_argument("--reasons", action="store_true",
                            help="also write each placement's reasons (score, rules met)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = json.loads(options["instance"].read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(
                f"Cannot read {options['instance']}: {exc.strerror}.", returncode=2) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            detail = (f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
                      if isinstance(exc, json.JSONDecodeError) else "not UTF-8 text")
            raise CommandError(
                f"{options['instance']} is not valid JSON ({detail}).", returncode=2) from None
        try:
            instance = parse_instance(data)
        except InstanceError as exc:
            raise CommandError(f"{options['instance']}: {exc}", returncode=2) from None
        placement = place_families(instance.families, instance.places, instance.scores,
                                   time_limit=options["time_limit"])
        result = placement_as_json(instance, placement, reasons=options["reasons"])
        try:
            options["out"].write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
        except OSError as exc:
            raise CommandError(
                f"Cannot write {options['out']}: {exc.strerror}.", returncode=2) from None
        self.stdout.write(placement.summary())
