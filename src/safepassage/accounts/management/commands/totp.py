"""`safepassage totp USER`: the current second-factor code of a demo or test account."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from safepassage.accounts.management.commands.demo_users import current_code


class Command(BaseCommand):
    help = "Print the current TOTP code of a user's authenticator (for the demo and tests)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        device = TOTPDevice.objects.filter(user__username=options["username"]).first()
        if device is None:
            raise CommandError(f"No authenticator enrolled for {options['username']}.")
        self.stdout.write(current_code(device))
