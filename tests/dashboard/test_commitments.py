"""A public commitment's progress follows the cases, with a burn-up and a projected date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safepassage.accounts.models import Role, User
from safepassage.dashboard import selectors
from safepassage.dashboard.models import Commitment, Counts
from safepassage.dashboard.services import record_commitment
from safepassage.registry.models import Case, Status, StatusChange
from tests.conftest import Journey, person

pytestmark = pytest.mark.django_db



@pytest.fixture
def staff(make_user: Callable[..., User]) -> dict[str, User]:
    return {"admin": make_user(Role.ADMINISTRATOR), "gate": make_user(Role.GATE_AGENT)}


def progress_of(commitment: Commitment, **kwargs: Any) -> selectors.Progress:
    return selectors.commitment_progress(commitment, selectors.case_groups(), **kwargs)


def test_progress_follows_a_case_moving_to_resettled(
    make_case: Callable[..., Case], staff: dict[str, User], journey: Journey
) -> None:
    commitment = record_commitment(actor=staff["admin"], title="Resettle 21,000 Afghans",
                                   target=21000, counts=Counts.AFGHANS_RESETTLED)
    family = make_case(person(), person(given_name="Mariam"), person(given_name="Omid"),
                       category="interpreter")
    citizen = make_case(person(given_name="Anna"), category="citizen")
    journey.walk(family, Status.ARRIVED)
    journey.walk(citizen, Status.ARRIVED)
    assert progress_of(commitment).achieved == 0

    journey.resettle(family)
    journey.resettle(citizen)

    progress = progress_of(commitment)
    assert progress.achieved == 3, "three Afghans resettled; the citizen does not count"
    assert progress.burn_up == [(timezone.localdate(), 3)]


def test_citizens_evacuated_count_boarded_arrived_and_resettled_citizens(
    make_case: Callable[..., Case], staff: dict[str, User], journey: Journey
) -> None:
    commitment = record_commitment(actor=staff["admin"], title="Bring home every citizen",
                                   target=10, counts=Counts.CITIZENS_EVACUATED)
    boarded = make_case(person(), person(given_name="Sara"), category="citizen")
    journey.walk(boarded, Status.BOARDED)
    approved_only = make_case(person(), category="citizen")
    journey.walk(approved_only, Status.APPROVED)
    interpreter = make_case(person(), category="interpreter")
    journey.walk(interpreter, Status.ARRIVED)

    assert progress_of(commitment).achieved == 2


def test_the_projected_date_follows_the_recent_pace(
    make_case: Callable[..., Case], staff: dict[str, User], journey: Journey
) -> None:
    commitment = record_commitment(actor=staff["admin"], title="Evacuate 100", target=100,
                                   counts=Counts.PEOPLE_EVACUATED,
                                   announced_on=dt.date(2021, 8, 1),
                                   deadline=dt.date(2021, 9, 30))
    as_of = dt.date(2021, 8, 29)
    # 20 people boarded over the 28 days to 29 August: 5 households of 4, a week apart.
    for week in range(5):
        case = make_case(*[person(given_name=f"P{i}") for i in range(4)])
        journey.walk(case, Status.BOARDED)
        StatusChange.objects.filter(case=case, to_status=Status.BOARDED).update(
            at=dt.datetime(2021, 8, 2 + 6 * week, 12, tzinfo=dt.UTC))

    progress = progress_of(commitment, as_of=as_of)
    assert progress.achieved == 20
    assert progress.pace_per_day == pytest.approx(20 / 28)
    # 80 more people at 20 per 28 days: 112 days after 29 August.
    assert progress.projected == as_of + dt.timedelta(days=112)
    assert progress.on_track is False
    assert [total for _day, total in progress.burn_up] == [4, 8, 12, 16, 20]


def test_without_recent_progress_there_is_no_projected_date(
    make_case: Callable[..., Case], staff: dict[str, User], journey: Journey
) -> None:
    commitment = record_commitment(actor=staff["admin"], title="Resettle", target=5,
                                   counts=Counts.PEOPLE_RESETTLED)
    make_case()
    progress = progress_of(commitment)
    assert (progress.achieved, progress.projected, progress.pace_per_day) == (0, None, 0)


def test_only_supervisors_and_administrators_record_commitments_and_bad_input_is_named(
    make_user: Callable[..., User]
) -> None:
    with pytest.raises(PermissionDenied):
        record_commitment(actor=make_user(Role.CASEWORKER), title="x", target=1,
                          counts=Counts.PEOPLE_RESETTLED)
    with pytest.raises(ValidationError) as error:
        record_commitment(actor=make_user(Role.SUPERVISOR), title=" ", target=0,
                          counts="everyone")
    assert set(error.value.message_dict) == {"title", "target", "counts"}


def test_a_supervisor_records_a_commitment_through_the_form(client_for: Any) -> None:
    client, _user = client_for(Role.SUPERVISOR)
    response = client.post("/dashboard/commitments/new/", {
        "title": "Resettle 21,000 Afghans", "target": "21000",
        "counts": Counts.AFGHANS_RESETTLED, "deadline": "2023-12-31",
        "announced_on": "2021-08-18"})
    assert response.status_code == 302
    assert Commitment.objects.get().target == 21000

    response = client.post("/dashboard/commitments/new/", {"title": "", "target": "-3",
                                                           "counts": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"title", "target", "counts"}
