"""`safepassage demo-engagements`: the end of the demo story as the operations picture shows it:
the diplomatic log, the public commitments and, if asked, the evacuation itself. It lives in the
dashboard app, the one above both engagements and airlift."""

from typing import Any

from django.core.management.base import CommandParser

from safepassage.accounts.demo import DemoCommand
from safepassage.dashboard.demo import evacuate_demo_cases, load_demo_commitments
from safepassage.engagements.demo import load_demo_engagements


class Command(DemoCommand):
    help = ("Record the demo meetings (first contact, 13 Doha meetings) and the commitments; "
            "with --evacuate-if-none, fly out demo cases if nobody has boarded yet.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--evacuate-if-none", action="store_true",
                            help="Walk approved demo cases to boarded/arrived/resettled (about "
                                 "3,700 people), if no case has boarded yet.")

    def handle(self, *args: Any, **options: Any) -> None:
        meetings = load_demo_engagements()
        self.stdout.write(f"Recorded {meetings} demo meetings (0: the log was not empty).")
        load_demo_commitments()
        if options["evacuate_if_none"]:
            flown = evacuate_demo_cases()
            self.stdout.write(f"Flew out {flown} demo people (0: someone had boarded already).")
