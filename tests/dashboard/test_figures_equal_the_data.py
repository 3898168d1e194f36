"""Every dashboard figure equals a count made directly from the cases in the test."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from safepassage.accounts import permissions
from safepassage.accounts.models import Organisation, Role
from safepassage.dashboard import selectors
from safepassage.registry.models import Case, Channel, Status
from safepassage.registry.services import HouseholdData, register_households
from tests.conftest import Journey, person

pytestmark = pytest.mark.django_db

# (category, status, household size, referrer index or None, days after 15 August)
CASES = [
    ("interpreter", Status.REGISTERED, 3, 0, 0),
    ("interpreter", Status.ELIGIBLE, 1, 0, 0),
    ("interpreter", Status.RESETTLED, 4, 1, 1),
    ("citizen", Status.BOARDED, 2, None, 1),
    ("citizen", Status.ARRIVED, 1, None, 2),
    ("citizen", Status.LEFT_BEHIND, 5, None, 2),
    ("journalist", Status.NO_SHOW, 2, 1, 3),
    ("journalist", Status.APPROVED, 3, 1, 3),
    ("journalist", Status.MANIFESTED, 1, 0, 3),
    ("woman_leader", Status.INELIGIBLE, 2, None, 4),
    ("woman_leader", Status.ON_HOLD, 1, 0, 4),
    ("woman_leader", Status.WITHDRAWN, 6, 1, 5),
    ("woman_leader", Status.LEFT_BEHIND, 2, 0, 5),
]


@pytest.fixture
def registry(make_organisation: Callable[..., Organisation], journey: Journey) -> list[Case]:
    orgs = [make_organisation("Veterans for Afghan Allies"), make_organisation("Journalists")]
    start = dt.datetime(2021, 8, 15, 9, 0, tzinfo=dt.UTC)
    cases = []
    for org in [None, 0, 1]:  # one batch per referrer, as an import would
        rows = [row for row in CASES if row[3] == org]
        batch = register_households(
            actor=permissions.DEMO, channel=Channel.DEMO,
            organisation=orgs[org] if org is not None else None,
            households=[HouseholdData([person(given_name=f"Member{i}") for i in range(size)],
                                      category, registered_at=start + dt.timedelta(days=day))
                        for category, _status, size, _org, day in rows],
        )
        for case, (_category, status, *_rest) in zip(batch, rows, strict=True):
            journey.walk(case, status)
        cases += [Case.objects.get(pk=c.pk) for c in batch]
    return cases


def _people(case: Case) -> int:
    return case.household.members.count()


def _expected_stage(cases: list[Case], statuses: set[str]) -> int:
    return sum(_people(c) for c in cases if c.status in statuses)


def test_the_funnel_counts_people_at_or_past_each_stage(registry: list[Case]) -> None:
    groups = selectors.case_groups()
    funnel = {row.key: (row.people, row.cases) for row in selectors.funnel(groups)}

    everyone = sum(_people(c) for c in registry)
    assert funnel["registered"] == (everyone, len(registry))
    assert funnel["unique"][0] == everyone  # no linkage yet: every registration counts
    assert funnel["eligible"][0] == _expected_stage(registry, {
        Status.ELIGIBLE, Status.APPROVED, Status.MANIFESTED, Status.BOARDED, Status.ARRIVED,
        Status.RESETTLED, Status.NO_SHOW, Status.LEFT_BEHIND})
    assert funnel["approved"][0] == 4 + 2 + 1 + 5 + 2 + 2 + 3 + 1
    assert funnel["manifested"][0] == _expected_stage(registry, {
        Status.MANIFESTED, Status.BOARDED, Status.ARRIVED, Status.RESETTLED, Status.NO_SHOW})
    assert funnel["boarded"] == (4 + 2 + 1, 3)
    assert funnel["arrived"] == (4 + 1, 2)
    assert funnel["resettled"] == (4, 1)


def test_categories_and_referrers_sum_to_their_own_cases(registry: list[Case]) -> None:
    groups = selectors.case_groups()
    by_category = {b.key: b for b in selectors.by_category(groups)}
    for category in {c.category for c in registry}:
        mine = [c for c in registry if c.category == category]
        assert by_category[category].registered == sum(_people(c) for c in mine)
        assert by_category[category].cases == len(mine)
        assert by_category[category].people.get("boarded", 0) == _expected_stage(
            mine, {Status.BOARDED, Status.ARRIVED, Status.RESETTLED})

    by_org = {b.label: b for b in selectors.by_organisation(groups)}
    for org_name in ["Veterans for Afghan Allies", "Journalists"]:
        mine = [c for c in registry if c.referring_organisation and
                c.referring_organisation.name == org_name]
        assert by_org[org_name].registered == sum(_people(c) for c in mine)
    direct = [c for c in registry if c.referring_organisation is None]
    assert by_org["Registered directly"].registered == sum(_people(c) for c in direct)


def test_people_left_behind_and_no_shows_are_counted_by_category(registry: list[Case]) -> None:
    rows = {label: (lb, ns) for label, lb, ns in selectors.left_behind(selectors.case_groups())}
    assert rows["Citizen"] == (5, 0)
    assert rows["Woman leader"] == (2, 0)
    assert rows["Journalist"] == (0, 2)
    assert "Interpreter" not in rows


def test_registrations_per_day_count_the_cases_registered_that_day(registry: list[Case]
                                                                  ) -> None:
    expected = Counter(timezone.localtime(c.created_at).date() for c in registry)
    assert dict(selectors.registrations_per_day()) == dict(expected)


def test_the_figures_take_a_fixed_number_of_queries_whatever_the_number_of_cases(
    registry: list[Case], make_user: Callable[..., Any],
    django_assert_max_num_queries: Any,
) -> None:
    supervisor = make_user(Role.SUPERVISOR)
    with django_assert_max_num_queries(12) as few:
        selectors.operations_picture(actor=supervisor)
    register_households(actor=permissions.DEMO, channel=Channel.DEMO, households=[
        HouseholdData([person(given_name=f"New{i}")], "journalist") for i in range(20)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        selectors.operations_picture(actor=supervisor)


def test_flights_are_reported_as_none_until_the_airlift_records_them(
    make_case: Callable[..., Case]
) -> None:
    make_case()
    assert selectors.flight_seats() == []


def test_a_recent_snapshot_is_reused_and_the_refresh_command_renews_it(
    registry: list[Case], make_case: Callable[..., Case]
) -> None:
    from django.core.management import call_command

    first = selectors.picture(max_age=60).funnel[0].cases
    make_case(category="journalist")
    assert selectors.picture(max_age=60).funnel[0].cases == first, "within a minute: reused"
    call_command("refresh-dashboard".replace("-", "_"))
    assert selectors.picture(max_age=60).funnel[0].cases == first + 1
    assert selectors.picture(max_age=0).funnel[0].cases == first + 1
