"""`safepassage plan --as USER`: plan manifests in the database, as the officer's button does."""

from collections import Counter
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.accounts.models import User
from safepassage.airlift.planner import UNPLACED_REASONS
from safepassage.airlift.services import DEFAULT_TIME_LIMIT, plan_manifests


class Command(BaseCommand):
    help = "Plan approved, ready households onto the open flights; print the plan's figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as", dest="username", default="airlift-officer",
                            help="the airlift officer acting (default: airlift-officer)")
        parser.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}; name an airlift officer "
                               "with --as (see `safepassage demo-users`).")
        try:
            run = plan_manifests(actor=user, time_limit=options["time_limit"])
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"objective {run.objective:.0f}, LP bound {run.bound:.0f} "
            f"({run.percent_of_bound:.2f}% of bound), {run.households_placed} households placed, "
            f"{run.seconds:.2f} s"
        )
        for move in run.moves:
            self.stdout.write(f"  {move['case']}: {move['from']} -> {move['to'] or 'no flight'}")
        left = Counter(row["reason"] for row in run.unplaced)
        if left:
            self.stdout.write("not placed: " + ", ".join(
                f"{n} {UNPLACED_REASONS[reason]}" for reason, n in sorted(left.items())))
        for row in run.unplaced:
            missing = f" (missing: {', '.join(row['missing'])})" if row.get("missing") else ""
            self.stdout.write(f"  {row['case']}: {UNPLACED_REASONS[row['reason']]}{missing}")
