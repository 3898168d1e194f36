"""Public commitments (for example "Resettle 21,000 Afghans"): a target, what counts, a deadline.

Progress is never typed in: it is computed from the cases (dashboard.selectors).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Counts(models.TextChoices):
    """What a commitment counts, in people (not households)."""

    AFGHANS_RESETTLED = "afghans_resettled", _("Afghans resettled (every category but citizens)")
    PEOPLE_RESETTLED = "people_resettled", _("People resettled (every category)")
    CITIZENS_EVACUATED = "citizens_evacuated", _(
        "Citizens evacuated (boarded, arrived or resettled)"
    )
    PEOPLE_EVACUATED = "people_evacuated", _("People evacuated (boarded, arrived or resettled)")


class Commitment(models.Model):
    title = models.CharField(_("title"), max_length=200)
    target = models.PositiveIntegerField(_("target (people)"), validators=[MinValueValidator(1)])
    counts = models.CharField(_("what counts"), max_length=32, choices=Counts.choices)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    announced_on = models.DateField(_("announced on"), default=timezone.localdate)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deadline", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(target__gte=1),
                                              name="commitment_target_positive")]

    def __str__(self) -> str:
        return self.title


class Snapshot(models.Model):
    """The registry's aggregates at one moment, so that no one waits for a million-row GROUP BY.

    Holds counts only (no personal data). The page uses the latest snapshot if it is younger
    than DASHBOARD_MAX_AGE_SECONDS and computes a new one otherwise; the background runner
    keeps one fresh (dashboard.tasks.refresh_dashboard, every 30 s by default).
    """

    computed_at = models.DateTimeField(db_index=True)
    seconds = models.FloatField()
    groups = models.JSONField()  # [[status, category, organisation id, cases, people], ...]
    registrations = models.JSONField()  # [["2021-08-15", cases], ...]
    burn_ups = models.JSONField()  # {what counts: [["2021-08-20", cumulative people], ...]}
    unique_persons = models.PositiveIntegerField(null=True)  # None: record linkage not run

    class Meta:
        ordering = ["-computed_at"]
