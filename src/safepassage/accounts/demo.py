"""Demo only in demo: the one guard that every demo command, the demo accounts and `totp` pass.

In production (SAFEPASSAGE_ENV=production) nothing made for the demo may run or sign in: its
password is published in the README and its second-factor codes are printed on request.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def demo_allowed() -> bool:
    """Whether demo commands and demo accounts may be used here (anywhere but production)."""
    return not settings.PRODUCTION


def refuse_in_production(what: str) -> None:
    """Raise a CommandError that names `what` when this install runs in production."""
    if not demo_allowed():
        raise CommandError(
            f"{what} is for the demo and refuses to run in production (SAFEPASSAGE_ENV="
            "production): it would create accounts with a published password or invented "
            "people. Create real staff with `safepassage create-user`."
        )


def command_name(command: BaseCommand) -> str:
    """The name an operator types (`demo-users`), from the command's module (demo_users)."""
    return type(command).__module__.rsplit(".", 1)[-1].replace("_", "-")


class DemoCommand(BaseCommand):
    """A management command that exists for the demo: it refuses to run in production."""

    def execute(self, *args: Any, **options: Any) -> Any:
        refuse_in_production(f"`safepassage {command_name(self)}`")
        return super().execute(*args, **options)
