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
            "--report", action="store_true",
            help="print what the merge and review thresholds cost (estimated precision and "
                 "recall from the pairs caseworkers decided) instead of linking",
        )
        parser.add_argument(
            "--if-never-run", action="store_true",
            help="do nothing if a linkage run was made before (make run)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["report"]:
            self._report()
            return
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

    def _report(self) -> None:
        from safepassage.linkage.selectors import threshold_costs

        self.stdout.write("threshold  likelihood  est. precision  est. recall  decided pairs")
        for cost in threshold_costs(actor=permissions.LINKAGE):
            precision = "-" if cost.precision is None else f"{cost.precision:.3f}"
            recall = "-" if cost.recall is None else f"{cost.recall:.3f}"
            self.stdout.write(
                f"{cost.name:<9}  {cost.threshold:>10.2f}  {precision:>14}  {recall:>11}  "
                f"{cost.labelled_above} at or above, {cost.labelled_same} one person in all"
            )
        self.stdout.write(
            "Estimated from confirmed (one person), rejected and undone (two) pairs."
        )
