"""`safepassage demo-inbound`: the demo's inbox, a few dozen messages waiting in four
languages (messaging.demo), if the inbox is empty."""

from typing import Any

from safepassage.accounts.demo import DemoCommand
from safepassage.messaging.demo import load_demo_inbound


class Command(DemoCommand):
    help = ("Put a few dozen demo messages from families in the inbox (four languages, matched "
            "and unmatched, some assigned, a few keywords answered), if it holds none.")

    def handle(self, *args: Any, **options: Any) -> None:
        received = load_demo_inbound()
        self.stdout.write(f"Received {received} demo messages (0: the inbox was not empty).")
