"""`safepassage export-clusters --out FILE.csv`: external_id,cluster_id of every imported row."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.accounts import permissions
from safepassage.audit import services as audit
from safepassage.linkage.selectors import cluster_rows
from safepassage.protection.spreadsheet_cells import SpreadsheetSafeWriter


class Command(BaseCommand):
    help = (
        "Write external_id,cluster_id for every imported registration: the records of one person "
        "share a cluster id."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="CSV file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            handle = open(options["out"], "w", newline="", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"--out: cannot write {options['out']}: {exc.strerror}.") from exc
        count = 0
        with handle:
            writer = SpreadsheetSafeWriter(handle)
            writer.writerow(["external_id", "cluster_id"])
            for external_id, cluster_id in cluster_rows():
                writer.writerow([external_id, cluster_id])
                count += 1
        audit.record(actor=permissions.OPERATOR, action="linkage.clusters_exported",
                     details={"rows": count})
        self.stdout.write(f"wrote {count} rows to {options['out']}")
