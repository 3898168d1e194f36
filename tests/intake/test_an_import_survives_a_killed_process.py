"""An import whose process is killed (kill -9) in the middle, a worker of the background runner
or the `safepassage import` command: another worker takes it up where it stopped, and each row
ends up imported, counted and quarantined once. None lost, none doubled."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from safepassage.accounts.models import Organisation
from safepassage.audit.models import AuditEntry
from safepassage.intake import services
from safepassage.intake.models import ExternalReference, ImportBatch, QuarantinedRow
from safepassage.registry.models import Case, Person
from tests.conftest import command_in_a_process
from tests.intake.conftest import csv_bytes, good_row

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

LEASE = 2.0
ROWS_PER_CHUNK = 10
FAST = {"SAFEPASSAGE_TASK_LEASE_SECONDS": str(LEASE),
        "SAFEPASSAGE_IMPORT_ROWS_PER_TRANSACTION": str(ROWS_PER_CHUNK)}
IMPORT_TASK = "safepassage.intake.tasks.import_spreadsheet"


def referrals() -> tuple[bytes, int, int]:
    """Households of one to three people, every tenth with an impossible birth date (held whole
    in quarantine): the file, the rows to import and the rows to quarantine."""
    rows: list[dict[str, str]] = []
    imported = quarantined = 0
    for n in range(1, 61):
        size = 1 + n % 3
        bad = n % 10 == 0
        for k in range(size):
            rows.append(good_row(10 * n + k, household_ref=f"H{n}",
                                 relationship_to_head="head" if k == 0 else "son",
                                 **({"date_of_birth": "31/02/1985"} if bad and k == 0 else {})))
        quarantined += size if bad else 0
        imported += 0 if bad else size
    return csv_bytes(rows), imported, quarantined


def _until(condition: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _half_imported() -> bool:
    batch = ImportBatch.objects.first()
    return batch is not None and batch.processed_rows > 0


def _finished() -> bool:
    return ImportBatch.objects.filter(state=ImportBatch.State.DONE).exists()


def _kill(process: Any) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, process.stderr.read().decode()[-3000:]


@pytest.mark.parametrize("killed", ["worker", "command"])
def test_an_import_killed_half_way_is_finished_by_another_worker_each_row_once(
    killed: str, make_organisation: Callable[..., Organisation], tmp_path: Path,
) -> None:
    organisation = make_organisation()
    data, imported, quarantined = referrals()
    if killed == "worker":
        services.start_import(actor=services.service_account(organisation),
                              organisation=organisation, data=data, filename="referrals.csv")
        first = command_in_a_process("run-tasks", "--queue-name", "imports", **FAST)
    else:
        (tmp_path / "referrals.csv").write_bytes(data)
        first = command_in_a_process("import", str(tmp_path / "referrals.csv"),
                                     "--org", organisation.slug, **FAST)

    _until(_half_imported)
    _kill(first)

    batch = ImportBatch.objects.get()
    assert batch.state == ImportBatch.State.RUNNING
    assert 0 < batch.processed_rows < batch.total_rows == imported + quarantined
    task = DBTaskResult.objects.get(task_path=IMPORT_TASK)
    assert task.status == TaskResultStatus.RUNNING  # what django-tasks-db leaves behind

    # A worker as it runs in production: it keeps looking, so the task is taken up once the
    # dead process's lease has run out (however long the dying process's connection takes to
    # let go of its locks on a busy machine), not only if that happened before it started.
    finisher = command_in_a_process("run-tasks", "--queue-name", "imports", **FAST)
    try:
        _until(_finished, seconds=300)
    finally:
        finisher.send_signal(signal.SIGTERM)
        assert finisher.wait(timeout=120) == 0, finisher.stderr.read().decode()[-3000:]

    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.DONE
    assert (batch.imported, batch.quarantined, batch.unchanged) == (imported, quarantined, 0)
    assert batch.processed_rows == batch.total_rows
    assert Person.objects.count() == ExternalReference.objects.count() == imported
    assert Case.objects.count() == AuditEntry.objects.filter(action="case.registered").count()
    assert QuarantinedRow.objects.count() == quarantined
    assert AuditEntry.objects.filter(action="intake.import_finished").count() == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert len(task.worker_ids) == 2 and task.worker_ids[0].startswith(killed)
