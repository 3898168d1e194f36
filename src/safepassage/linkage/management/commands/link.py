"""`safepassage link`: link every registered person, with a progress bar and a summary."""

from __future__ import annotations

from typing import Any, cast

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from safepassage.accounts import permissions
from safepassage.linkage.models import LinkageRun
from safepassage.linkage.services import run_linkage

STEPS = ("reading features", "linking", "saving decisions")


class Command(BaseCommand):
    help = (
        "Train a linkage model on the registered persons, merge the certain duplicates, queue "
        "the uncertain ones for review, and print a summary."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--backend", choices=["duckdb", "spark"], default="duckdb",
            help="where Splink computes: DuckDB in this process (default) or Spark",
        )
        parser.add_argument(
            "--keep-model", action="store_true",
            help="score with the latest saved model instead of training a new one",
        )
        parser.add_argument(
            "--if-never-run", action="store_true",
            help="do nothing if a linkage run was made before (make run)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_never_run"] and LinkageRun.objects.exists():
            self.stdout.write("A linkage run was made before; not run again.")
            return

        spark = None
        if options["backend"] == "spark":
            from safepassage.linkage.engine import spark_session  # PySpark: only if asked

            spark = spark_session("local[*]")
        bar = tqdm(total=len(STEPS), unit="step", file=cast(Any, self.stderr), leave=True)

        def progress(step: str) -> None:
            bar.set_description(step)
            if not step.startswith(STEPS[0]):
                bar.update(1)

        run = run_linkage(
            actor=permissions.LINKAGE, backend=options["backend"], spark=spark,
            retrain=not options["keep_model"], progress=progress,
        )
        bar.update(len(STEPS) - bar.n)
        bar.close()
        self.stdout.write(
            f"records: {run.records}\npersons: {run.persons}\nauto-merged: {run.auto_merged}\n"
            f"queued for review: {run.queued}\nmodel: {run.model.version} #{run.model.pk}"
        )
