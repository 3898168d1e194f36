"""`safepassage send-messages`: the outbox worker. Run several at once on PostgreSQL."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from safepassage.messaging.channels import Channel
from safepassage.messaging.delivery import BatchResult, new_worker_id, send_due_messages


class Command(BaseCommand):
    help = "Send the messages waiting in the outbox, with retries; runs until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Send one batch, then stop.")
        parser.add_argument("--until-empty", action="store_true",
                            help="Stop when no message is due.")
        parser.add_argument("--limit", type=int, default=100, help="Messages per batch.")
        parser.add_argument("--lease", type=int, default=None,
                            help="Seconds a claimed batch stays this worker's (default 120).")
        parser.add_argument("--poll", type=float, default=1.0,
                            help="Seconds to wait when nothing is due.")
        parser.add_argument("--worker-id", default="", help="Name in the delivery record.")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = options["worker_id"] or new_worker_id()
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True  # finish and record the current batch, then leave

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        total = BatchResult()
        channels: dict[str, Channel] = {}
        try:
            while not stopping:
                batch = send_due_messages(worker=worker, limit=options["limit"],
                                          lease_seconds=options["lease"], channels=channels)
                for name in ("claimed", "sent", "retried", "failed"):
                    setattr(total, name, getattr(total, name) + getattr(batch, name))
                if options["once"] or (options["until_empty"] and not batch.claimed):
                    break
                if not batch.claimed:
                    time.sleep(options["poll"])
        finally:
            for channel in channels.values():
                channel.close()
        self.stdout.write(
            f"worker {worker}: claimed {total.claimed}, sent {total.sent}, "
            f"retrying {total.retried}, failed {total.failed}"
        )
