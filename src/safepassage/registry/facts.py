"""Who may vouch for the facts that earn a case its moves (decision 0070).

The registry sits below the apps that record seats, gates, landings and resettlement
milestones, so it cannot look at those facts itself. Instead each fact has one owner: the app
that records it claims the fact once, in its AppConfig.ready(), and receives the only
FactOwner for it. Evidence made by that owner is what registry.services.earn_case_status
accepts; the owner's check is asked again, inside the move's transaction, whether the fact
holds for that case now. A fact nobody has claimed earns nothing: its moves are unavailable
(only a supervisor's override makes them) until an app records it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safepassage.registry.models import Case, Fact, Status

# Given the case (locked, in its current status) and the status it would take: "" when the
# fact holds, otherwise why not, in words a user can act on.
FactCheck = Callable[[Case, str], str]

# How each fact is recorded, for the case page: the move is made there, not here.
HOW_RECORDED: dict[str, object] = {
    Fact.SEAT: _("Made by airlift: the plan or an airlift officer gives the household a seat on "
                 "a scheduled flight, or takes it away."),
    Fact.GATE: _("Recorded by a gate agent at the gate of the household's flight."),
    Fact.LANDING: _("Made when the household's flight is recorded as landed at its "
                    "destination: its boarded passengers arrive with it."),
    Fact.MILESTONES: _("Made when the household's required resettlement milestones are done."),
}
NOT_RECORDED_YET = _("Nothing records this fact yet, so this move is not available; a "
                     "supervisor may override it with a written reason.")


def why_earned(from_status: str, to_status: str, fact: str) -> str:
    """Why a case cannot simply be given an earned status, and what makes the move."""
    return gettext(
        "A case that is “%(current)s” becomes “%(target)s” only through %(fact)s, not by "
        "choosing the status. %(how)s"
    ) % {
        "current": Status(from_status).label,
        "target": Status(to_status).label,
        "fact": Fact(fact).label,
        "how": HOW_RECORDED[fact] if is_recorded(fact) else NOT_RECORDED_YET,
    }


class FactOwner:
    """The one holder of a fact: it alone makes evidence of it. Obtain it with claim()."""

    def __init__(self, fact: str, app: str, check: FactCheck) -> None:
        self.fact = fact
        self.app = app
        self.check = check

    def evidence(self, *, case: Case, detail: str) -> Evidence:
        """Evidence that this fact holds for the case; detail names it without personal data
        ("seat on RCH871", "landed at DOH 2021-08-27 18:05")."""
        return Evidence(fact=self.fact, case_id=case.pk, detail=detail, owner=self)

    def __repr__(self) -> str:
        return f"<FactOwner {self.fact} by {self.app}>"


@dataclass(frozen=True)
class Evidence:
    fact: str
    case_id: int
    detail: str
    owner: FactOwner = field(repr=False, compare=False)


_owners: dict[str, FactOwner] = {}


def claim(fact: str, *, app: str, check: FactCheck) -> FactOwner:
    """Make `app` the owner of `fact`, once: a second claim of a fact, by anyone, is refused,
    so no other code can obtain its owner and make evidence of it."""
    if fact not in Fact.values:
        raise ValueError(f"Unknown fact {fact!r}.")
    owner = _owners.get(fact)
    if owner is not None:
        raise RuntimeError(f"The fact {fact!r} is owned by {owner.app!r}; {app!r} may not "
                           "claim it too.")
    owner = _owners[fact] = FactOwner(fact, app, check)
    return owner


def owner_of(fact: str) -> FactOwner | None:
    return _owners.get(fact)


def is_recorded(fact: str) -> bool:
    """Whether some app records this fact (if not, its moves are unavailable)."""
    return fact in _owners


def release(owner: FactOwner) -> None:
    """Give up a fact; only its owner can (a test standing in for a missing app cleans up)."""
    if _owners.get(owner.fact) is owner:
        del _owners[owner.fact]
