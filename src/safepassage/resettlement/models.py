"""After the flight: arrivals reconciled per person, temporary stays, places and their hosts,
offers of placement in weekly batches, and the milestones that make a case "resettled".

Only ids, dates, counts and codes live here in clear; names and documents stay in the
registry's encrypted fields. Reasons typed by staff or hosts may name people: encrypted.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.protection.fields import EncryptedTextField


class FlightArrival(models.Model):
    """A flight that has landed at its destination, and whether it must carry only households
    a place has accepted (capacity before travel, a setting per flight)."""

    flight = models.OneToOneField("airlift.Flight", on_delete=models.PROTECT,
                                  related_name="arrival")
    capacity_before_travel = models.BooleanField(default=False)
    landed_at = models.DateTimeField(null=True, blank=True)
    landed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")


class ArrivalRecord(models.Model):
    """One person at the destination: manifested and boarded as airlift recorded them (per
    household), and arrived as resettlement staff recorded them, per person."""

    class Outcome(models.TextChoices):
        EXPECTED = "expected", _("Expected")
        ARRIVED = "arrived", _("Arrived")
        MISSING = "missing", _("Did not arrive")
        DIFFERENT = "different", _("A different person arrived")

    flight = models.ForeignKey("airlift.Flight", on_delete=models.PROTECT,
                               related_name="arrival_records")
    case = models.ForeignKey("registry.Case", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    manifested = models.BooleanField(default=False)
    boarded = models.BooleanField(default=False)
    outcome = models.CharField(max_length=10, choices=Outcome.choices,
                               default=Outcome.EXPECTED)
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    decision = EncryptedTextField(blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case_id", "person_id"]
        constraints = [models.UniqueConstraint(fields=["flight", "person"],
                                               name="one_arrival_record_per_person_and_flight")]

    @property
    def discrepancy(self) -> str:
        """Why this record needs a decision: '' when manifested, boarded and arrived."""
        if self.outcome == self.Outcome.DIFFERENT:
            return "different"
        if self.outcome == self.Outcome.ARRIVED and not (self.manifested and self.boarded):
            return "extra"
        if self.outcome == self.Outcome.MISSING:
            return "missing"
        return ""


class Site(models.Model):
    """Temporary accommodation: a hotel, a base, a reception centre."""

    class Kind(models.TextChoices):
        HOTEL = "hotel", _("Hotel")
        BASE = "base", _("Base")
        RECEPTION_CENTRE = "reception_centre", _("Reception centre")

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.HOTEL)
    rooms = models.PositiveIntegerField()
    beds = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.name


class Stay(models.Model):
    """A household in temporary accommodation, from check-in to check-out."""

    case = models.ForeignKey("registry.Case", on_delete=models.PROTECT, related_name="stays")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="stays")
    rooms = models.PositiveSmallIntegerField()
    beds = models.PositiveSmallIntegerField()
    checked_in_on = models.DateField()
    checked_out_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["checked_in_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(checked_out_on__isnull=True),
                                    name="one_open_stay_per_case"),
        ]

    def nights(self, today: dt.date | None = None) -> int:
        end = self.checked_out_on or today or timezone.localdate()
        return max(0, (end - self.checked_in_on).days)


class Programme(models.Model):
    """A resettlement programme and its template of milestones."""

    name = models.CharField(max_length=120, unique=True)
    is_default = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.name


class Doer(models.TextChoices):
    CASEWORKER = "caseworker", _("Resettlement caseworker")
    HOST = "host", _("Host")


class Step(models.Model):
    """One milestone of a programme's template: due so many days after arrival, done by a
    caseworker or by the host; the required ones make a case resettled."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField(max_length=120)
    due_days = models.PositiveSmallIntegerField()
    done_by = models.CharField(max_length=12, choices=Doer.choices, default=Doer.CASEWORKER)
    required = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "due_days", "pk"]


class Place(models.Model):
    """A community, a resettlement agency's local office or a private sponsor, with what it can
    take (persons by age group and housing units by size) over a period, and what it offers."""

    class Kind(models.TextChoices):
        COMMUNITY = "community", _("Community")
        AGENCY_OFFICE = "agency_office", _("Resettlement agency office")
        SPONSOR = "sponsor", _("Private sponsor")

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.COMMUNITY)
    children = models.PositiveIntegerField(default=0)
    adults = models.PositiveIntegerField(default=0)
    seniors = models.PositiveIntegerField(default=0)
    # Housing units: small (1-2 people), medium (3-5), large (6 or more).
    units_small = models.PositiveIntegerField(default=0)
    units_medium = models.PositiveIntegerField(default=0)
    units_large = models.PositiveIntegerField(default=0)
    services = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    hosts = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="places")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CaseFile(models.Model):
    """A household's resettlement: its programme, caseworker, what it needs, its ties, the day
    it arrived and the day it was resettled (set only when its required milestones are done)."""

    case = models.OneToOneField("registry.Case", on_delete=models.PROTECT,
                                related_name="resettlement")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    caseworker = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    needs = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    ties = models.ManyToManyField(Place, blank=True, related_name="+")
    before_travel = models.BooleanField(default=False)
    arrived_on = models.DateField(null=True, blank=True)
    resettled_on = models.DateField(null=True, blank=True)


class Batch(models.Model):
    """One weekly run of the placement optimiser against the remaining capacity."""

    week_of = models.DateField()
    run_at = models.DateTimeField(default=timezone.now)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                               related_name="+")
    objective = models.FloatField()
    bound = models.FloatField()
    method = models.CharField(max_length=80)
    # [{"case": reference, "reason": text}]: no personal data.
    unplaced = models.JSONField(default=list)

    class Meta:
        ordering = ["-run_at", "-pk"]


class Offer(models.Model):
    """A household offered to a place (by a batch or by staff), or held by a sponsor, and the
    host's answer."""

    class State(models.TextChoices):
        OFFERED = "offered", _("Offered")
        HELD = "held", _("Held by the sponsor")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    case = models.ForeignKey("registry.Case", on_delete=models.PROTECT, related_name="offers")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="offers")
    batch = models.ForeignKey(Batch, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="offers")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OFFERED)
    score = models.FloatField(null=True, blank=True)
    # Why here: codes and figures, shown to staff ({"score": .., "services": [..], ...}).
    reasons = models.JSONField(default=dict)
    override_reason = EncryptedTextField(blank=True, default="")
    answer_reason = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    children = models.PositiveSmallIntegerField(default=0)
    adults = models.PositiveSmallIntegerField(default=0)
    seniors = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["case"],
                                    condition=Q(state__in=["offered", "held", "accepted"]),
                                    name="one_live_offer_per_case"),
        ]

    @property
    def people(self) -> int:
        return self.children + self.adults + self.seniors


LIVE_OFFER_STATES = (Offer.State.OFFERED, Offer.State.HELD, Offer.State.ACCEPTED)


class Score(models.Model):
    """The expected outcome of a household at a place, given by staff or a fitted model."""

    case = models.ForeignKey("registry.Case", on_delete=models.CASCADE, related_name="+")
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "place"],
                                               name="one_score_per_case_and_place")]


class Milestone(models.Model):
    case_file = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="milestones")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(db_index=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    note = EncryptedTextField(blank=True, default="")

    class Meta:
        ordering = ["due_on", "step__order", "pk"]
        constraints = [models.UniqueConstraint(fields=["case_file", "step"],
                                               name="one_milestone_per_step")]


class OutcomeModel(models.Model):
    """A fitted outcome model (decision 0067), versioned: the latest gives the score of a
    household at a place where staff have given none. Its file has no names (household make-up,
    languages, needs, place, outcome); the lines rejected are kept with why."""

    version = models.PositiveIntegerField(unique=True)
    fitted_at = models.DateTimeField(default=timezone.now)
    fitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    source_name = models.CharField(max_length=200, blank=True)
    rows = models.PositiveIntegerField()
    rejected_count = models.PositiveIntegerField(default=0)
    rejected = models.JSONField(default=list, blank=True)  # [{"line", "field", "reason"}]
    held_out_rows = models.PositiveIntegerField()
    held_out_accuracy = models.FloatField()
    held_out_auc = models.FloatField(null=True, blank=True)
    intercept = models.FloatField()
    coefficients = models.JSONField(default=dict)  # {term: coefficient}
    # The file as uploaded (the raw submission, kept): past arrivals without names.
    source_text = models.TextField(blank=True)

    class Meta:
        ordering = ["-version"]
