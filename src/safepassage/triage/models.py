"""Versioned eligibility and priority rules, the circumstances caseworkers record, and each
case's assessment (which rules applied, under which version, and any supervisor override).

A published rule set is immutable: changing the rules means publishing a new version. The
active version is a pointer (ActiveRuleSet), so going back to an earlier version is one step.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.protection.fields import EncryptedTextField
from safepassage.registry.models import Case
from safepassage.triage.facts import Circumstance
from safepassage.triage.rulebook import ELIGIBLE, INELIGIBLE, RuleSpec


class PublishedRuleSetIsImmutable(ValidationError):
    pass


class RuleSet(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    name = models.CharField(max_length=200, blank=True, default="")
    notes = models.TextField(blank=True, default="")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(null=True, blank=True, unique=True)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(state="draft", version__isnull=True)
                           | models.Q(state="published", version__isnull=False)),
                name="ruleset_published_has_version",
            )
        ]

    def __str__(self) -> str:
        if self.version:
            return str(_("version %(v)s") % {"v": self.version})
        return str(_("draft %(id)s") % {"id": self.pk})

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk and RuleSet.objects.filter(pk=self.pk, state=self.State.PUBLISHED).exists():
            raise PublishedRuleSetIsImmutable(
                _("Version %(v)s is published and cannot change; start a draft from it.")
                % {"v": self.version}
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.is_published:
            raise PublishedRuleSetIsImmutable(_("A published version is kept for the record."))
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class Rule(models.Model):
    class Effect(models.TextChoices):
        NONE = "", _("No effect on eligibility")
        ELIGIBLE = ELIGIBLE, _("Makes eligible")
        INELIGIBLE = INELIGIBLE, _("Makes ineligible (overrides)")

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveIntegerField(default=0)
    label = models.CharField(_("label"), max_length=200)
    categories = models.JSONField(_("categories"), default=list, blank=True)
    all_of = models.JSONField(_("all of"), default=list, blank=True)
    any_of = models.JSONField(_("any of"), default=list, blank=True)
    none_of = models.JSONField(_("none of"), default=list, blank=True)
    min_days_waiting = models.PositiveIntegerField(_("waiting at least (days)"), null=True,
                                                   blank=True)
    eligibility = models.CharField(_("eligibility"), max_length=10, choices=Effect.choices,
                                   blank=True, default="")
    points = models.SmallIntegerField(_("points"), default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._check_draft()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._check_draft()
        return super().delete(*args, **kwargs)

    def _check_draft(self) -> None:
        if self.rule_set.is_published:
            raise PublishedRuleSetIsImmutable(
                _("Version %(v)s is published and cannot change; start a draft from it.")
                % {"v": self.rule_set.version}
            )

    def spec(self) -> RuleSpec:
        return RuleSpec(
            label=self.label, categories=tuple(self.categories), all_of=tuple(self.all_of),
            any_of=tuple(self.any_of), none_of=tuple(self.none_of),
            min_days_waiting=self.min_days_waiting, eligibility=self.eligibility,
            points=self.points, key=self.pk,
        )


class ActiveRuleSet(models.Model):
    """The pointer to the rule set in force: a single row (id 1)."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="+")
    activated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    activated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="one_active_ruleset")]


class CaseCircumstance(models.Model):
    """A circumstance of a case recorded by a caseworker; the note may hold personal detail."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="circumstances")
    code = models.CharField(max_length=32, choices=Circumstance.choices)
    note = EncryptedTextField(blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="circumstance_once")]


class Assessment(models.Model):
    """The rules' verdict on one case under one version, and a supervisor's override if any."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="assessment")
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="+")
    eligible = models.BooleanField()
    points = models.PositiveSmallIntegerField()
    applied_rules = models.JSONField(default=list)  # ids of the Rule rows that applied, in order
    scored_at = models.DateTimeField()
    override_eligible = models.BooleanField(null=True, blank=True)
    override_priority = models.PositiveSmallIntegerField(null=True, blank=True)
    override_reason = EncryptedTextField(blank=True, default="")
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    overridden_at = models.DateTimeField(null=True, blank=True)

    @property
    def is_overridden(self) -> bool:
        return self.overridden_at is not None

    @property
    def final_eligible(self) -> bool:
        return self.eligible if self.override_eligible is None else self.override_eligible

    @property
    def final_priority(self) -> int | None:
        return final_priority(eligible=self.eligible, points=self.points,
                              override_eligible=self.override_eligible,
                              override_priority=self.override_priority)


def final_priority(*, eligible: bool, points: int, override_eligible: bool | None,
                   override_priority: int | None) -> int | None:
    """What Case.priority holds: None when not eligible, else the override or the points."""
    is_eligible = eligible if override_eligible is None else override_eligible
    if not is_eligible:
        return None
    return points if override_priority is None else override_priority
