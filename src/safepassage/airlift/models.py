"""Flights, households' readiness to travel, their seats on flights, plans and the gate.

Only ids, times and counts live here in clear: names and documents stay in the registry's
encrypted fields and are read (and audited) when a manifest is produced.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Operator(models.TextChoices):
    OWN = "own", _("Own aircraft")
    ALLY = "ally", _("Ally's plane")
    CHARTER = "charter", _("Charter")


class FlightStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DELAYED = "delayed", _("Delayed")
    BOARDING = "boarding", _("Boarding")
    DEPARTED = "departed", _("Departed")
    LANDED = "landed", _("Landed")
    CANCELLED = "cancelled", _("Cancelled")


# The planner may change who is on these; boarding and departed flights are settled.
OPEN_STATUSES = (FlightStatus.PLANNED, FlightStatus.DELAYED)


class Flight(models.Model):
    code = models.CharField(_("flight code"), max_length=16, unique=True)
    operator = models.CharField(max_length=8, choices=Operator.choices, default=Operator.OWN)
    origin = models.CharField(max_length=8, default="KBL")
    destination = models.CharField(max_length=8)
    departs_at = models.DateTimeField(db_index=True)
    seats = models.PositiveIntegerField()
    # Empty: every category may board. Otherwise the registry's Category values admitted.
    allowed_categories = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=FlightStatus.choices, default=FlightStatus.PLANNED, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Recorded landed at its destination: its boarded passengers have arrived (decision 0070).
    landed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["departs_at", "code"]
        constraints = [models.CheckConstraint(condition=models.Q(seats__gte=0),
                                              name="flight_seats_not_negative")]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class TravelReadiness(models.Model):
    """The facts that make an approved household ready to fly (decision 0073): each member's
    travel document checked, medical clearance where needed, an assembly point, consent to
    travel. Only a complete household is planned, from ready_at. Infants under two travel on a
    lap and are counted from birth dates when planning; a stretcher takes extra_seats more than
    its patient's one."""

    case = models.OneToOneField("registry.Case", on_delete=models.CASCADE,
                                related_name="readiness")
    ready_at = models.DateTimeField(db_index=True)
    extra_seats = models.PositiveSmallIntegerField(default=0)
    # Ids of the members whose passport or tazkira a caseworker or officer checked.
    documents_checked = models.JSONField(default=list, blank=True)
    medical_needed = models.BooleanField(default=False)
    medical_cleared = models.BooleanField(default=False)
    assembly_point = models.CharField(max_length=200, blank=True, default="")
    consent = models.BooleanField(default=False)
    # Every fact above recorded (kept by airlift.services.set_readiness): the planner's filter.
    complete = models.BooleanField(default=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    def missing(self, member_ids: list[int]) -> list[str]:
        """The facts still missing, as codes (READINESS_FACTS)."""
        gaps = []
        if not member_ids or set(member_ids) - set(self.documents_checked):
            gaps.append("documents")
        if self.medical_needed and not self.medical_cleared:
            gaps.append("medical")
        if not self.assembly_point.strip():
            gaps.append("assembly_point")
        if not self.consent:
            gaps.append("consent")
        return gaps


UNPLACED_LABELS = {
    "not_ready": _("not ready to fly"),
    "no_flight": _("no flight it may board"),
    "no_seats_left": _("no seats left"),
    "larger_than_any_flight": _("larger than any flight"),
}

READINESS_FACTS = {
    "documents": _("a travel document checked for every member"),
    "medical": _("medical clearance"),
    "assembly_point": _("an assembly point"),
    "consent": _("consent to travel"),
    "readiness": _("no readiness recorded"),
}


class PlanRun(models.Model):
    """One run of the planner, with its figures and exactly who changed flight."""

    class Reason(models.TextChoices):
        PLAN = "plan", _("Plan")
        CANCELLED = "cancelled", _("Flight cancelled")
        DELAYED = "delayed", _("Flight delayed")
        SEATS = "seats", _("Seats changed")

    reason = models.CharField(max_length=10, choices=Reason.choices, default=Reason.PLAN)
    flight = models.ForeignKey(Flight, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField(default=timezone.now)
    objective = models.FloatField()
    bound = models.FloatField()
    households_placed = models.PositiveIntegerField()
    people_placed = models.PositiveIntegerField(default=0)
    seconds = models.FloatField()
    method = models.CharField(max_length=120)
    # [{"case": reference, "from": flight code, "to": flight code or null}], no personal data.
    moves = models.JSONField(default=list)
    # Approved households left without a seat and why (planner.UNPLACED_REASONS):
    # [{"case": reference, "reason": code, "missing": [readiness fact codes]}].
    unplaced = models.JSONField(default=list)

    class Meta:
        ordering = ["-at", "-pk"]

    @property
    def percent_of_bound(self) -> float:
        return 100.0 if self.bound <= 0 else 100.0 * self.objective / self.bound

    @property
    def unplaced_rows(self) -> list[tuple[str, str, str]]:
        """(case reference, why not placed, the readiness facts missing) for the plan page."""
        return [(row["case"], str(UNPLACED_LABELS.get(row["reason"], row["reason"])),
                 ", ".join(str(READINESS_FACTS.get(m, m)) for m in row.get("missing", [])))
                for row in self.unplaced]


class Seat(models.Model):
    """A household's place on a flight: all its members travel together on it."""

    class Gate(models.TextChoices):
        EXPECTED = "expected", _("Expected")
        CHECKED_IN = "checked_in", _("Checked in")
        BOARDED = "boarded", _("Boarded")
        NO_SHOW = "no_show", _("No-show")

    case = models.ForeignKey("registry.Case", on_delete=models.CASCADE, related_name="seats")
    flight = models.ForeignKey(Flight, on_delete=models.PROTECT, related_name="passengers")
    people = models.PositiveSmallIntegerField()
    seats = models.PositiveSmallIntegerField()
    notified = models.BooleanField(default=False)
    from_standby = models.BooleanField(default=False)
    plan = models.ForeignKey(PlanRun, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    gate = models.CharField(max_length=12, choices=Gate.choices, default=Gate.EXPECTED)
    gate_at = models.DateTimeField(null=True, blank=True)
    gate_actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["flight", "gate"])]
        # A no-show keeps its row as a record; any other seat is the household's only one.
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=~models.Q(gate="no_show"),
                                    name="one_live_seat_per_case")
        ]


class GateMark(models.Model):
    """One member of a seated household marked boarded or no-show at the gate (decision 0074).

    `key` is made by the gate agent's device for each mark, so a mark sent twice (a retry after
    the network came back) is stored once. An undo keeps the row and dates it; the live mark of
    a member is the one not undone.
    """

    class Mark(models.TextChoices):
        BOARDED = "boarded", _("Boarded")
        NO_SHOW = "no_show", _("No-show")

    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="marks")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    mark = models.CharField(max_length=8, choices=Mark.choices)
    key = models.CharField(max_length=64, unique=True)
    marked_at = models.DateTimeField(default=timezone.now)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["seat", "person"], condition=models.Q(undone_at=None),
                                    name="one_live_gate_mark_per_member")
        ]
