"""`safepassage totp USER`: the current code of a demo account (refused in production)."""

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from safepassage.accounts.demo import DemoCommand
from safepassage.accounts.management.commands.demo_users import current_code


class Command(DemoCommand):
    help = ("Print the current TOTP code of a demo account's authenticator (made by "
            "`safepassage demo-users`). Refused in production and for any other account.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        device = TOTPDevice.objects.filter(user__username=username).select_related("user").first()
        if device is None:
            raise CommandError(f"No authenticator enrolled for {username}.")
        if not device.user.is_demo:
            raise CommandError(
                f"{username} is not a demo account: `safepassage totp` prints codes only for the "
                "accounts made by `safepassage demo-users`. A person's code is on their own "
                "authenticator; an administrator resets a lost one from the staff page."
            )
        self.stdout.write(current_code(device))
