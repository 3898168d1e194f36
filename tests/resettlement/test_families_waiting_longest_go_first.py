"""A family waiting past the cap (RESETTLEMENT_WAIT_CAP_WEEKS) is placed ahead of newer arrivals,
every family left out says how long it has waited, and the runner runs the week's batch by
itself when staff have not (decision 0066)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from safepassage.accounts import permissions
from safepassage.resettlement import services
from safepassage.resettlement.models import Batch, CaseFile
from safepassage.runner import services as runner
from tests.conftest import run_ready_tasks
from tests.resettlement.conftest import ARRIVAL_DAY

pytestmark = pytest.mark.django_db

WEEKLY = "safepassage.resettlement.tasks.run_weekly_batch"


def test_a_family_waiting_past_the_cap_goes_before_a_better_scoring_newcomer(
        arrived_case, resettler, make_place, settings) -> None:
    settings.RESETTLEMENT_WAIT_CAP_WEEKS = 4
    place = make_place(children=10, adults=3, seniors=0, units_small=0, units_medium=1,
                       units_large=0)  # room for one household
    waiting, newcomer = arrived_case(name="Ahmadzai", size=3), arrived_case(name="Safi", size=3)
    week_of = ARRIVAL_DAY + dt.timedelta(weeks=6)
    # The newcomer came on a later flight, a week ago.
    CaseFile.objects.filter(case=newcomer).update(arrived_on=week_of - dt.timedelta(days=7))
    services.record_score(actor=resettler, case=waiting, place=place, score=0.3)
    services.record_score(actor=resettler, case=newcomer, place=place, score=0.9)

    batch = services.run_batch(actor=resettler, week_of=week_of)

    assert batch.offers.count() == 1, batch.unplaced
    [offer] = batch.offers.all()
    assert offer.case == waiting
    assert offer.score == pytest.approx(0.3)  # the score kept is the expected outcome
    assert offer.reasons["weeks_waited"] == 6
    assert offer.reasons["wait_priority"] == pytest.approx(2 * settings.RESETTLEMENT_WAIT_PRIORITY)
    [left] = batch.unplaced
    assert left["case"] == newcomer.reference
    assert left["weeks_waited"] == 1
    assert left["reason"].endswith("it has waited 1 weeks since it arrived")


def test_within_the_cap_the_better_score_wins(arrived_case, resettler, make_place,
                                              settings) -> None:
    settings.RESETTLEMENT_WAIT_CAP_WEEKS = 10
    place = make_place(children=10, adults=3, seniors=0, units_small=0, units_medium=1,
                       units_large=0)
    waiting, newcomer = arrived_case(name="Ahmadzai", size=3), arrived_case(name="Safi", size=3)
    week_of = ARRIVAL_DAY + dt.timedelta(weeks=6)
    services.record_score(actor=resettler, case=waiting, place=place, score=0.3)
    services.record_score(actor=resettler, case=newcomer, place=place, score=0.9)

    batch = services.run_batch(actor=resettler, week_of=week_of)

    assert [o.case for o in batch.offers.all()] == [newcomer]
    assert batch.unplaced[0]["reason"].endswith("it has waited 6 weeks since it arrived")


def test_the_runner_runs_the_weeks_batch_once_unless_staff_did(
        arrived_case, resettler, make_place, settings) -> None:
    settings.RESETTLEMENT_BATCH_WEEKDAY = 2  # Wednesday
    make_place()
    case = arrived_case(name="Ahmadzai", size=3)
    monday = ARRIVAL_DAY - dt.timedelta(days=ARRIVAL_DAY.weekday()) + dt.timedelta(weeks=1)
    actor = permissions.WEEKLY_PLACEMENT

    assert services.run_scheduled_batch(actor=actor, today=monday) is None  # not yet due
    batch = services.run_scheduled_batch(actor=actor, today=monday + dt.timedelta(days=2))
    assert batch is not None and [o.case for o in batch.offers.all()] == [case]
    assert batch.run_by is None  # the system, named in the audit log
    assert services.run_scheduled_batch(actor=actor, today=monday + dt.timedelta(days=4)) is None
    # Staff ran the next week's on Monday: the runner leaves that week alone.
    services.run_batch(actor=resettler, week_of=monday + dt.timedelta(weeks=1))
    assert services.run_scheduled_batch(
        actor=actor, today=monday + dt.timedelta(weeks=1, days=3)) is None
    assert Batch.objects.count() == 2


def test_the_weekly_batch_is_on_the_runners_schedule(settings) -> None:
    today = timezone.localdate()
    settings.RESETTLEMENT_BATCH_WEEKDAY = today.weekday()
    assert WEEKLY in settings.RUNNER_SCHEDULE
    assert WEEKLY in runner.enqueue_due_schedules()
    run_ready_tasks()
    [task] = DBTaskResult.objects.filter(task_path=WEEKLY)
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert Batch.objects.filter(week_of=today, run_by=None).count() == 1
