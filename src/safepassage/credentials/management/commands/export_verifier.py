"""`safepassage export-verifier --out verifier.html`: the offline verifier with today's lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from safepassage.accounts import permissions
from safepassage.credentials import services
from safepassage.credentials.verifier_page import render_verifier_html


class Command(BaseCommand):
    help = "Write the self-contained HTML verifier for gate agents, with the current lists inside."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, default=Path("verifier.html"))

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        html = render_verifier_html(services.export_trust_documents(actor=permissions.OPERATOR))
        out.write_text(html, encoding="utf-8")
        self.stdout.write(f"Wrote {out} ({len(html.encode()) // 1024} KiB). Copy it to the gate "
                          "phones and open it there; export again after any revocation.")
