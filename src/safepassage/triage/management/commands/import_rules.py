"""`safepassage import-rules FILE.yaml [--publish] [--rescore]`: load a rule set from YAML."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.accounts import permissions
from safepassage.triage import services
from safepassage.triage.rulebook import RuleSetError


class Command(BaseCommand):
    help = ("Import a rule set from a YAML file as a draft; --publish makes it the next version "
            "in force, --rescore then re-scores every case.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--publish", action="store_true",
                            help="publish the imported rules as the next version, in force")
        parser.add_argument("--rescore", action="store_true",
                            help="re-score every case afterwards (implies --publish)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: cannot read it as UTF-8 text ({exc}).") from exc
        publish = options["publish"] or options["rescore"]
        try:
            rule_set = services.import_rule_set(actor=permissions.OPERATOR, text=text,
                                                publish=publish)
        except RuleSetError as exc:
            raise CommandError(f"{path}: nothing imported.\n  " + "\n  ".join(exc.problems)
                               ) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        rules = rule_set.rules.count()
        if rule_set.is_published:
            self.stdout.write(f"Imported {rules} rules as version {rule_set.version}, in force.")
        else:
            self.stdout.write(f"Imported {rules} rules as draft {rule_set.pk}; publish it in "
                              "the staff UI (Rules) or import again with --publish.")
        if options["rescore"]:
            self.stdout.write(str(services.rescore_cases(actor=permissions.OPERATOR)))
