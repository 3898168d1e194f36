"""`safepassage rotate-signing-key --user ADMIN [--alg EdDSA|ES256]`: a new token key, new kid."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.accounts.models import User
from safepassage.credentials import services
from safepassage.credentials.models import KeyPurpose


class Command(BaseCommand):
    help = ("Retire the issuer's token signing key and create a new one. Documents signed by the "
            "old key stay valid until they expire; export the lists and the verifier afterwards.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="the administrator doing it (audited)")
        parser.add_argument("--alg", choices=["EdDSA", "ES256"], default="")
        parser.add_argument("--lists", action="store_true",
                            help="rotate the trust anchor that signs the lists instead")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["user"])
        except User.DoesNotExist as exc:
            raise CommandError(f"No user {options['user']!r}.") from exc
        purpose = KeyPurpose.LISTS if options["lists"] else KeyPurpose.TOKENS
        key = services.rotate_signing_key(actor=user, alg=options["alg"], purpose=purpose)
        self.stdout.write(f"New {purpose} key {key.kid} ({key.alg}) for issuer {key.issuer}.")
