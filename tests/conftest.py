"""Factories shared by the whole suite: organisations, staff of every role, households and cases."""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY

from safepassage.accounts import permissions
from safepassage.accounts.models import Organisation, Role, User
from safepassage.accounts.services import create_staff_user
from safepassage.airlift import services as airlift
from safepassage.airlift.models import FlightStatus
from safepassage.registry.models import Case, Channel, Relationship, Sex, Status
from safepassage.registry.services import (
    PersonData,
    change_case_status,
    register_household,
)

_counter = itertools.count(1)
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """A request with ?lang= activates its language in the worker thread, where it would stay
    for the next test; each test starts in the default language instead."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def make_organisation(db: Any) -> Callable[..., Organisation]:
    def make(name: str | None = None) -> Organisation:
        n = next(_counter)
        name = name or f"Partner {n}"
        return Organisation.objects.create(name=name, slug=f"partner-{n}")

    return make


@pytest.fixture
def make_user(db: Any, make_organisation: Callable[..., Organisation]) -> Callable[..., User]:
    def make(role: str = Role.CASEWORKER, organisation: Organisation | None = None) -> User:
        if role == Role.PARTNER and organisation is None:
            organisation = make_organisation()
        user, _device = create_staff_user(
            username=f"{role}-{next(_counter)}", password=PASSWORD, role=role,
            organisation=organisation,
        )
        return user

    return make


def sign_in(client: Client, user: User) -> Client:
    """Sign a test client in with both factors, as the sign-in page would."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
    session.save()
    return client


@pytest.fixture
def client_for(make_user: Callable[..., User]) -> Callable[..., tuple[Client, User]]:
    def make(role: str = Role.CASEWORKER, organisation: Organisation | None = None):
        user = make_user(role, organisation)
        return sign_in(Client(), user), user

    return make


def person(**overrides: Any) -> PersonData:
    values: dict[str, Any] = {
        "given_name": "Zabihullah",
        "family_name": "Stanikzai",
        "father_name": "Abdul Rahman",
        "name_native": "ذبیح الله ستانکزی",
        "birth_date": dt.date(1987, 6, 5),
        "birth_date_precision": "day",
        "birth_date_text": "1366/03/15",
        "sex": Sex.MALE,
        "phones": ["+93791234567"],
        "tazkira_number": "140001011234",
        "passport_number": "P01234567",
        "province": "Kabul",
        "relationship_to_head": Relationship.HEAD,
    }
    values.update(overrides)
    return PersonData(**values)


@pytest.fixture
def make_case(db: Any) -> Callable[..., Case]:
    def make(
        *members: PersonData,
        category: str = "interpreter",
        organisation: Organisation | None = None,
        channel: str = Channel.DEMO,
    ) -> Case:
        actor = permissions.PUBLIC_FORM if channel == Channel.WEB_FORM else permissions.DEMO
        return register_household(
            actor=actor, members=list(members) or [person()], category=category,
            channel=channel, organisation=organisation,
        )

    return make


# --- The background runner -------------------------------------------------------------------


def run_ready_tasks(queue_names: str = "*") -> int:
    """Run in this process, one after the other, the tasks ready now, as a `run-tasks` worker
    would (without its heartbeat thread, which would not see this test's transaction, nor its
    closing of old connections, which would close the test's). The number run."""
    from django.db import transaction
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(queue_names=queue_names.split(","), interval=0, batch=True,
                    backend_name="default", startup_delay=False, max_tasks=None,
                    worker_id="test-worker", excluded_queue_names=[])
    ready = DBTaskResult.objects.ready()
    if queue_names != "*":
        ready = ready.filter(queue_name__in=queue_names.split(","))
    done = 0
    while True:
        with transaction.atomic():
            result = ready.get_locked()
            if result is None:
                return done
            result.claim(worker.worker_id)
        worker.run_task(result)
        done += 1


def command_in_a_process(*arguments: str, **environment: str) -> Any:
    """Start `safepassage ARGUMENTS` in a process of its own, on this test's database, with the
    data keys this process holds now (other tests rotate them in memory)."""
    import subprocess
    import sys
    from pathlib import Path

    from django.db import connection

    from safepassage.protection.keys import load_keyring, write_key_file

    root = Path(__file__).resolve().parents[1]
    name = f"process-{os.getpid()}-{next(_counter)}"
    write_key_file(settings.VAR_DIR / f"test-data-keys-{name}.json", load_keyring())
    s = connection.settings_dict
    url = (f"sqlite:///{s['NAME']}" if connection.vendor == "sqlite"
           else f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTEST_XDIST_WORKER": name,
           "DATABASE_URL": url, "PYTHONPATH": f"{root / 'src'}:{root}", **environment}
    return subprocess.Popen([sys.executable, "-m", "safepassage.cli", *arguments], cwd=root,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


# --- A real browser: Playwright driving Debian's Chromium -------------------------------------

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def chromium() -> Any:
    """One headless Chromium per test worker; each test gets a fresh context from `page`."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"]
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any) -> Any:
    context = chromium.new_context()
    yield context.new_page()
    context.close()


def sign_in_with_browser(page: Any, live_server: Any, user: User) -> None:
    """Sign in through the real sign-in form, with the password and the current TOTP code."""
    from safepassage.accounts.management.commands.demo_users import current_code

    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("User name").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Six-digit code from your authenticator app").fill(
        current_code(user.totpdevice_set.get())
    )
    page.get_by_role("button", name="Sign in").click()


# --- A household's journey, earned through the services that own each fact ------------------


def make_ready(officer: User, case: Case, *, ready_at: dt.datetime | None = None,
               extra_seats: int = 0, assembly_point: str = "Abbey Gate, Kabul airport") -> Any:
    """Every readiness fact recorded for an approved household: each member's document
    checked, consent to travel, an assembly point (medical clearance not needed)."""
    members = list(case.household.members.values_list("pk", flat=True))
    return airlift.set_readiness(actor=officer, case=case, ready_at=ready_at,
                                 extra_seats=extra_seats, documents_checked=members,
                                 assembly_point=assembly_point, consent=True)


class Journey:
    """Moves cases as the operation does: decisions by a supervisor, a seat from an airlift
    officer, boarding at the gate by a gate agent, arrival by the flight's landing. No status
    is set by hand (decision 0070)."""

    def __init__(self, make_user: Callable[..., User]) -> None:
        self.supervisor = make_user(Role.SUPERVISOR)
        self.officer = make_user(Role.AIRLIFT_OFFICER)
        self.gate_agent = make_user(Role.GATE_AGENT)
        self.resettler = make_user(Role.CASEWORKER)
        self._codes = itertools.count(1)

    def approve(self, case: Case) -> Case:
        for status in (Status.UNDER_REVIEW, Status.ELIGIBLE, Status.APPROVED):
            change_case_status(actor=self.supervisor, case=case, to_status=status)
        return case

    def flight(self, seats: int = 50, *, departs_at: dt.datetime | None = None,
               allowed: tuple[str, ...] = (), destination: str = "ISB") -> Any:
        return airlift.create_flight(
            actor=self.officer, code=f"JR{next(self._codes):04d}", destination=destination,
            departs_at=departs_at or dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
            seats=seats, allowed_categories=allowed)

    def seat(self, case: Case, flight: Any = None) -> Any:
        """Ready and seated (manifested), on `flight` or a new one."""
        flight = flight or self.flight()
        make_ready(self.officer, case, ready_at=flight.departs_at - dt.timedelta(days=1))
        return airlift.assign_seat(actor=self.officer, case=case, flight=flight)

    def board(self, case: Case, flight: Any = None) -> Any:
        """Seated, then boarded at the gate; returns the seat."""
        seat = self.seat(case, flight)
        if seat.flight.status != FlightStatus.BOARDING:
            airlift.set_flight_status(actor=self.officer, flight=seat.flight,
                                      status=FlightStatus.BOARDING)
        return airlift.record_gate(actor=self.gate_agent, seat=seat, event="boarded")

    def land(self, flight: Any, at: dt.datetime | None = None) -> Any:
        """The flight departs and lands: its boarded households arrive."""
        flight.refresh_from_db()
        if flight.status != FlightStatus.DEPARTED:
            airlift.set_flight_status(actor=self.officer, flight=flight,
                                      status=FlightStatus.DEPARTED)
        return airlift.record_landing(actor=self.officer, flight=flight, landed_at=at)

    def resettle(self, case: Case) -> Case:
        """Arrived, reconciled at arrival, then resettled by its milestones, each done through
        the resettlement app's services (a one-step programme if none is the default)."""
        from safepassage.resettlement import services as resettlement
        from safepassage.resettlement.models import ArrivalRecord, FlightArrival, Milestone

        if case.status != Status.ARRIVED:
            self.arrive(case)
        if resettlement.Programme.objects.filter(is_default=True).first() is None:
            resettlement.create_programme(actor=self.resettler, name="Resettlement",
                                          is_default=True,
                                          steps=[resettlement.StepSpec("Met at arrival", 0)])
        flight = case.seats.exclude(gate="no_show").get().flight
        if not FlightArrival.objects.filter(flight=flight, landed_at__isnull=False).exists():
            resettlement.open_reconciliation(actor=self.resettler, flight=flight)
        for record in ArrivalRecord.objects.filter(flight=flight, case=case):
            resettlement.record_arrival(actor=self.resettler, record=record, outcome="arrived")
        for milestone in Milestone.objects.filter(case_file__case=case, done_at__isnull=True):
            resettlement.complete_milestone(actor=self.resettler, milestone=milestone)
        case.refresh_from_db()
        return case

    def decide(self, case: Case, *statuses: str) -> Case:
        """Decisions, each by the role that makes it (a supervisor, or an officer for left
        behind)."""
        for status in statuses:
            actor = self.officer if status == Status.LEFT_BEHIND else self.supervisor
            change_case_status(actor=actor, case=case, to_status=status)
        return case

    def no_show(self, case: Case, flight: Any = None) -> Any:
        """Seated, then marked a no-show at the gate; returns the seat."""
        seat = self.seat(case, flight)
        if seat.flight.status != FlightStatus.BOARDING:
            airlift.set_flight_status(actor=self.officer, flight=seat.flight,
                                      status=FlightStatus.BOARDING)
        return airlift.record_gate(actor=self.gate_agent, seat=seat, event="no_show")

    def walk(self, case: Case, to_status: str) -> Case:
        """From registered to `to_status` along the operation's path, each fact recorded by the
        service that owns it."""
        s = Status
        steps: dict[str, Callable[[Case], Any]] = {
            s.REGISTERED: lambda c: c,
            s.UNDER_REVIEW: lambda c: self.decide(c, s.UNDER_REVIEW),
            s.ELIGIBLE: lambda c: self.decide(c, s.UNDER_REVIEW, s.ELIGIBLE),
            s.INELIGIBLE: lambda c: self.decide(c, s.UNDER_REVIEW, s.INELIGIBLE),
            s.ON_HOLD: lambda c: self.decide(c, s.ON_HOLD),
            s.WITHDRAWN: lambda c: self.decide(c, s.WITHDRAWN),
            s.APPROVED: self.approve,
            s.LEFT_BEHIND: lambda c: self.decide(self.approve(c), s.LEFT_BEHIND),
            s.MANIFESTED: lambda c: self.seat(self.approve(c)),
            s.NO_SHOW: lambda c: self.no_show(self.approve(c)),
            s.BOARDED: lambda c: self.board(self.approve(c)),
            s.ARRIVED: lambda c: self.arrive(self.approve(c)),
            s.RESETTLED: lambda c: self.resettle(self.approve(c)),
        }
        steps[to_status](case)
        case.refresh_from_db()
        return case

    def arrive(self, case: Case) -> Case:
        """Approved, seated, boarded and landed, on a flight of its own."""
        seat = self.board(case)
        self.land(seat.flight)
        case.refresh_from_db()
        return case


@pytest.fixture
def journey(db: Any, make_user: Callable[..., User]) -> Journey:
    return Journey(make_user)
