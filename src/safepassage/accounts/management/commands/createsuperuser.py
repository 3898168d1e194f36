"""Django's `createsuperuser` would make an account with no second factor, which our sign-in
refuses: point to `safepassage create-user` instead."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Refused: use `safepassage create-user USER --role administrator`."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("args", nargs="*")
        parser.add_argument("--noinput", "--no-input", action="store_true")
        parser.add_argument("--username")
        parser.add_argument("--email")
        parser.add_argument("--database")

    def handle(self, *args: Any, **options: Any) -> None:
        raise CommandError(
            "Staff sign in with a password and a second factor, so accounts are made by "
            "`safepassage create-user USER --role administrator`: it prints a one-time link "
            "with which the person chooses a password and enrols a phone."
        )
