"""`safepassage export-trust-lists --out DIR`: the signed trust list, revocation list and anchor."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from django.core.management.base import BaseCommand, CommandParser

from safepassage.accounts import permissions
from safepassage.credentials import services


class Command(BaseCommand):
    help = "Write trust-list.json, revocation-list.json and trust-anchor.pem for offline verifiers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, required=True, help="directory to write into")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        docs = services.export_trust_documents(actor=permissions.OPERATOR)
        (out / "trust-list.json").write_text(json.dumps(docs.trust_list, indent=1) + "\n")
        (out / "revocation-list.json").write_text(json.dumps(docs.revocation_list, indent=1) + "\n")
        anchor = serialization.load_der_public_key(base64.b64decode(docs.anchor.public_key))
        (out / "trust-anchor.pem").write_bytes(anchor.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
        keys = len(json.loads(docs.trust_list["content"])["keys"])
        self.stdout.write(f"Wrote {out}/trust-list.json ({keys} keys), revocation-list.json and "
                          f"trust-anchor.pem (anchor key {docs.anchor.kid}).")
