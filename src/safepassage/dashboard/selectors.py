"""The figures of the operations picture, each computed from the registry by a database aggregate.

The heavy lifting is one GROUP BY over cases joined to their household sizes: every funnel,
category, organisation and left-behind figure is a sum over its few hundred result rows.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.accounts import permissions
from safepassage.accounts.models import Organisation
from safepassage.dashboard.models import Commitment, Counts
from safepassage.registry.models import Case, Category, Person, Status, StatusChange

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


def case_groups() -> list[Group]:
    """Cases and their people by (status, category, referring organisation): one GROUP BY.

    People are counted per household first (an index-only scan of person.household_id), then
    joined to the cases, so the aggregate never touches the wide, encrypted person rows.
    """
    case_table, person_table = Case._meta.db_table, Person._meta.db_table
    sql = (
        f"SELECT c.status, c.category, c.referring_organisation_id, COUNT(*), SUM(p.n) "  # noqa: S608
        f"FROM {case_table} c JOIN (SELECT household_id, COUNT(*) AS n FROM {person_table} "
        f"GROUP BY household_id) p ON p.household_id = c.household_id "
        f"GROUP BY c.status, c.category, c.referring_organisation_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [Group(s, c, o, int(n), int(p or 0)) for s, c, o, n, p in cursor.fetchall()]


@dataclass
class StageRow:
    key: str
    label: str
    people: int
    cases: int
    note: str = ""


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


def unique_persons(groups: list[Group]) -> tuple[int, bool]:
    """Registered people after record linkage merged duplicates, and whether linkage ran.

    Until the linkage app provides person clusters, every registered person counts once.
    """
    return sum(g.people for g in groups), False


def funnel(groups: list[Group]) -> list[StageRow]:
    people, cases = _stage_sums(groups)
    rows = [StageRow(key, str(label), people[key], cases[key]) for key, label, _s in STAGES]
    unique, linked = unique_persons(groups)
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
    offered: int
    used: int

    @property
    def wasted(self) -> int:
        return max(self.offered - self.used, 0)


def flight_seats(*, on: dt.date | None = None) -> list[FlightSeats]:
    """Seats offered, used and wasted per flight. Empty until the airlift app records flights."""
    return []


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
    commitment: Commitment, groups: list[Group], *, as_of: dt.date | None = None
) -> Progress:
    """Progress by `as_of` (default today), the burn-up, and the date the target is reached
    at the recent pace (people counted in the 28 days up to `as_of`, or since the promise)."""
    as_of = as_of or timezone.localdate()
    points = burn_up(commitment.counts)
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
    return Progress(commitment, achieved, points, as_of, pace, projected)


def commitments_progress(groups: list[Group], *, as_of: dt.date | None = None) -> list[Progress]:
    return [commitment_progress(c, groups, as_of=as_of) for c in Commitment.objects.all()]


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


def operations_picture(*, actor: Any, as_of: dt.date | None = None) -> Picture:
    """Everything the dashboard shows, for leadership and auditors."""
    permissions.require(actor, permissions.VIEW_DASHBOARD)
    return picture(as_of=as_of)


def picture(*, as_of: dt.date | None = None) -> Picture:
    """The picture without a permission check: for the situation report command on the server."""
    groups = case_groups()
    return Picture(
        funnel=funnel(groups),
        categories=by_category(groups),
        organisations=by_organisation(groups),
        left_behind=left_behind(groups),
        registrations=registrations_per_day(),
        flights=flight_seats(on=None),
        commitments=commitments_progress(groups, as_of=as_of),
        computed_at=timezone.now(),
    )
