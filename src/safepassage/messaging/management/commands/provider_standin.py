"""`safepassage provider-standin`: local stand-ins for WhatsApp Cloud, Twilio, RapidPro,
Postmark and Telegram, for tests, demos and the benchmark."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from safepassage.accounts.demo import DemoCommand
from safepassage.messaging.standins import ProviderStandIn


class Command(DemoCommand):
    help = "Run the providers' stand-in on 127.0.0.1 (never in production: it delivers nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8026)

    def handle(self, *args: Any, **options: Any) -> None:
        standin = ProviderStandIn(port=options["port"])
        self.stdout.write(f"Providers' stand-in on {standin.base_url} (stats: /stats); "
                          "point SafePassage at it with:")
        for name, value in standin.environment().items():
            self.stdout.write(f"  {name}={value}")
        self.stdout.flush()
        try:
            standin.server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            standin.server.server_close()
