"""Intake's background work: importing a partner's spreadsheet, out of the web process."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy

from safepassage.accounts.models import User
from safepassage.intake import services
from safepassage.intake.models import ImportBatch
from safepassage.runner.background import background_task


def _import_given_up(reason: str, batch_id: int, *_started_by: object) -> None:
    services.give_up_import(batch_id=batch_id, reason=reason)


@background_task(
    queue_name="imports", retries=2, on_give_up=_import_given_up,
    give_up_on=((PermissionDenied, gettext_lazy(
        "the person who started it may no longer import files for this organisation")),),
)
def import_spreadsheet(batch_id: int, started_by: int) -> dict[str, object]:
    """Import the batch's file (services.run_import) as the user who started it. Taken up
    again after its worker died, it resumes after the last chunk committed."""
    batch = ImportBatch.objects.select_related("organisation", "submission").get(pk=batch_id)
    return services.run_import(actor=User.objects.get(pk=started_by), batch=batch).summary()


@background_task(queue_name="intake", retries=5, backoff_seconds=5.0)
def register_submissions() -> int:
    """Register the accepted submissions, in batches, until none is left (decision 0092).
    Woken by each acceptance, and every few seconds by the runner's schedule for any wake-up
    that was lost. Safe to run twice, and beside itself: each batch is claimed with its rows
    locked and committed with its registrations."""
    return services.register_accepted_submissions()
