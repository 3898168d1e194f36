"""People, the households they travel with, and one case per household with its status history.

Personal values are encrypted at rest (protection.fields); exact look-ups go through Identifier,
which holds keyed blind indexes of normalised phones, e-mails, document numbers and name tokens.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.protection.fields import EncryptedDateField, EncryptedJSONField, EncryptedTextField
from safepassage.registry.latin import needs_latin


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    DARI = "fa-af", _("Dari")
    PASHTO = "ps", _("Pashto")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not stated")


class DatePrecision(models.TextChoices):
    DAY = "day", _("Exact day")
    MONTH = "month", _("Month only")
    YEAR = "year", _("Year only")


class Relationship(models.TextChoices):
    # child, parent, sibling, grandparent and in-law: for the words people write when they do
    # not say which (decision 0090).
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    SON = "son", _("Son")
    DAUGHTER = "daughter", _("Daughter")
    PARENT = "parent", _("Parent")
    FATHER = "father", _("Father")
    MOTHER = "mother", _("Mother")
    SIBLING = "sibling", _("Brother or sister")
    BROTHER = "brother", _("Brother")
    SISTER = "sister", _("Sister")
    GRANDPARENT = "grandparent", _("Grandparent")
    GRANDCHILD = "grandchild", _("Grandchild")
    IN_LAW = "in_law", _("In-law")
    OTHER = "other", _("Other relative")


class Category(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    PERMANENT_RESIDENT = "permanent_resident", _("Permanent resident")
    FAMILY_OF_CITIZEN = "family_of_citizen", _("Family of a citizen")
    INTERPRETER = "interpreter", _("Interpreter")
    FORMER_EMPLOYEE = "former_employee", _("Former employee")
    HUMAN_RIGHTS_DEFENDER = "human_rights_defender", _("Human-rights defender")
    JOURNALIST = "journalist", _("Journalist")
    WOMAN_LEADER = "woman_leader", _("Woman leader")
    PERSECUTED_MINORITY = "persecuted_minority", _("Persecuted minority")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    WEB_FORM = "web_form", _("Public form")
    PARTNER_API = "partner_api", _("Partner API")
    BULK_IMPORT = "bulk_import", _("Spreadsheet import")
    STAFF = "staff", _("Staff entry")
    DEMO = "demo", _("Demo data")


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    UNDER_REVIEW = "under_review", _("Under review")
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Not eligible")
    APPROVED = "approved", _("Approved")
    MANIFESTED = "manifested", _("On a flight manifest")
    BOARDED = "boarded", _("Boarded")
    ARRIVED = "arrived", _("Arrived")
    RESETTLED = "resettled", _("Resettled")
    ON_HOLD = "on_hold", _("On hold")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    NO_SHOW = "no_show", _("Did not show at the gate")
    LEFT_BEHIND = "left_behind", _("Left behind")


S = Status
# Every allowed move of a case, and the capability it takes (accounts.permissions). Anything not
# in this table is refused. Decisions on eligibility and approval belong to supervisors; moves
# caused by flights and the gate belong to airlift officers and gate agents.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.REGISTERED, S.UNDER_REVIEW): "review_cases",
    (S.REGISTERED, S.ON_HOLD): "review_cases",
    (S.REGISTERED, S.WITHDRAWN): "review_cases",
    (S.UNDER_REVIEW, S.ELIGIBLE): "decide_eligibility",
    (S.UNDER_REVIEW, S.INELIGIBLE): "decide_eligibility",
    (S.UNDER_REVIEW, S.ON_HOLD): "review_cases",
    (S.UNDER_REVIEW, S.WITHDRAWN): "review_cases",
    (S.ELIGIBLE, S.APPROVED): "decide_eligibility",
    (S.ELIGIBLE, S.INELIGIBLE): "decide_eligibility",
    (S.ELIGIBLE, S.ON_HOLD): "review_cases",
    (S.ELIGIBLE, S.WITHDRAWN): "review_cases",
    (S.INELIGIBLE, S.UNDER_REVIEW): "decide_eligibility",
    (S.INELIGIBLE, S.WITHDRAWN): "review_cases",
    (S.APPROVED, S.MANIFESTED): "manage_flights",
    (S.APPROVED, S.ON_HOLD): "decide_eligibility",
    (S.APPROVED, S.WITHDRAWN): "review_cases",
    (S.APPROVED, S.LEFT_BEHIND): "manage_flights",
    (S.MANIFESTED, S.APPROVED): "manage_flights",
    (S.MANIFESTED, S.BOARDED): "board_passengers",
    (S.MANIFESTED, S.NO_SHOW): "board_passengers",
    (S.MANIFESTED, S.ON_HOLD): "decide_eligibility",
    (S.MANIFESTED, S.WITHDRAWN): "review_cases",
    (S.MANIFESTED, S.LEFT_BEHIND): "manage_flights",
    (S.NO_SHOW, S.MANIFESTED): "manage_flights",
    (S.NO_SHOW, S.APPROVED): "manage_flights",
    (S.NO_SHOW, S.WITHDRAWN): "review_cases",
    (S.NO_SHOW, S.LEFT_BEHIND): "manage_flights",
    (S.BOARDED, S.ARRIVED): "manage_flights",
    (S.ARRIVED, S.RESETTLED): "review_cases",
    (S.ON_HOLD, S.UNDER_REVIEW): "review_cases",
    (S.WITHDRAWN, S.UNDER_REVIEW): "review_cases",
    (S.LEFT_BEHIND, S.APPROVED): "decide_eligibility",
    (S.LEFT_BEHIND, S.UNDER_REVIEW): "review_cases",
}


def allowed_next_statuses(status: str) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == status]


class Fact(models.TextChoices):
    """What must be true in the world before a case may take an earned move (decision 0070)."""

    SEAT = "seat", _("a seat on a scheduled flight")
    GATE = "gate", _("the gate of the household's flight")
    LANDING = "landing", _("the landing of the household's flight")
    MILESTONES = "milestones", _("the required resettlement milestones")


# The moves no one makes by choosing a status: each is made by the service that records the
# fact (registry.facts), or by a supervisor's override with a written reason. The capability in
# TRANSITIONS is then what the override stands in for; change_case_status refuses these moves.
EARNED_BY: dict[tuple[str, str], str] = {
    (S.APPROVED, S.MANIFESTED): Fact.SEAT,
    (S.NO_SHOW, S.MANIFESTED): Fact.SEAT,
    (S.MANIFESTED, S.APPROVED): Fact.SEAT,  # the seat went: waiting again
    (S.MANIFESTED, S.BOARDED): Fact.GATE,
    (S.MANIFESTED, S.NO_SHOW): Fact.GATE,
    (S.BOARDED, S.ARRIVED): Fact.LANDING,
    (S.ARRIVED, S.RESETTLED): Fact.MILESTONES,
}


# Crockford's base32 without I, L, O, U: read aloud over a bad phone line without confusion.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference() -> str:
    """A random, unguessable case reference like SP-7K4M9-Q2XZ3 (not a sequence to enumerate).

    Fifty bits: a million cases leave a new reference a one-in-a-billion chance of a clash.
    """
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(10))
    return f"SP-{body[:5]}-{body[5:]}"


class LatinNameSource(models.TextChoices):
    TYPED = "typed", _("Typed in Latin script")
    SUGGESTED = "suggested", _("Suggested by transliteration: to be confirmed")
    CONFIRMED = "confirmed", _("Confirmed by a caseworker")


class Household(models.Model):
    """The family unit that travels together: never split across flights."""

    head = models.ForeignKey(
        "Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Household {self.pk}"


class Person(models.Model):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    relationship_to_head = models.CharField(
        max_length=16, choices=Relationship.choices, default=Relationship.HEAD
    )
    given_name = EncryptedTextField()
    family_name = EncryptedTextField(blank=True, default="")
    father_name = EncryptedTextField(blank=True, default="")
    name_native = EncryptedTextField(blank=True, default="")
    # The name in Latin script for the manifest, the letter, the QR code and the gate
    # (registry.latin): as typed, or suggested from the Dari or Pashto script until confirmed.
    latin_given_name = EncryptedTextField(blank=True, default="")
    latin_family_name = EncryptedTextField(blank=True, default="")
    latin_name_source = models.CharField(max_length=10, choices=LatinNameSource.choices,
                                         blank=True, default="")
    birth_date = EncryptedDateField(null=True, blank=True)
    birth_date_latest = EncryptedDateField(null=True, blank=True)
    birth_date_precision = models.CharField(
        max_length=8, choices=DatePrecision.choices, blank=True, default=""
    )
    birth_date_text = EncryptedTextField(blank=True, default="")
    sex = models.CharField(max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    phones = EncryptedJSONField(default=list, blank=True)
    email = EncryptedTextField(blank=True, default="")
    tazkira_number = EncryptedTextField(blank=True, default="")
    passport_number = EncryptedTextField(blank=True, default="")
    province = EncryptedTextField(blank=True, default="")
    district = EncryptedTextField(blank=True, default="")
    preferred_language = models.CharField(
        max_length=8, choices=Language.choices, default=Language.DARI
    )
    notes = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Person {self.pk}"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in [self.given_name, self.family_name] if p)

    @property
    def latin_given(self) -> str:
        """The given name in Latin script (a person registered before Latin names were kept
        has the name as typed, when it was typed in Latin script)."""
        return self.latin_given_name or _if_latin(self.given_name)

    @property
    def latin_family(self) -> str:
        return self.latin_family_name or _if_latin(self.family_name)

    @property
    def latin_full_name(self) -> str:
        return " ".join(p for p in [self.latin_given, self.latin_family] if p)

    @property
    def latin_name_unconfirmed(self) -> bool:
        return self.latin_name_source == LatinNameSource.SUGGESTED


def _if_latin(name: str) -> str:
    return "" if needs_latin(name) else name


class Identifier(models.Model):
    """A keyed blind index of one normalised value of a person, for exact look-ups."""

    class Kind(models.TextChoices):
        PHONE = "phone"
        EMAIL = "email"
        TAZKIRA = "tazkira"
        PASSPORT = "passport"
        NAME = "name"

    # No index of its own: identifier_once (person, kind, digest) serves look-ups by person, and
    # each index more is written for every one of the half-dozen identifiers of each person.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers",
                               db_index=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    digest = models.CharField(max_length=32)

    class Meta:
        indexes = [models.Index(fields=["kind", "digest"])]
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "digest"], name="identifier_once")
        ]


class Case(models.Model):
    reference = models.CharField(max_length=16, unique=True, default=new_reference)
    household = models.OneToOneField(Household, on_delete=models.PROTECT, related_name="case")
    category = models.CharField(max_length=32, choices=Category.choices, db_index=True)
    referring_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.STAFF)
    priority = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.REGISTERED, db_index=True
    )
    status_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Some earned move of this case was forced by a supervisor without its fact (the history
    # says which and why); the dashboard and the commitments count such cases apart.
    by_override = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["referring_organisation", "status"])]

    def __str__(self) -> str:
        return self.reference


class StatusChange(models.Model):
    """One entry of a case's history: who moved it, when, from where to where, and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = EncryptedTextField(blank=True, default="")
    # The fact that earned this move (Fact), or "" for a decision; by_override: forced without it.
    fact = models.CharField(max_length=12, blank=True, default="")
    by_override = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "pk"]


class Correction(models.Model):
    """One value of a person or a household corrected by a caseworker, the old value kept beside
    the new (both encrypted), shown in the case's history. The audit entry of the same change
    names the field only."""

    class Kind(models.TextChoices):
        VALUE = "value", _("Value corrected")
        LATIN_CONFIRMED = "latin_confirmed", _("Latin name confirmed")
        MEMBER_ADDED = "member_added", _("Member added")
        MEMBER_REMOVED = "member_removed", _("Member removed")
        MEMBER_MOVED_IN = "member_moved_in", _("Member moved in")
        MEMBER_MOVED_OUT = "member_moved_out", _("Member moved out")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="corrections")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="corrections")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.VALUE)
    field = models.CharField(max_length=32, blank=True, default="")
    old_value = EncryptedTextField(blank=True, default="")
    new_value = EncryptedTextField(blank=True, default="")
    reason = EncryptedTextField(blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]


class ContactConfirmation(models.Model):
    """A phone number given through the anonymous public form, and whether its holder has shown
    they hold it: a code sent to it typed back, or a message received from it. Anyone may type
    anyone's number in the form, so until then nothing but a neutral code goes to it."""

    phone = EncryptedTextField()  # normalised (E.164)
    digest = models.CharField(max_length=32, unique=True)  # blind index, as Identifier's phone
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_via = models.CharField(max_length=8, blank=True, default="")  # "code", "reply"

    def __str__(self) -> str:
        return f"Contact {self.pk}"


class ConfirmationCode(models.Model):
    """A code sent to a contact: kept as a keyed hash, good for a while and a few tries."""

    contact = models.ForeignKey(ContactConfirmation, on_delete=models.CASCADE,
                                related_name="codes")
    digest = models.CharField(max_length=64)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_tries = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["contact", "sent_at"], name="code_by_contact")]
