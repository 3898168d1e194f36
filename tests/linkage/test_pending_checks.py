"""By default the duplicate check of a small registration runs after its commit, off the
request: the registration leaves a pending check and wakes the background runner, which works
it (and looks every minute for checks whose wake-up was lost)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from safepassage.audit.models import AuditEntry
from safepassage.audit.selectors import verify_chain
from safepassage.audit.services import BACKGROUND_LANE
from safepassage.linkage import services
from safepassage.linkage.models import CandidatePair, PendingCheck
from safepassage.runner import services as runner
from tests.conftest import person, run_ready_tasks

CHECK_TASK = "safepassage.linkage.tasks.check_duplicates"


@pytest.fixture
def in_background(settings: Any) -> None:
    settings.LINKAGE_INSTANT_CHECK = "background"


def test_a_registration_leaves_a_pending_check_and_wakes_the_runner_after_commit(
    in_background: None, make_case: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        make_case(person())
    with django_capture_on_commit_callbacks(execute=True):
        second = make_case(person(given_name="Zabihollah", tazkira_number="",
                                  passport_number=""))
    assert PendingCheck.objects.filter(household=second.household).exists()
    assert not CandidatePair.objects.exists()
    # One task for the burst: the second wake-up found the first one's task still waiting.
    assert DBTaskResult.objects.ready().get().task_path == CHECK_TASK

    assert run_ready_tasks() == 1
    assert DBTaskResult.objects.get().return_value == 2

    pair = CandidatePair.objects.get()
    assert pair.person_b.household_id == second.household_id
    assert not PendingCheck.objects.exists()
    assert services.run_pending_checks() == 0
    # Audited on a lane of its own: the checker runs niced, and registrations must never wait
    # for it to let go of the head of their lane.
    entry = AuditEntry.objects.get(action="linkage.possible_duplicate")
    assert entry.lane == BACKGROUND_LANE
    assert not AuditEntry.objects.filter(action="case.registered", lane=BACKGROUND_LANE).exists()
    assert verify_chain() == []


def test_waiting_registrations_checked_in_one_pass_each_find_their_own_duplicate(
    in_background: None, make_case: Any,
) -> None:
    """The checker scores many waiting registrations in one pass: each is compared with its
    own candidates, as if checked alone."""
    first_a = make_case(person())
    first_b = make_case(person(given_name="Freshta", family_name="Noori", father_name="Wahid",
                               name_native="فرشته نوری", birth_date=dt.date(1992, 1, 9),
                               birth_date_text="", sex="female", phones=["+93700111222"],
                               tazkira_number="140009998888", passport_number="P07777777"))
    again_a = make_case(person(given_name="Zabihollah", tazkira_number="", passport_number=""))
    again_b = make_case(person(given_name="Freshteh", family_name="Noori", father_name="Wahid",
                               name_native="", birth_date=dt.date(1992, 1, 9),
                               birth_date_text="", sex="female", phones=["+93700111222"],
                               tazkira_number="", passport_number=""))

    assert services.run_pending_checks(limit=services.CHECKS_PER_PASS) == 4

    pairs = {(p.person_a.household_id, p.person_b.household_id)
             for p in CandidatePair.objects.select_related("person_a", "person_b")}
    assert pairs == {(first_a.household_id, again_a.household_id),
                     (first_b.household_id, again_b.household_id)}
    assert not PendingCheck.objects.exists()


def test_the_command_works_what_is_waiting(in_background: None, make_case: Any,
                                           capsys: Any) -> None:
    make_case(person())
    make_case(person(given_name="Zabihollah", tazkira_number="", passport_number=""))

    call_command("check_duplicates")

    assert "checked 2 registrations (2 were waiting)" in capsys.readouterr().out
    assert CandidatePair.objects.count() == 1


def test_a_large_batch_is_left_to_the_full_linkage_run(in_background: None,
                                                      make_case: Any) -> None:
    members = [person(given_name=f"Name{i}", tazkira_number=f"{i}", passport_number="",
                      phones=[]) for i in range(services.INSTANT_CHECK_MAX_PERSONS + 1)]
    make_case(*members)
    assert not PendingCheck.objects.exists()


def test_a_check_whose_wake_up_was_lost_is_found_by_the_runners_periodic_check(
    in_background: None, make_case: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    make_case(person())
    with django_capture_on_commit_callbacks(execute=False):  # the web process died at commit
        second = make_case(person(given_name="Zabihollah", tazkira_number="",
                                  passport_number=""))
    assert not DBTaskResult.objects.exists()

    assert CHECK_TASK in runner.enqueue_due_schedules()
    run_ready_tasks()

    assert CandidatePair.objects.get().person_b.household_id == second.household_id
    assert not PendingCheck.objects.exists()


def test_a_candidate_without_features_does_not_stop_the_checks(
    in_background: None, make_case: Any,
) -> None:
    """A person whose features are missing (a failed backfill, a hand-made fix) is left out of
    the pass; the registration's other candidates are still weighed and the check is done."""
    from safepassage.linkage.models import PersonFeatures

    first = make_case(person())
    broken = make_case(person(given_name="Zabihulla", tazkira_number="", passport_number=""))
    PersonFeatures.objects.filter(person__household=broken.household).delete()
    PendingCheck.objects.all().delete()
    third = make_case(person(given_name="Zabihollah", tazkira_number="", passport_number=""))

    assert services.run_pending_checks() == 1

    pairs = {(p.person_a.household_id, p.person_b.household_id)
             for p in CandidatePair.objects.select_related("person_a", "person_b")}
    assert (first.household_id, third.household_id) in pairs
    assert not PendingCheck.objects.exists()
