"""A background task that fails is recorded as failed and tried again later, each time after a
longer wait, until it succeeds or its attempts run out; then the app is told why."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.conftest import run_ready_tasks
from tests.runner import flaky_tasks

pytestmark = pytest.mark.django_db


def _next_attempt() -> DBTaskResult:
    """The attempt waiting for its time, made due now."""
    waiting = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=timezone.now())
    return waiting


def _delay(result: DBTaskResult) -> dt.timedelta:
    return result.run_after - DBTaskResult.objects.filter(
        status=TaskResultStatus.FAILED).latest("finished_at").finished_at


def test_a_failed_attempt_is_recorded_and_tried_again_after_a_growing_delay() -> None:
    flaky_tasks.fails_until.enqueue("growing", 3)

    assert run_ready_tasks() == 1
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    assert failed.exception_class_path == "builtins.ConnectionError"
    assert "the provider is away" in failed.traceback
    second = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert dt.timedelta(seconds=9) < _delay(second) <= dt.timedelta(seconds=11)
    assert run_ready_tasks() == 0  # not before its time

    _next_attempt()
    run_ready_tasks()
    third = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert dt.timedelta(seconds=19) < _delay(third) <= dt.timedelta(seconds=21)

    _next_attempt()
    run_ready_tasks()
    succeeded = DBTaskResult.objects.get(status=TaskResultStatus.SUCCESSFUL)
    assert succeeded.return_value == 3
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 2
    assert not [key for key, _reason in flaky_tasks.given_up if key == "growing"]


def test_a_task_that_keeps_failing_is_given_up_with_its_reason() -> None:
    flaky_tasks.fails_until.enqueue("hopeless", 99)

    run_ready_tasks()
    for _retry in range(2):
        _next_attempt()
        run_ready_tasks()

    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 3
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    assert [entry for entry in flaky_tasks.given_up if entry[0] == "hopeless"] == [
        ("hopeless", "it failed 3 times on an internal error")]
