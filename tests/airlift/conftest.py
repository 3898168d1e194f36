"""Approved, ready households and flights for the airlift tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from safepassage.accounts.models import Role, User
from safepassage.airlift import services
from safepassage.airlift.models import Flight
from safepassage.registry.models import Case, Status
from safepassage.registry.services import PersonData, change_case_status
from tests.conftest import make_ready, person

DAY = dt.datetime(2021, 8, 20, 4, 0, tzinfo=dt.UTC)


@pytest.fixture
def officer(make_user: Callable[..., User]) -> User:
    return make_user(Role.AIRLIFT_OFFICER)


@pytest.fixture
def make_ready_case(
    make_case: Callable[..., Case], make_user: Callable[..., User], officer: User
) -> Callable[..., Case]:
    supervisor = make_user(Role.SUPERVISOR)

    def make(
        *members: PersonData, priority: int | None = 1, category: str = "interpreter",
        ready_at: dt.datetime | None = DAY - dt.timedelta(days=1), extra_seats: int = 0,
        family: str = "Stanikzai",
    ) -> Case:
        case = make_case(*(members or [person(family_name=family)]), category=category)
        for status in (Status.UNDER_REVIEW, Status.ELIGIBLE, Status.APPROVED):
            change_case_status(actor=supervisor, case=case, to_status=status)
        Case.objects.filter(pk=case.pk).update(priority=priority)
        case.refresh_from_db()
        if ready_at is not None:
            make_ready(officer, case, ready_at=ready_at, extra_seats=extra_seats)
        return case

    return make


@pytest.fixture
def make_flight(officer: User) -> Callable[..., Flight]:
    counter = iter(range(1, 1000))

    def make(
        seats: int, *, hours: float = 0, allowed: tuple[str, ...] = (), **extra: Any
    ) -> Flight:
        return services.create_flight(
            actor=officer, code=f"SP{next(counter):03d}", destination="ISB",
            departs_at=DAY + dt.timedelta(hours=hours), seats=seats,
            allowed_categories=allowed, **extra,
        )

    return make


def family(name: str, size: int, *, infants: int = 0) -> list[PersonData]:
    """A household of `size` people whose last `infants` members are under two in Aug 2021."""
    members = [person(given_name=f"{name}{i}", family_name=name,
                      passport_number=f"P{abs(hash(name)) % 10**7:07d}{i}")
               for i in range(size - infants)]
    members += [person(given_name=f"Baby{name}{i}", family_name=name, passport_number="",
                       tazkira_number="", birth_date=dt.date(2020, 11, 1),
                       relationship_to_head="son") for i in range(infants)]
    return members
