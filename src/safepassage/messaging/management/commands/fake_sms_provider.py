"""`safepassage fake-sms-provider`: a local SMS gateway that records and can fail on demand."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from safepassage.accounts.demo import DemoCommand
from safepassage.messaging.fake_sms_provider import FakeSmsProvider


class Command(DemoCommand):
    help = "Run a fake SMS gateway on 127.0.0.1 for tests, demos and the benchmark."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8025)

    def handle(self, *args: Any, **options: Any) -> None:
        provider = FakeSmsProvider(port=options["port"])
        self.stdout.write(f"Fake SMS gateway on {provider.url} (stats: {provider.base_url}/stats)")
        self.stdout.flush()
        try:
            provider.server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            provider.server.server_close()
