"""`safepassage pull-submissions --source kobo|odk-central --url URL --form ID --org NAME`:
pull a form's submissions from KoboToolbox or ODK Central and import them as their export
would be (decision 0102). The credentials come from the environment, never the command line
(it shows in process lists and shell histories): SAFEPASSAGE_KOBO_TOKEN; for ODK Central
SAFEPASSAGE_ODK_CENTRAL_TOKEN, or SAFEPASSAGE_ODK_CENTRAL_EMAIL and
SAFEPASSAGE_ODK_CENTRAL_PASSWORD. Pulling again imports only what is new.
"""

import json
import os
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import timezone

from safepassage.accounts.models import Organisation
from safepassage.intake import services
from safepassage.intake.field_servers import (
    KOBO,
    SOURCES,
    Credentials,
    PullError,
    pull_submissions,
)
from safepassage.intake.models import ImportBatch


def _credentials(source: str) -> Credentials:
    if source == KOBO:
        token = os.environ.get("SAFEPASSAGE_KOBO_TOKEN", "")
        if not token:
            raise CommandError("Set SAFEPASSAGE_KOBO_TOKEN to the KoboToolbox account's API "
                               "token (Account settings > Security > API key).")
        return Credentials(token=token)
    token = os.environ.get("SAFEPASSAGE_ODK_CENTRAL_TOKEN", "")
    email = os.environ.get("SAFEPASSAGE_ODK_CENTRAL_EMAIL", "")
    password = os.environ.get("SAFEPASSAGE_ODK_CENTRAL_PASSWORD", "")
    if not token and not (email and password):
        raise CommandError("Set SAFEPASSAGE_ODK_CENTRAL_TOKEN (a session or app-user token), "
                           "or SAFEPASSAGE_ODK_CENTRAL_EMAIL and "
                           "SAFEPASSAGE_ODK_CENTRAL_PASSWORD.")
    return Credentials(token=token, email=email, password=password)


class Command(BaseCommand):
    help = "Pull a form's submissions from KoboToolbox or ODK Central and import them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", required=True, choices=SOURCES)
        parser.add_argument("--url", required=True,
                            help="The server, e.g. https://kf.kobotoolbox.org or "
                                 "https://central.example.org.")
        parser.add_argument("--form", required=True,
                            help="KoboToolbox: the asset uid; ODK Central: the form id.")
        parser.add_argument("--project", default="", help="ODK Central: the project number.")
        parser.add_argument("--org", required=True,
                            help="The organisation that collected them: its name or slug.")
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(
            Q(name=options["org"]) | Q(slug=options["org"])).first()
        if organisation is None:
            raise CommandError(f"No organisation named {options['org']!r}.")
        source = options["source"]
        try:
            document = pull_submissions(
                source=source, url=options["url"], form=options["form"],
                project=options["project"], credentials=_credentials(source))
        except PullError as error:
            raise CommandError(str(error)) from None
        form = re.sub(r"[^A-Za-z0-9_.-]+", "_", options["form"])[:80]
        batch = services.start_import(
            actor=services.service_account(organisation), organisation=organisation,
            data=document, wait=True,
            filename=f"{source}-{form}-{timezone.now():%Y%m%dT%H%M%S}.json")
        if batch.state == ImportBatch.State.FAILED:
            raise CommandError(batch.error)
        if options["json"]:
            self.stdout.write(json.dumps(batch.summary(), ensure_ascii=False))
        else:
            self.stdout.write(f"imported {batch.imported}, quarantined {batch.quarantined}, "
                              f"unchanged {batch.unchanged}")
