"""`safepassage import FILE --org NAME [--json] [--mapping MAPPING.yaml]`: import a partner
spreadsheet (CSV or XLSX); `--suggest-mapping` prints a mapping of the file's own headers to edit
(docs/intake.md, "Column mapping").

It runs here, to the end (as the background runner's task: if this process is killed, a
`safepassage run-tasks` worker finishes the import). A progress bar goes to stderr; stdout gets
one line, `imported N, quarantined N, unchanged N`, or the same as JSON. The exit status is 0
even when rows were quarantined (they are kept and reported), 1 when the file could not be read
at all.
"""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils.text import slugify
from tqdm import tqdm

from safepassage.accounts.models import Organisation, User
from safepassage.intake import services
from safepassage.intake.column_mapping import (
    MappingError,
    mapping_from_yaml,
    mapping_to_yaml,
    suggested_mapping,
)
from safepassage.intake.models import ImportBatch
from safepassage.intake.spreadsheets import SpreadsheetError, read_sample


class Command(BaseCommand):
    help = "Import a partner spreadsheet (CSV or XLSX) for an organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--org", required=True,
                            help="The referring organisation: its name or its slug.")
        parser.add_argument("--as", dest="as_user", default="",
                            help="Act as this staff user (default: the organisation's service "
                                 "account).")
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON.")
        parser.add_argument("--create-org", action="store_true",
                            help="Register the organisation first if it is not known yet.")
        parser.add_argument("--mapping", type=Path, default=None,
                            help="A YAML column mapping: the file's headers to our columns, "
                                 "and their values to ours (docs/intake.md).")
        parser.add_argument("--suggest-mapping", action="store_true",
                            help="Print a suggested mapping for the file's headers as YAML, "
                                 "import nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        if options["suggest_mapping"]:
            try:
                headers, sample = read_sample(path.read_bytes(), filename=path.name)
            except SpreadsheetError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(mapping_to_yaml(suggested_mapping(headers, sample)), ending="")
            return
        mapping = None
        if options["mapping"] is not None:
            try:
                mapping = mapping_from_yaml(Path(options["mapping"]).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, MappingError) as error:
                raise CommandError(f"{options['mapping']}: {error}") from None
        organisation = Organisation.objects.filter(
            Q(name=options["org"]) | Q(slug=options["org"])).first()
        if organisation is None and options["create_org"]:
            organisation = Organisation.objects.create(
                name=options["org"], slug=slugify(options["org"])[:80] or "partner")
        if organisation is None:
            names = ", ".join(Organisation.objects.values_list("name", flat=True)[:20])
            raise CommandError(f"No organisation named {options['org']!r}. Known: {names or '-'}; "
                               "--create-org registers it.")
        if options["as_user"]:
            actor = User.objects.filter(username=options["as_user"]).first()
            if actor is None:
                raise CommandError(f"No user named {options['as_user']!r}.")
        else:
            actor = services.service_account(organisation)

        bar = tqdm(unit="row", disable=None, file=sys.stderr)
        try:
            batch = services.start_import(
                actor=actor, organisation=organisation, data=path.read_bytes(),
                filename=path.name, wait=True, progress=bar.update,
                on_start=lambda total: bar.reset(total=total), mapping=mapping,
            )
        finally:
            bar.close()
        if batch.state == ImportBatch.State.FAILED:
            raise CommandError(batch.error)
        summary = batch.summary()
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self.stdout.write(
                f"imported {batch.imported}, quarantined {batch.quarantined}, "
                f"unchanged {batch.unchanged}"
            )
