"""`safepassage create-user USER --role ROLE`: a staff account and its one-time welcome link."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.accounts.models import Organisation, Role
from safepassage.accounts.permissions import OPERATOR
from safepassage.accounts.services import invite_staff_user


class Command(BaseCommand):
    help = ("Create a staff account without a password and print the one-time link with which "
            "its holder chooses a password and enrols a phone (the first administrator, too).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--organisation", default="",
                            help="Slug of the partner organisation (partner referrers only).")
        parser.add_argument("--base-url", default=settings.BASE_URL,
                            help="The site's address, e.g. https://safepassage.example.org "
                                 "(default: SAFEPASSAGE_BASE_URL).")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"No organisation with slug {options['organisation']!r}.")
        try:
            invitation = invite_staff_user(actor=OPERATOR, username=options["username"],
                                           role=options["role"], organisation=organisation)
        except ValidationError as error:
            raise CommandError("; ".join(
                f"{field}: {' '.join(messages)}" for field, messages
                in error.message_dict.items())) from error
        base = (options["base_url"] or "").rstrip("/")
        user = invitation.user
        self.stdout.write(f"Created {user.username} ({user.get_role_display()}).")
        self.stdout.write("Give them this one-time link (valid 3 days) over a channel you trust:")
        self.stdout.write(f"{base}{invitation.path}")
