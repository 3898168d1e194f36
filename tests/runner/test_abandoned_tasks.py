"""A task whose worker stopped beating (killed, lost with its machine) is taken up again by
another worker, or given up with its reason once its workers died three times; an import is
then marked failed with that reason, never left "running" for ever. A live worker keeps its
task. (tests/intake/test_an_import_survives_a_killed_process.py kills real processes.)"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from safepassage.accounts.models import Organisation, Role
from safepassage.intake import services as intake
from safepassage.intake.models import ImportBatch, Outcome
from safepassage.registry.models import Case
from safepassage.runner import services
from safepassage.runner.models import Worker
from tests.conftest import run_ready_tasks
from tests.intake.conftest import csv_bytes, good_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued_import(make_user: Callable[..., Any],
                  make_organisation: Callable[..., Organisation]) -> ImportBatch:
    return intake.start_import(actor=make_user(Role.CASEWORKER), organisation=make_organisation(),
                               data=csv_bytes([good_row(1), good_row(2)]), filename="a.csv")


def _claimed_by(*worker_ids: str) -> DBTaskResult:
    task = DBTaskResult.objects.get(task_path="safepassage.intake.tasks.import_spreadsheet")
    for worker_id in worker_ids:
        task.claim(worker_id)
    return task


def _later(leases: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=leases * settings.RUNNER_LEASE_SECONDS)


def test_a_task_whose_worker_stopped_beating_is_taken_up_again_and_finishes(
    queued_import: ImportBatch,
) -> None:
    task = _claimed_by("killed-worker")
    services.register_worker(worker_id="killed-worker", queues="imports")

    assert services.recover_abandoned_tasks(now=_later(2)) == services.Recovery(taken_up=1)

    assert not Worker.objects.exists()  # the dead worker is forgotten
    assert run_ready_tasks() == 1
    queued_import.refresh_from_db()
    assert queued_import.state == ImportBatch.State.DONE
    assert (queued_import.imported, queued_import.quarantined) == (2, 0)
    assert Case.objects.count() == 2
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.worker_ids == ["killed-worker", "test-worker"]


def test_a_live_worker_keeps_its_task(queued_import: ImportBatch) -> None:
    task = _claimed_by("slow-worker")
    services.register_worker(worker_id="slow-worker", queues="imports")
    Worker.objects.filter(pk="slow-worker").update(seen_at=_later(2))  # it beat just now

    assert services.recover_abandoned_tasks(now=_later(2)) == services.Recovery()
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING


def test_a_task_claimed_less_than_a_lease_ago_is_left_to_its_worker(
    queued_import: ImportBatch,
) -> None:
    _claimed_by("worker-without-a-beat-yet")
    assert services.recover_abandoned_tasks(now=_later(0.5)) == services.Recovery()


def test_an_import_whose_workers_died_three_times_is_failed_with_the_reason(
    queued_import: ImportBatch,
) -> None:
    task = _claimed_by("first", "second", "third")

    assert services.recover_abandoned_tasks(now=_later(2)) == services.Recovery(given_up=1)

    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == "safepassage.runner.services.WorkerLost"
    queued_import.refresh_from_db()
    assert queued_import.state == ImportBatch.State.FAILED
    assert queued_import.error.startswith(
        "The import stopped: the process running it stopped 3 times (restarted, killed or out of "
        "memory). The rows imported so far are kept")
    assert queued_import.submission.outcome == Outcome.REJECTED  # a final state, with why
    assert run_ready_tasks() == 0


def test_periodic_tasks_are_enqueued_when_due_once_and_never_piled_up() -> None:
    now = timezone.now()
    dashboard = "safepassage.dashboard.tasks.refresh_dashboard"

    assert set(services.enqueue_due_schedules(now=now)) == set(settings.RUNNER_SCHEDULE)
    assert services.enqueue_due_schedules(now=now + dt.timedelta(seconds=1)) == []
    due_again = now + dt.timedelta(seconds=settings.RUNNER_SCHEDULE[dashboard] + 1)
    every_as_often = {path for path, seconds in settings.RUNNER_SCHEDULE.items()
                      if seconds <= settings.RUNNER_SCHEDULE[dashboard] + 1}
    assert dashboard in every_as_often
    assert set(services.enqueue_due_schedules(now=due_again)) == every_as_often
    # The first one has not run yet: no second one behind it.
    assert DBTaskResult.objects.filter(task_path=dashboard).count() == 1

    assert run_ready_tasks() == len(settings.RUNNER_SCHEDULE)
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == len(
        settings.RUNNER_SCHEDULE)


def test_an_import_that_no_retry_can_mend_is_failed_at_once_with_the_reason(
    make_user: Callable[..., Any], make_organisation: Callable[..., Organisation],
) -> None:
    caseworker = make_user(Role.CASEWORKER)
    batch = intake.start_import(actor=caseworker, organisation=make_organisation(),
                                data=csv_bytes([good_row(1)]), filename="a.csv")
    caseworker.role = Role.GATE_AGENT  # moved to the airport before the worker got to it
    caseworker.save(update_fields=["role"])

    assert run_ready_tasks() == 1

    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.FAILED
    assert batch.error.startswith("The import stopped: the person who started it may no longer "
                                  "import files for this organisation.")
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()  # no retry
    assert not Case.objects.exists()
