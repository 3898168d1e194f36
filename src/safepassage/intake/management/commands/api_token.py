"""`safepassage api-token --org NAME [--name LABEL]`: issue a partner API token.

The token is printed once; only its keyed digest is stored.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from safepassage.accounts.models import Organisation
from safepassage.intake import services


class Command(BaseCommand):
    help = "Issue an API token for a partner organisation (printed once, stored hashed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="The organisation's name or slug.")
        parser.add_argument("--name", default="partner system", help="A label for the token.")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(
            Q(name=options["org"]) | Q(slug=options["org"])).first()
        if organisation is None:
            raise CommandError(f"No organisation named {options['org']!r}.")
        token = services.create_api_token(actor=None, organisation=organisation,
                                          name=options["name"])
        self.stdout.write(token)
