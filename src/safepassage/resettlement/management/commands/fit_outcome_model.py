"""`safepassage fit-outcome-model FILE.csv [--out MODEL.json]`: fit the explainable outcome model
on past arrivals (resettlement.outcomes, decision 0067); every bad line is reported with its
line, field and reason, and left out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.accounts.models import User
from safepassage.resettlement import outcomes, services


class Command(BaseCommand):
    help = ("Fit the outcome model (logistic regression) on a CSV of past arrivals: children, "
            "adults, seniors, languages, needs, place, outcome (yes/no at 90 days).")
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--out", type=Path, help="write the fitted model as JSON here")
        parser.add_argument("--user", help="keep the model as the next version, fitted by this "
                            "staff member (who may resettle cases); without it, fit and print")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = options["file"].read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}.",
                               returncode=2) from None
        except UnicodeDecodeError:
            raise CommandError(f"{options['file']} is not UTF-8 text.", returncode=2) from None
        if options["user"]:
            self._keep(text, options)
            return
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

    def _keep(self, text: str, options: dict[str, Any]) -> None:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No staff member named {options['user']!r}.", returncode=2)
        try:
            model = services.fit_outcome_model(actor=user, text=text,
                                               source_name=options["file"].name)
        except PermissionDenied:
            raise CommandError(f"{user.username} may not fit the outcome model (resettle cases "
                               "is needed).", returncode=2) from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages), returncode=2) from None
        for bad in model.rejected:
            self.stderr.write(f"line {bad['line']}, {bad['field']}: {bad['reason']}")
        auc = "n/a" if model.held_out_auc is None else f"{model.held_out_auc:.3f}"
        self.stdout.write(
            f"Outcome model version {model.version} kept: {model.rows} rows "
            f"({model.rejected_count} rejected); held out {model.held_out_rows}: accuracy "
            f"{model.held_out_accuracy:.3f}, AUC {auc}.")
