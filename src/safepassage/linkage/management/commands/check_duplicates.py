"""`safepassage check-duplicates`: run the instant duplicate checks still waiting (after a
restart, or beside the web processes); with --follow, keep working them as registrations come
(the process of SAFEPASSAGE_DUPLICATE_CHECK=worker)."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from safepassage.linkage import services


class Command(BaseCommand):
    help = "Check the registrations still waiting for their duplicate check, then stop."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--follow", action="store_true",
            help="keep running and check new registrations as they come, until SIGTERM or "
                 "Ctrl-C (with SAFEPASSAGE_DUPLICATE_CHECK=worker)")
        parser.add_argument("--poll", type=float, default=1.0,
                            help="seconds between looks when nothing is waiting (--follow)")
        parser.add_argument("--nice", type=int, default=10,
                            help="lower this process's CPU priority by this much (--follow), "
                                 "so that registrations are answered first")

    def handle(self, *args: Any, **options: Any) -> None:
        waiting = services.pending_checks()
        if not options["follow"]:
            done = services.run_pending_checks()
            self.stdout.write(f"checked {done} registrations ({waiting} were waiting)")
            return
        with contextlib.suppress(OSError):
            os.nice(options["nice"])
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write(f"checking registrations as they come ({waiting} waiting)")
        self.stdout.flush()
        done = services.follow_pending_checks(stop=stop, poll_seconds=options["poll"])
        self.stdout.write(f"checked {done} registrations; stopped")
