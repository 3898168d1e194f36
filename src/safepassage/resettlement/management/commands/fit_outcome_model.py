"""`safepassage fit-outcome-model FILE.csv [--out MODEL.json]`: fit the explainable outcome model
on past arrivals (resettlement.outcomes, decision 0067); every bad line is reported with its
line, field and reason, and left out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.resettlement import outcomes


class Command(BaseCommand):
    help = ("Fit the outcome model (logistic regression) on a CSV of past arrivals: children, "
            "adults, seniors, languages, needs, place, outcome (yes/no at 90 days).")
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--out", type=Path, help="write the fitted model as JSON here")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = options["file"].read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}.",
                               returncode=2) from None
        except UnicodeDecodeError:
            raise CommandError(f"{options['file']} is not UTF-8 text.", returncode=2) from None
        read = outcomes.read_csv(text)
        for bad in read.rejected:
            self.stderr.write(f"line {bad.line}, {bad.field}: {bad.reason}")
        if read.rejected_count > len(read.rejected):
            self.stderr.write(f"... and {read.rejected_count - len(read.rejected)} more")
        try:
            model = outcomes.fit(read.arrivals)
        except outcomes.NotEnoughRows as exc:
            raise CommandError(str(exc), returncode=2) from None
        auc = "n/a" if model.held_out_auc is None else f"{model.held_out_auc:.3f}"
        self.stdout.write(
            f"Fitted on {model.rows} rows ({read.rejected_count} rejected); held out "
            f"{model.held_out_rows}: accuracy {model.held_out_accuracy:.3f}, AUC {auc}.")
        for name, value in sorted(model.coefficients.items(), key=lambda t: -abs(t[1])):
            self.stdout.write(f"  {value:+.3f}  {name}")
        if options["out"]:
            options["out"].write_text(json.dumps(model.as_json(), indent=1) + "\n",
                                      encoding="utf-8")
