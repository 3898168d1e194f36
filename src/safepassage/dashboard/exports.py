"""The numbers behind each dashboard chart as CSV, with an HXL hashtag row under the header.

Aggregates only: no row names a person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from safepassage.accounts.permissions import Actor
from safepassage.audit import services as audit
from safepassage.dashboard.selectors import (
    STAGE_KEYS,
    STAGES,
    Breakdown,
    Picture,
    operations_picture,
)

Table = tuple[list[str], list[str], list[list[object]]]


def _funnel(p: Picture) -> Table:
    return (["stage", "people", "cases", "note"],
            ["#indicator+stage", "#affected+people", "#affected+households", "#meta+note"],
            [[r.key, r.people, r.cases, r.note] for r in p.funnel])


def _breakdowns(rows: list[Breakdown], what: str) -> Table:
    header = [what, *(f"people_{k}" for k in STAGE_KEYS), "cases"]
    hxl = [f"#{'org' if what == 'organisation' else 'population+type'}",
           *(f"#affected+{k}" for k in STAGE_KEYS), "#affected+households"]
    return header, hxl, [[b.label, *(b.people.get(k, 0) for k in STAGE_KEYS), b.cases]
                         for b in rows]


def _left_behind(p: Picture) -> Table:
    return (["category", "people_left_behind", "people_no_show"],
            ["#population+type", "#affected+left_behind", "#affected+no_show"],
            [list(r) for r in p.left_behind])


def _registrations(p: Picture) -> Table:
    return (["date", "cases_registered"], ["#date", "#affected+households+registered"],
            [[d.isoformat(), n] for d, n in p.registrations])


def _flights(p: Picture) -> Table:
    return (["flight", "departs", "status", "seats_offered", "seats_allocated", "seats_used",
             "seats_wasted"],
            ["#transport+flight", "#date+departure", "#status", "#capacity+offered",
             "#capacity+allocated", "#capacity+used", "#capacity+wasted"],
            [[f.label, f.departs.isoformat() if f.departs else "", f.status, f.offered,
              f.allocated, f.used, "" if f.wasted is None else f.wasted] for f in p.flights])


def _commitments(p: Picture) -> Table:
    return (["commitment", "counts", "target", "achieved", "deadline", "pace_per_day",
             "projected_date"],
            ["#indicator+name", "#indicator+type", "#targeted", "#reached", "#date+deadline",
             "#indicator+pace", "#date+projected"],
            [[g.commitment.title, g.commitment.counts, g.commitment.target, g.achieved,
              g.commitment.deadline.isoformat() if g.commitment.deadline else "",
              round(g.pace_per_day, 1), g.projected.isoformat() if g.projected else ""]
             for g in p.commitments])


TABLES: dict[str, Callable[[Picture], Table]] = {
    "funnel": _funnel,
    "categories": lambda p: _breakdowns(p.categories, "category"),
    "organisations": lambda p: _breakdowns(p.organisations, "organisation"),
    "left-behind": _left_behind,
    "registrations": _registrations,
    "flights": _flights,
    "commitments": _commitments,
}
assert len(STAGES) == len(STAGE_KEYS)


def export_table(*, actor: Actor, chart: str, as_of: dt.date | None) -> Table:
    """The table of one of TABLES' charts, as the actor may see the dashboard: audited."""
    header, hxl, rows = TABLES[chart](operations_picture(actor=actor, as_of=as_of))
    audit.record(actor=actor, action="dashboard.exported", object_type="chart",
                 object_id=chart, details={"rows": len(rows)})
    return header, hxl, rows
