"""By default the duplicate check of a small registration runs after its commit, off the
request: the registration leaves a pending check, a thread of the process works it."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import pytest
from django.core.management import call_command

from safepassage.audit.models import AuditEntry
from safepassage.audit.selectors import verify_chain
from safepassage.audit.services import BACKGROUND_LANE
from safepassage.linkage import background, services
from safepassage.linkage.models import CandidatePair, PendingCheck
from tests.conftest import person


@pytest.fixture
def in_background(settings: Any) -> None:
    settings.LINKAGE_INSTANT_CHECK = "background"


def test_a_registration_leaves_a_pending_check_and_wakes_the_checker_after_commit(
    in_background: None, make_case: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    make_case(person())
    with django_capture_on_commit_callbacks() as callbacks:
        second = make_case(person(given_name="Zabihollah", tazkira_number="",
                                  passport_number=""))
    assert background.wake in callbacks
    assert PendingCheck.objects.filter(household=second.household).exists()
    assert not CandidatePair.objects.exists()

    assert services.run_pending_checks() == 2

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


@pytest.mark.django_db(transaction=True)
def test_the_checker_thread_finds_the_duplicate_after_the_commit(in_background: None,
                                                                 make_case: Any) -> None:
    make_case(person())
    second = make_case(person(given_name="Zabihollah", tazkira_number="", passport_number=""))

    deadline = time.monotonic() + 60
    while PendingCheck.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.1)

    assert not PendingCheck.objects.exists()
    assert CandidatePair.objects.get().person_b.household_id == second.household_id


def test_with_a_checker_process_the_web_process_only_leaves_the_check_waiting(
    settings: Any, make_case: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    settings.LINKAGE_INSTANT_CHECK = "worker"
    make_case(person())
    with django_capture_on_commit_callbacks() as callbacks:
        second = make_case(person(given_name="Zabihollah", tazkira_number="",
                                  passport_number=""))
    assert background.wake not in callbacks
    assert PendingCheck.objects.filter(household=second.household).exists()
    assert not CandidatePair.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_following_checker_works_registrations_as_they_come_until_stopped(
    settings: Any, make_case: Any,
) -> None:
    settings.LINKAGE_INSTANT_CHECK = "worker"
    stop = threading.Event()
    checked: list[int] = []
    follower = threading.Thread(target=lambda: checked.append(
        services.follow_pending_checks(stop=stop, poll_seconds=0.05)))
    follower.start()
    try:
        make_case(person())
        second = make_case(person(given_name="Zabihollah", tazkira_number="",
                                  passport_number=""))
        deadline = time.monotonic() + 60
        while not CandidatePair.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        follower.join(60)
    assert not follower.is_alive()
    assert CandidatePair.objects.get().person_b.household_id == second.household_id
    assert checked == [2]
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
