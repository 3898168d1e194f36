"""`safepassage verify TEXT|IMAGE.png`: the verdict on a token, offline, and whom it covers.

By default the trust list and revocation list come from this server's database; with
--trust-list/--revocation-list/--anchor it uses exported files only (as a gate laptop would).
Exit status 0 for VALID, 1 for any other verdict; never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.credentials import token as tk
from safepassage.credentials import verification
from safepassage.credentials.selectors import trust_store_from_database
from safepassage.credentials.verification import MALFORMED, Verdict


class Command(BaseCommand):
    help = "Verify a SafePassage token given as text or as a PNG/JPEG image of its QR code."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("token", help="the token text (SP1:...) or the path of an image")
        parser.add_argument("--trust-list", type=Path, help="signed trust list file (JSON)")
        parser.add_argument("--revocation-list", type=Path, help="signed revocation list (JSON)")
        parser.add_argument("--anchor", type=Path,
                            help="the trust anchor's public key (PEM) that signed the lists")
        parser.add_argument("--json", action="store_true", help="print the verdict as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = self._verdict(options)
        if options["json"]:
            self.stdout.write(json.dumps(verdict.as_dict(), ensure_ascii=False, indent=2))
        else:
            self._print(verdict)
        if not verdict.ok:
            raise SystemExit(1)

    def _verdict(self, options: dict[str, Any]) -> Verdict:
        try:
            store = self._store(options)
        except (OSError, ValueError, KeyError, verification.ListSignatureError) as exc:
            raise CommandError(f"Cannot load the trust lists: {exc}. Export them again with "
                               "`safepassage export-trust-lists`.") from exc
        arg: str = options["token"]
        path = Path(arg)
        if not arg.startswith(tk.PREFIX) and path.suffix.lower() in {".png", ".jpg", ".jpeg"}:
            # zxing-cpp and Pillow load only when an image is given, not for a pasted text.
            from safepassage.credentials.qr import read_qr_texts

            try:
                texts = read_qr_texts(path)
            except OSError as exc:
                return Verdict(MALFORMED, f"cannot read the image {path}: {exc.strerror or exc}")
            if not texts:
                return Verdict(MALFORMED, f"no QR code found in {path}")
            arg = texts[0]
        return verification.verify_credential(arg, trust=store)

    def _store(self, options: dict[str, Any]) -> verification.TrustStore:
        if not options["trust_list"]:
            return trust_store_from_database()
        if not (options["revocation_list"] and options["anchor"]):
            raise ValueError("--trust-list needs --revocation-list and --anchor")
        anchor = serialization.load_pem_public_key(options["anchor"].read_bytes())
        return verification.load_store(
            json.loads(options["trust_list"].read_text()),
            json.loads(options["revocation_list"].read_text()),
            anchor=tk.load_public_key(
                anchor.public_bytes(serialization.Encoding.DER,
                                    serialization.PublicFormat.SubjectPublicKeyInfo)),
        )

    def _print(self, verdict: Verdict) -> None:
        style = self.style.SUCCESS if verdict.ok else self.style.ERROR
        self.stdout.write(style(verdict.result))
        self.stdout.write(f"reason: {verdict.reason}")
        doc = verdict.as_dict()
        if verdict.claims:
            self.stdout.write(f"document: {doc['kind']} · case {doc['case_reference']}")
            self.stdout.write(f"holder: {doc['name']} (born {doc['birth_year'] or '?'})")
            self.stdout.write(f"covers {doc['people']}: {', '.join(verdict.covered_names)}")
            if doc["flight"]:
                self.stdout.write(f"flight: {doc['flight']} on {doc['departure']}")
            self.stdout.write(f"valid until: {doc['expires_at']}")


