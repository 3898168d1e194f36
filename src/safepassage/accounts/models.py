"""Staff users, their role, and the partner organisations that refer people."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PARTNER = "partner", _("Partner referrer")
    CASEWORKER = "caseworker", _("Caseworker")
    SUPERVISOR = "supervisor", _("Supervisor")
    AIRLIFT_OFFICER = "airlift_officer", _("Airlift officer")
    GATE_AGENT = "gate_agent", _("Gate agent")
    DIPLOMATIC_OFFICER = "diplomatic_officer", _("Diplomatic officer")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")
    HOST = "host", _("Host (community, agency office or sponsor)")


class Organisation(models.Model):
    """A partner that refers people: an NGO, a veterans' network, an MP's office, or ourselves."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.CASEWORKER)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    # Made by `safepassage demo-users` with the published password: refused at sign-in in
    # production, and the only accounts whose current code `safepassage totp` prints.
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="partner") | models.Q(organisation__isnull=False),
                name="partner_user_has_organisation",
            )
        ]


class ExternalIdentity(models.Model):
    """The account an identity provider's subject signs in to (OpenID Connect single sign-on):
    bound by issuer and subject, which never change, not by an e-mail address, which can."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="external_identities")
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="external_identity_once")
        ]
