"""Accept, then register (decision 0092): a worker killed with SIGKILL between claiming accepted
submissions and committing their registration leaves them received, and the next worker
registers each of them once; the same Idempotency-Key sent twice is one submission and one
registration, whatever the worker went through."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable
from typing import Any

import pytest

from safepassage.accounts.models import Organisation
from safepassage.audit.models import AuditEntry
from safepassage.intake import services
from safepassage.intake.models import ExternalReference, Outcome, RawSubmission
from safepassage.registry.models import Case, Person
from tests.conftest import command_in_a_process
from tests.intake.test_partner_api import household

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SUBMISSIONS, SIZE = 120, 3
FAST = {"SAFEPASSAGE_TASK_LEASE_SECONDS": "2", "SAFEPASSAGE_REGISTER_PER_TRANSACTION": "4"}


def _accept(organisation: Organisation, n: int, key: str) -> services.ApiAnswer:
    body = household(n, size=SIZE)
    return services.register_from_api(
        actor=services.service_account(organisation), organisation=organisation,
        body=json.dumps(body).encode(), content_type="application/json", idempotency_key=key,
        batch=False, read=lambda: services.ApiRegistrations(households=[body]))


def _until(condition: Callable[[], bool], seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def _registered() -> int:
    return RawSubmission.objects.filter(public_id__isnull=False).exclude(
        outcome=Outcome.RECEIVED).count()


def _stop(process: Any) -> None:
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=120) == 0, process.stderr.read().decode()[-3000:]


def test_a_worker_killed_between_claim_and_commit_loses_nothing_and_doubles_nothing(
    make_organisation: Callable[..., Organisation],
) -> None:
    organisation = make_organisation()
    first = [_accept(organisation, n, key=f"key-{n}") for n in range(SUBMISSIONS)]
    assert {a.status for a in first} == {202}

    worker = command_in_a_process("run-tasks", "--queue-name", "intake", **FAST)
    _until(lambda: _registered() >= SUBMISSIONS // 4)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    assert worker.returncode == -signal.SIGKILL, worker.stderr.read().decode()[-3000:]
    killed_at = _registered()
    assert 0 < killed_at < SUBMISSIONS  # killed in the middle: some left received
    # Retries of every request, the killed worker's included: answered as the first time.
    again = [_accept(organisation, n, key=f"key-{n}") for n in range(SUBMISSIONS)]
    assert [(a.status, a.body, a.replayed) for a in again] == [
        (a.status, a.body, True) for a in first]

    finisher = command_in_a_process("run-tasks", "--queue-name", "intake", **FAST)
    try:
        _until(lambda: _registered() == SUBMISSIONS)
    finally:
        _stop(finisher)

    submissions = RawSubmission.objects.filter(public_id__isnull=False)
    assert submissions.count() == SUBMISSIONS  # a retry is never a second submission
    assert set(submissions.values_list("outcome", flat=True)) == {Outcome.REGISTERED}
    assert Case.objects.count() == SUBMISSIONS
    assert Person.objects.count() == ExternalReference.objects.count() == SUBMISSIONS * SIZE
    assert AuditEntry.objects.filter(action="case.registered").count() == SUBMISSIONS
    references = [s.answer[0]["reference"] for s in submissions]
    assert sorted(references) == sorted(Case.objects.values_list("reference", flat=True))
