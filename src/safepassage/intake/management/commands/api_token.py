"""`safepassage api-token --org NAME [--name LABEL]`: issue a partner API token.
`--list` shows the organisation's tokens (prefix, label, dates); `--revoke PREFIX` revokes one.

The token is printed once; only its keyed digest is stored.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from safepassage.accounts import permissions
from safepassage.accounts.models import Organisation
from safepassage.intake import services
from safepassage.intake.models import ApiToken


class Command(BaseCommand):
    help = ("Issue an API token for a partner organisation (printed once, stored hashed), "
            "list its tokens, or revoke one.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="The organisation's name or slug.")
        parser.add_argument("--name", default="partner system", help="A label for the token.")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--list", action="store_true", help="List the tokens, issue none.")
        action.add_argument("--revoke", metavar="PREFIX",
                            help="Revoke the live token beginning with PREFIX (see --list).")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(
            Q(name=options["org"]) | Q(slug=options["org"])).first()
        if organisation is None:
            raise CommandError(f"No organisation named {options['org']!r}.")
        if options["list"]:
            for row in ApiToken.objects.filter(organisation=organisation).order_by("created_at"):
                state = f"revoked {row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "live"
                self.stdout.write(f"{row.prefix}…  {row.name}  "
                                  f"created {row.created_at:%Y-%m-%d %H:%M}  {state}")
            return
        if options["revoke"]:
            try:
                revoked = services.revoke_api_token(
                    actor=permissions.OPERATOR, organisation=organisation,
                    prefix=options["revoke"])
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            if not revoked:
                raise CommandError(f"No live token of {organisation.name} begins with "
                                   f"{options['revoke']!r}; see --list.")
            self.stdout.write(f"revoked {revoked} token(s)")
            return
        token = services.create_api_token(actor=permissions.OPERATOR, organisation=organisation,
                                          name=options["name"])
        self.stdout.write(token)
