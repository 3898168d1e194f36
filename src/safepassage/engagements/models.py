"""The diplomatic log: meetings, what each side raised, what each promised, and what follows.

Topics, demands and concerns are rows of their own (Subject), linked to every meeting where they
were raised (Raised), so "raised in 9 of 13 meetings, last on …" is one query. Memos are
encrypted at rest.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.protection.fields import EncryptedTextField


class Format(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    MULTILATERAL = "multilateral", _("Multilateral meeting")
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Telephone")
    WRITTEN = "written", _("Exchange of letters")


class Kind(models.TextChoices):
    TOPIC = "topic", _("Topic")
    OUR_DEMAND = "our_demand", _("Our demand")
    THEIR_DEMAND = "their_demand", _("Their demand")
    CONCERN = "concern", _("Concern raised")


class Side(models.TextChoices):
    OURS = "ours", _("We committed")
    THEIRS = "theirs", _("They committed")


class Meeting(models.Model):
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    format = models.CharField(_("format"), max_length=16, choices=Format.choices,
                              default=Format.IN_PERSON)
    our_participants = models.TextField(_("our participants"), blank=True)
    counterpart = models.CharField(_("counterpart"), max_length=300)
    partner_states = models.CharField(_("partner states present"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    subjects: models.ManyToManyField[Subject, Raised] = models.ManyToManyField(
        "Subject", through="Raised", related_name="meetings"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.place}"


class Subject(models.Model):
    """A topic, a demand (ours or theirs) or a concern, raised in one or more meetings."""

    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=300)

    class Meta:
        ordering = ["kind", "title"]
        constraints = [models.UniqueConstraint(fields=["kind", "title"], name="subject_once")]

    def __str__(self) -> str:
        return self.title


class Raised(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="raised")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="raised")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "subject"],
                                               name="raised_once_per_meeting")]


class Undertaking(models.Model):
    """A commitment made in a meeting by one side or the other."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="undertakings")
    side = models.CharField(max_length=8, choices=Side.choices)
    text = models.TextField()


class FollowUp(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="follow_ups")
    action = models.TextField()
    owner = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]


class Memo(models.Model):
    """A note of the meeting (record of conversation), encrypted at rest."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="memos")
    title = models.CharField(max_length=200)
    body = EncryptedTextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
