"""The figures of the operations picture, each computed from the registry by a database aggregate.

The heavy lifting is one GROUP BY over cases joined to their household sizes: every funnel,
category, organisation and left-behind figure is a sum over its few hundred result rows. The
aggregates are kept as a Snapshot for up to DASHBOARD_MAX_AGE_SECONDS, so that at a million
registrations a page does not wait for them.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.accounts import permissions
from safepassage.accounts.models import Organisation
from safepassage.accounts.permissions import Actor
from safepassage.airlift.models import Flight, FlightStatus, Seat
from safepassage.dashboard.models import Commitment, Counts, Snapshot
from safepassage.linkage.models import PersonCluster
from safepassage.registry.models import Case, Category, Person, Status, StatusChange
from safepassage.resettlement import selectors as resettlement_selectors

S = Status
# A case counts at a stage if its current status is at or past it. No-shows were manifested;
# people left behind had been approved. Ineligible, on-hold and withdrawn cases count as
# registered only.
STAGES: list[tuple[str, Any, frozenset[str]]] = [
    ("registered", _("Registered"), frozenset(S.values)),
    ("eligible", _("Eligible"), frozenset({S.ELIGIBLE, S.APPROVED, S.MANIFESTED, S.BOARDED,
                                           S.ARRIVED, S.RESETTLED, S.NO_SHOW, S.LEFT_BEHIND})),
    ("approved", _("Approved"), frozenset({S.APPROVED, S.MANIFESTED, S.BOARDED, S.ARRIVED,
                                           S.RESETTLED, S.NO_SHOW, S.LEFT_BEHIND})),
    ("manifested", _("Manifested"), frozenset({S.MANIFESTED, S.BOARDED, S.ARRIVED, S.RESETTLED,
                                               S.NO_SHOW})),
    ("boarded", _("Boarded"), frozenset({S.BOARDED, S.ARRIVED, S.RESETTLED})),
    ("arrived", _("Arrived"), frozenset({S.ARRIVED, S.RESETTLED})),
    ("resettled", _("Resettled"), frozenset({S.RESETTLED})),
]
STAGE_KEYS = [key for key, _label, _statuses in STAGES]
EVACUATED = frozenset({S.BOARDED, S.ARRIVED, S.RESETTLED})


@dataclass(frozen=True)
class Group:
    """One row of the registry's main aggregate: cases and people by status, category, referrer."""

    status: str
    category: str
    organisation_id: int | None
    cases: int
    people: int
    by_override: bool = False  # cases moved by a supervisor's override (decision 0070)


def case_groups() -> list[Group]:
    """Cases and their people by (status, category, referring organisation): one GROUP BY.

    People are counted per household first (an index-only scan of person.household_id), then
    joined to the cases, so the aggregate never touches the wide, encrypted person rows.
    """
    case_table, person_table = Case._meta.db_table, Person._meta.db_table
    sql = (
        f"SELECT c.status, c.category, c.referring_organisation_id, COUNT(*), SUM(p.n), "  # noqa: S608
        f"c.by_override "
        f"FROM {case_table} c JOIN (SELECT household_id, COUNT(*) AS n FROM {person_table} "
        f"GROUP BY household_id) p ON p.household_id = c.household_id "
        f"GROUP BY c.status, c.category, c.referring_organisation_id, c.by_override"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [Group(s, c, o, int(n), int(p or 0), bool(b))
                for s, c, o, n, p, b in cursor.fetchall()]


@dataclass
class StageRow:
    key: str
    label: str
    people: int
    cases: int
    note: str = ""
    by_override: int = 0  # of these people, those whose case was moved by an override


@dataclass
class Breakdown:
    """People at each stage for one category or one referring organisation."""

    key: str
    label: str
    people: dict[str, int] = field(default_factory=dict)
    cases: int = 0

    @property
    def registered(self) -> int:
        return self.people.get("registered", 0)


def _stage_sums(groups: list[Group]) -> tuple[dict[str, int], dict[str, int]]:
    people = {key: 0 for key in STAGE_KEYS}
    cases = {key: 0 for key in STAGE_KEYS}
    for g in groups:
        for key, _label, statuses in STAGES:
            if g.status in statuses:
                people[key] += g.people
                cases[key] += g.cases
    return people, cases


def linked_persons() -> int | None:
    """Registered people once record linkage has merged duplicates into one person each, or
    None if linkage has not run. One aggregate: a person counts as its cluster, if it has one."""
    if not PersonCluster.objects.exists():
        return None
    person_table, cluster_table = Person._meta.db_table, PersonCluster._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(DISTINCT COALESCE(pc.cluster_id, p.id)) FROM {person_table} p "  # noqa: S608
            f"LEFT JOIN {cluster_table} pc ON pc.person_id = p.id"
        )
        return int(cursor.fetchone()[0])


def unique_persons(groups: list[Group], linked: int | None) -> tuple[int, bool]:
    """Unique persons after linkage and whether linkage ran; until it has, every registered
    person counts once."""
    if linked is None:
        return sum(g.people for g in groups), False
    return linked, True


def funnel(groups: list[Group], linked_count: int | None = None) -> list[StageRow]:
    people, cases = _stage_sums(groups)
    forced, _forced_cases = _stage_sums([g for g in groups if g.by_override])
    rows = [StageRow(key, str(label), people[key], cases[key], by_override=forced[key])
            for key, label, _s in STAGES]
    unique, linked = unique_persons(groups, linked_count)
    note = "" if linked else str(_("record linkage not run yet: every registration counts"))
    rows.insert(1, StageRow("unique", str(_("Unique persons after linkage")), unique,
                            cases["registered"], note))
    return rows


def _breakdown(groups: list[Group], key_of: Any, label_of: dict[Any, str]) -> list[Breakdown]:
    found: dict[Any, Breakdown] = {}
    for g in groups:
        key = key_of(g)
        row = found.setdefault(key, Breakdown(str(key), label_of.get(key, str(key))))
        row.cases += g.cases
        for stage, _label, statuses in STAGES:
            if g.status in statuses:
                row.people[stage] = row.people.get(stage, 0) + g.people
    return sorted(found.values(), key=lambda b: -b.registered)


def by_category(groups: list[Group]) -> list[Breakdown]:
    labels = {value: str(label) for value, label in Category.choices}
    return _breakdown(groups, lambda g: g.category, labels)


def by_organisation(groups: list[Group]) -> list[Breakdown]:
    labels: dict[Any, str] = dict(Organisation.objects.values_list("pk", "name"))
    labels[None] = str(_("Registered directly"))
    return _breakdown(groups, lambda g: g.organisation_id, labels)


def left_behind(groups: list[Group]) -> list[tuple[str, int, int]]:
    """(category label, people left behind, people who did not show at the gate)."""
    labels = {value: str(label) for value, label in Category.choices}
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for g in groups:
        if g.status == S.LEFT_BEHIND:
            rows[g.category][0] += g.people
        elif g.status == S.NO_SHOW:
            rows[g.category][1] += g.people
    return sorted(((labels.get(c, c), lb, ns) for c, (lb, ns) in rows.items()),
                  key=lambda r: -r[1])


def registrations_per_day() -> list[tuple[dt.date, int]]:
    """Cases registered on each day (local time of the operation): one GROUP BY."""
    rows = (
        Case.objects.annotate(day=TruncDate("created_at"))
        .values("day").annotate(n=Count("id")).order_by("day")
    )
    return [(r["day"], r["n"]) for r in rows]


@dataclass
class FlightSeats:
    label: str
    departs: dt.datetime | None
    status: str
    offered: int
    allocated: int  # seats of households on the flight, no-shows excepted
    used: int  # seats of households boarded

    @property
    def status_label(self) -> str:
        return str(FlightStatus(self.status).label)

    @property
    def wasted(self) -> int | None:
        """Seats that flew empty: known once the flight has departed."""
        return max(self.offered - self.used, 0) if self.status == FlightStatus.DEPARTED else None


def flight_seats(*, on: dt.date | None = None) -> list[FlightSeats]:
    """Seats offered, allocated, used and wasted per flight (departing on `on`, if given):
    one GROUP BY over flights and their passengers' seats."""
    flights = Flight.objects.all()
    if on is not None:
        flights = flights.filter(departs_at__date=on)
    rows = flights.annotate(
        used=Sum("passengers__seats", filter=Q(passengers__gate=Seat.Gate.BOARDED)),
        allocated=Sum("passengers__seats", filter=~Q(passengers__gate=Seat.Gate.NO_SHOW)),
    ).order_by("departs_at", "code")
    return [FlightSeats(f.code, f.departs_at, f.status, f.seats, f.allocated or 0, f.used or 0)
            for f in rows]


# --- Commitments --------------------------------------------------------------------------------

COUNTING: dict[str, tuple[frozenset[str], str, set[str] | None, set[str] | None]] = {
    # what counts: (statuses that count, the status entered when it starts counting,
    #               only these categories, or all but these)
    Counts.AFGHANS_RESETTLED: (frozenset({S.RESETTLED}), S.RESETTLED, None, {Category.CITIZEN}),
    Counts.PEOPLE_RESETTLED: (frozenset({S.RESETTLED}), S.RESETTLED, None, None),
    Counts.CITIZENS_EVACUATED: (EVACUATED, S.BOARDED, {Category.CITIZEN}, None),
    Counts.PEOPLE_EVACUATED: (EVACUATED, S.BOARDED, None, None),
}
PACE_WINDOW_DAYS = 28


def _counts_towards(counts: str, status: str, category: str) -> bool:
    statuses, _entry, only, excluded = COUNTING[counts]
    return (status in statuses and (only is None or category in only)
            and (excluded is None or category not in excluded))


@dataclass
class Progress:
    commitment: Commitment
    achieved: int
    burn_up: list[tuple[dt.date, int]]  # cumulative people counted, by day
    as_of: dt.date
    pace_per_day: float
    projected: dt.date | None
    by_override: int = 0  # of the people achieved today, those moved by a supervisor's override

    @property
    def percent(self) -> float:
        return min(100.0, 100.0 * self.achieved / self.commitment.target)

    @property
    def reached(self) -> bool:
        return self.achieved >= self.commitment.target

    @property
    def on_track(self) -> bool | None:
        deadline = self.commitment.deadline
        if self.reached:
            return True
        if deadline is None:
            return None
        if self.as_of > deadline:
            return False
        return None if self.projected is None else self.projected <= deadline


def burn_up(counts: str) -> list[tuple[dt.date, int]]:
    """Cumulative people counted towards `counts`, by the day their case entered the counting
    status (from the status history), for cases that still count today: one GROUP BY."""
    statuses, entry, only, excluded = COUNTING[counts]
    changes = StatusChange.objects.filter(to_status=entry, case__status__in=statuses)
    if only is not None:
        changes = changes.filter(case__category__in=only)
    if excluded is not None:
        changes = changes.exclude(case__category__in=excluded)
    daily = (
        changes.annotate(day=TruncDate("at")).values("day")
        .annotate(people=Count("case__household__members")).order_by("day")
    )
    total, points = 0, []
    for row in daily:
        total += row["people"]
        points.append((row["day"], total))
    return points


def _achieved_by(points: list[tuple[dt.date, int]], day: dt.date) -> int:
    reached = 0
    for when, total in points:
        if when > day:
            break
        reached = total
    return reached


def commitment_progress(
    commitment: Commitment, groups: list[Group], *, as_of: dt.date | None = None,
    points: list[tuple[dt.date, int]] | None = None,
) -> Progress:
    """Progress by `as_of` (default today), the burn-up, and the date the target is reached
    at the recent pace (people counted in the 28 days up to `as_of`, or since the promise)."""
    as_of = as_of or timezone.localdate()
    points = burn_up(commitment.counts) if points is None else points
    if as_of >= timezone.localdate():
        achieved = sum(g.people for g in groups
                       if _counts_towards(commitment.counts, g.status, g.category))
    else:
        achieved = _achieved_by(points, as_of)
    # The pace of the last 28 days, or of the days since the promise if it is younger.
    window_start = max(as_of - dt.timedelta(days=PACE_WINDOW_DAYS),
                       commitment.announced_on - dt.timedelta(days=1))
    days = max((as_of - window_start).days, 1)
    pace = (achieved - _achieved_by(points, window_start)) / days
    projected: dt.date | None = None
    if achieved >= commitment.target:
        projected = next((d for d, total in points if total >= commitment.target), as_of)
    elif pace > 0:
        projected = as_of + dt.timedelta(days=math.ceil((commitment.target - achieved) / pace))
    by_override = sum(g.people for g in groups if g.by_override
                      and _counts_towards(commitment.counts, g.status, g.category))
    return Progress(commitment, achieved, points, as_of, pace, projected,
                    by_override=min(by_override, achieved))


# --- The whole picture ---------------------------------------------------------------------------


@dataclass
class Picture:
    funnel: list[StageRow]
    categories: list[Breakdown]
    organisations: list[Breakdown]
    left_behind: list[tuple[str, int, int]]
    registrations: list[tuple[dt.date, int]]
    flights: list[FlightSeats]
    commitments: list[Progress]
    computed_at: dt.datetime
    compute_seconds: float
    # After the flight: stays, nights, placed, resettled and the time it took; read live,
    # beside the snapshot, by after_the_flight.
    resettlement: resettlement_selectors.Figures | None = None


def operations_picture(*, actor: Actor, as_of: dt.date | None = None) -> Picture:
    """Everything the dashboard shows, for leadership and auditors."""
    permissions.require(actor, permissions.VIEW_DASHBOARD)
    return picture(as_of=as_of)


def after_the_flight(*, actor: Actor, as_of: dt.date | None = None
                     ) -> resettlement_selectors.Figures:
    """The phase after the flight in figures (resettlement's, read live: a few counts)."""
    permissions.require(actor, permissions.VIEW_DASHBOARD)
    return resettlement_selectors.figures(today=as_of)


def compute_snapshot() -> Snapshot:
    """Run the aggregates now and keep them (and the nine snapshots before, for nothing more)."""
    started = time.perf_counter()
    computed_at = timezone.now()
    groups = case_groups()
    registrations = registrations_per_day()
    in_use = set(Commitment.objects.values_list("counts", flat=True))
    burn_ups = {counts: [[d.isoformat(), n] for d, n in burn_up(counts)] for counts in in_use}
    snapshot = Snapshot.objects.create(
        computed_at=computed_at, seconds=time.perf_counter() - started,
        groups=[[g.status, g.category, g.organisation_id, g.cases, g.people, g.by_override]
                for g in groups],
        registrations=[[d.isoformat(), n] for d, n in registrations],
        burn_ups=burn_ups,
        unique_persons=linked_persons(),
    )
    old = Snapshot.objects.order_by("-computed_at").values_list("pk", flat=True)[10:]
    Snapshot.objects.filter(pk__in=list(old)).delete()
    return snapshot


def latest_snapshot(*, max_age: float | None = None) -> Snapshot:
    """The latest snapshot if younger than `max_age` seconds (DASHBOARD_MAX_AGE_SECONDS), or a
    new one."""
    max_age = settings.DASHBOARD_MAX_AGE_SECONDS if max_age is None else max_age
    latest = Snapshot.objects.order_by("-computed_at").first()
    if latest and (timezone.now() - latest.computed_at).total_seconds() < max_age:
        return latest
    return compute_snapshot()


def picture(*, as_of: dt.date | None = None, max_age: float | None = None) -> Picture:
    """The picture without a permission check (the situation report command uses it too)."""
    snapshot = latest_snapshot(max_age=max_age)
    groups = [Group(*row) for row in snapshot.groups]
    burn_ups = {
        counts: [(dt.date.fromisoformat(d), n) for d, n in points]
        for counts, points in snapshot.burn_ups.items()
    }
    return Picture(
        funnel=funnel(groups, snapshot.unique_persons),
        categories=by_category(groups),
        organisations=by_organisation(groups),
        left_behind=left_behind(groups),
        registrations=[(dt.date.fromisoformat(d), n) for d, n in snapshot.registrations],
        flights=flight_seats(on=None),
        commitments=[
            commitment_progress(c, groups, as_of=as_of, points=burn_ups.get(c.counts))
            for c in Commitment.objects.all()
        ],
        computed_at=snapshot.computed_at,
        compute_seconds=snapshot.seconds,
    )
