"""Changes to the registry: registering a household, moving a case through its statuses.

Every change checks the actor's role here, is written in one transaction with its history and
its audit entry, and so cannot be bypassed by a view, an API endpoint or a command. What happened
is then announced through registry.events, in the same transaction, to the capabilities that
follow it (linkage, triage, messaging): the registry imports none of them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts import permissions
from safepassage.accounts.models import Organisation
from safepassage.accounts.permissions import Actor
from safepassage.audit import services as audit
from safepassage.bulk import create_objects, draw_keys, insert_rows
from safepassage.registry import events, facts, latin, normalise
from safepassage.registry.identifiers import digest_for, digests_for, identifier_rows
from safepassage.registry.models import (
    EARNED_BY,
    TRANSITIONS,
    Case,
    Channel,
    ConfirmationCode,
    ContactConfirmation,
    Correction,
    Fact,
    Household,
    Identifier,
    Language,
    LatinNameSource,
    Person,
    Relationship,
    Sex,
    Status,
    StatusChange,
    allowed_next_statuses,
    new_reference,
)


@dataclass
class PersonData:
    """One person's normalised values, as intake hands them to the registry."""

    given_name: str
    family_name: str = ""
    father_name: str = ""
    name_native: str = ""
    birth_date: dt.date | None = None
    birth_date_latest: dt.date | None = None
    birth_date_precision: str = ""
    birth_date_text: str = ""
    sex: str = Sex.UNKNOWN
    phones: list[str] = field(default_factory=list)
    email: str = ""
    tazkira_number: str = ""
    passport_number: str = ""
    province: str = ""
    district: str = ""
    preferred_language: str = Language.DARI
    relationship_to_head: str = Relationship.HEAD
    notes: str = ""


class InvalidTransition(ValidationError):
    pass


# Channels that only one kind of system actor registers through, by the capability it holds.
_CHANNEL_CAPABILITY: dict[str, str] = {
    Channel.WEB_FORM: permissions.REGISTER_FROM_PUBLIC_FORM,
    Channel.DEMO: permissions.LOAD_DEMO_DATA,
}


def _check_may_register(actor: Actor, channel: str, organisation: Organisation | None) -> None:
    if channel in _CHANNEL_CAPABILITY:
        permissions.require(actor, _CHANNEL_CAPABILITY[channel])
        return
    if permissions.is_partner(actor):
        permissions.require(actor, permissions.REFER_CASES)
        if organisation is None or organisation.pk != actor.organisation_id:
            raise PermissionDenied(_("Partners refer people for their own organisation only."))
        return
    permissions.require(actor, permissions.IMPORT_FILES)


@dataclass
class HouseholdData:
    """A household to register: its people (the head first, or marked head) and its case."""

    members: Sequence[PersonData]
    category: str
    audit_details: dict[str, Any] = field(default_factory=dict)
    registered_at: dt.datetime | None = None  # when it was received, if not now
    reference: str = ""  # drawn when it was received (intake's public form), if not now


def register_household(
    *,
    actor: Actor,
    members: Sequence[PersonData],
    category: str,
    channel: str,
    organisation: Organisation | None = None,
    audit_details: dict[str, Any] | None = None,
) -> Case:
    """Register one household; see register_households."""
    household = HouseholdData(members=members, category=category,
                              audit_details=audit_details or {})
    return register_households(
        actor=actor, households=[household], channel=channel, organisation=organisation
    )[0]


def register_households(
    *,
    actor: Actor,
    households: Sequence[HouseholdData],
    channel: str,
    organisation: Organisation | None = None,
) -> list[Case]:
    """Create households, their people, blind indexes and cases (status registered), in bulk.

    One transaction for the whole batch, and one audit entry per case. The first member marked
    head (or else the first member) becomes the head of household.
    """
    _check_may_register(actor, channel, organisation)
    if any(not h.members for h in households):
        raise ValidationError(_("A household needs at least one person."))
    user = permissions.user_of(actor)
    # No savepoint: a failure here undoes the caller's whole transaction (or its own savepoint,
    # as intake's retry has); a registration is never half kept.
    with transaction.atomic(savepoint=False):
        rows = [Household() for _ in households]
        people = [Person(**_values(member)) for data in households for member in data.members]
        _fill_latin_names(people)
        homes = [row for row, data in zip(rows, households, strict=True) for _m in data.members]
        if draw_keys(rows) and draw_keys(people):
            # Keys known beforehand: each household is written with its head in the INSERT.
            _place(people, homes)
            heads = _heads(people)
            for row in rows:
                row.head_id = heads[row.pk]
            create_objects(rows)
            create_objects(people)
        else:
            create_objects(rows)
            _place(people, homes)
            create_objects(people)
            _set_heads(_heads(people))
        _insert_identifiers(people)
        cases = _create_cases(rows, households, organisation, channel)
        create_objects(
            [
                StatusChange(case=c, to_status=Status.REGISTERED, actor=user, at=c.created_at)
                for c in cases
            ]
        )
        audit.record_many(
            actor=actor,
            events=[
                {
                    "action": "case.registered",
                    "object_type": "case",
                    "object_id": case.reference,
                    "details": {"people": len(data.members), "channel": channel,
                                **data.audit_details},
                }
                for case, data in zip(cases, households, strict=True)
            ],
        )
        events.households_registered.publish(events.HouseholdsRegistered(
            actor=actor, channel=channel, cases=cases, people=people))
    return cases


_PERSON_FIELDS = tuple(f.name for f in fields(PersonData))


def _fill_latin_names(people: Sequence[Person]) -> None:
    """The Latin-script name of each person: as typed when the name is in Latin script, else
    suggested by transliteration (all the batch's names in one call) and flagged until a
    caseworker confirms it."""
    to_suggest: list[Person] = []
    for p in people:
        if latin.needs_latin(p.given_name) or latin.needs_latin(p.family_name):
            to_suggest.append(p)
        else:
            p.latin_given_name, p.latin_family_name = p.given_name, p.family_name
            p.latin_name_source = LatinNameSource.TYPED
    if not to_suggest:
        return
    spelt = latin.suggest_latin([name for p in to_suggest for name in (p.given_name,
                                                                       p.family_name)])
    for n, p in enumerate(to_suggest):
        p.latin_given_name, p.latin_family_name = spelt[2 * n], spelt[2 * n + 1]
        p.latin_name_source = LatinNameSource.SUGGESTED


def _values(member: PersonData) -> dict[str, Any]:
    # Not dataclasses.asdict: its deep copy of every value cost more than the insert.
    return {name: getattr(member, name) for name in _PERSON_FIELDS}


def _create_cases(
    rows: list[Household], households: Sequence[HouseholdData],
    organisation: Organisation | None, channel: str,
) -> list[Case]:
    now = timezone.now()
    cases = [
        Case(household=row, category=data.category, referring_organisation=organisation,
             channel=channel, created_at=data.registered_at or now,
             status_changed_at=data.registered_at or now,
             **({"reference": data.reference} if data.reference else {}))
        for row, data in zip(rows, households, strict=True)
    ]
    # References are random: in the rare event one is taken already, draw the batch again.
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return create_objects(cases)
        except IntegrityError:
            for case in cases:
                case.reference = new_reference()
    raise IntegrityError("Could not draw unused case references.")


def _place(people: Sequence[Person], homes: Sequence[Household]) -> None:
    for person, home in zip(people, homes, strict=True):
        person.household_id = home.pk


def _heads(people: Sequence[Person]) -> dict[int, int]:
    """The first member marked head leads each household; failing that, its first member."""
    heads: dict[int, int] = {}
    for p in people:
        if p.relationship_to_head == Relationship.HEAD:
            heads.setdefault(p.household_id, p.pk)
    for p in people:
        heads.setdefault(p.household_id, p.pk)
    return heads


def _set_heads(heads: dict[int, int]) -> None:
    """Where keys come only with the INSERT: one UPDATE per household, afterwards."""
    table = Household._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET head_id = %s WHERE id = %s",  # noqa: S608
            [(head, household) for household, head in heads.items()],
        )


def _insert_identifiers(people: Sequence[Person]) -> None:
    """Write the blind indexes of freshly created people (dozens per household)."""
    insert_rows(Identifier, ("person", "kind", "digest"),
                (row for p in people for row in identifier_rows(p)))


def _invalid_transition(case: Case, to_status: str) -> InvalidTransition:
    allowed = ", ".join(str(Status(s).label) for s in allowed_next_statuses(case.status))
    return InvalidTransition(
        _(
            "A case that is “%(current)s” cannot become “%(target)s”. "
            "It can become: %(allowed)s."
        )
        % {
            "current": Status(case.status).label,
            "target": Status(to_status).label if to_status in Status.values else to_status,
            "allowed": allowed or _("nothing (this is a final status)"),
        },
        code="invalid_transition",
    )


def change_case_status(*, actor: Actor, case: Case, to_status: str, reason: str = "") -> Case:
    """Move a case along one allowed transition, keeping who, when and why in its history.

    The moves earned by a fact (EARNED_BY: a seat, the gate, a landing, resettlement
    milestones) are refused here, whoever asks: earn_case_status makes them, with the fact's
    evidence, and override_case_status lets a supervisor force one with a written reason.
    """
    permissions.check_actor(actor)
    capability = TRANSITIONS.get((case.status, to_status))
    if capability is None:
        raise _invalid_transition(case, to_status)
    fact = EARNED_BY.get((case.status, to_status))
    if fact is not None:
        raise InvalidTransition(facts.why_earned(case.status, to_status, fact), code="not_earned")
    permissions.require(actor, capability)
    return _move(actor=actor, case=case, to_status=to_status, reason=reason)


def earn_case_status(
    *, actor: Actor, case: Case, to_status: str, evidence: facts.Evidence, reason: str = ""
) -> Case:
    """Make an earned move with the evidence of its fact, made by the fact's owner.

    The evidence must come from the one app that claimed the fact (registry.facts) and be about
    this case; the owner's check is asked again, inside the transaction, whether the fact holds
    now. The actor needs the move's capability (a gate agent boards, an airlift officer seats).
    """
    permissions.check_actor(actor)
    if (case.status, to_status) not in TRANSITIONS:
        raise _invalid_transition(case, to_status)
    fact = EARNED_BY.get((case.status, to_status))
    if fact is None:
        raise InvalidTransition(
            _("This move is a decision, not a fact: make it with a status change."),
            code="not_a_fact",
        )
    owner = facts.owner_of(fact)
    if (not isinstance(evidence, facts.Evidence) or owner is None or evidence.owner is not owner
            or evidence.fact != fact or evidence.case_id != case.pk):
        raise InvalidTransition(facts.why_earned(case.status, to_status, fact), code="not_earned")
    permissions.require(actor, TRANSITIONS[(case.status, to_status)])
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status != case.status:
            raise InvalidTransition(
                _("Someone else changed this case meanwhile; reload it and try again."),
                code="stale_case",
            )
        why_not = owner.check(locked, to_status)
        if why_not:
            raise InvalidTransition(why_not, code="fact_missing")
        return _move(actor=actor, case=case, to_status=to_status, reason=reason or
                     evidence.detail, fact=fact, locked=locked)


def override_case_status(*, actor: Actor, case: Case, to_status: str, reason: str) -> Case:
    """A supervisor forces an earned move without its fact, with a written reason.

    Only moves of TRANSITIONS that a fact earns; the case is marked (Case.by_override), the
    history entry says so, the audit entry is its own action, and the dashboard and the
    commitments count such cases apart.
    """
    permissions.check_actor(actor)
    if (case.status, to_status) not in TRANSITIONS:
        raise _invalid_transition(case, to_status)
    fact = EARNED_BY.get((case.status, to_status))
    if fact is None:
        raise InvalidTransition(
            _("Only a move earned by a fact is overridden; make this one with a status "
              "change."),
            code="not_a_fact",
        )
    permissions.require(actor, permissions.OVERRIDE_STATUS)
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Write why the case moves without %(fact)s: an override is kept "
                         "with its reason and counted apart.") % {"fact": Fact(fact).label}}
        )
    return _move(actor=actor, case=case, to_status=to_status, reason=reason, fact=fact,
                 by_override=True)


def _move(
    *, actor: Actor, case: Case, to_status: str, reason: str, fact: str = "",
    by_override: bool = False, locked: Case | None = None,
) -> Case:
    with transaction.atomic():
        if locked is None:
            locked = Case.objects.select_for_update().get(pk=case.pk)
            if locked.status != case.status:
                raise InvalidTransition(
                    _("Someone else changed this case meanwhile; reload it and try again."),
                    code="stale_case",
                )
        from_status = locked.status
        locked.status = to_status
        locked.status_changed_at = timezone.now()
        locked.by_override = locked.by_override or by_override
        locked.save(update_fields=["status", "status_changed_at", "by_override"])
        StatusChange.objects.create(
            case=locked, from_status=from_status, to_status=to_status,
            actor=permissions.user_of(actor), reason=reason, fact=fact, by_override=by_override,
        )
        audit.record(
            actor=actor,
            action="case.status_overridden" if by_override else "case.status_changed",
            object_type="case",
            object_id=locked.reference,
            details={"from": from_status, "to": to_status, "with_reason": bool(reason),
                     **({"fact": fact} if fact else {})},
        )
        events.case_status_changed.publish(events.CaseStatusChanged(
            actor=actor, case=locked, from_status=from_status, to_status=to_status,
            by_override=by_override))
    case.status, case.status_changed_at = locked.status, locked.status_changed_at
    case.by_override = locked.by_override
    return case


# --------------------------------------------------------------------------------------------
# Corrections of people and households (decision 0082)
# --------------------------------------------------------------------------------------------

NAME_FIELDS = ("given_name", "family_name", "father_name", "name_native")
LATIN_FIELDS = ("latin_given_name", "latin_family_name")
DOCUMENT_FIELDS = ("tazkira_number", "passport_number")
CORRECTABLE_FIELDS = (*NAME_FIELDS, *LATIN_FIELDS, "date_of_birth", "sex", *DOCUMENT_FIELDS,
                      "relationship_to_head")


def _shown(person: Person, name: str) -> str:
    """A value as the case history shows it, before or after."""
    if name == "date_of_birth":
        return str(person.birth_date_text or (person.birth_date or ""))
    return str(getattr(person, name) or "")


def _normalised_changes(person: Person, changes: dict[str, str]) -> dict[str, Any]:
    """The model values the corrections set, checked as intake checks them; every problem at
    once, by field."""
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These values cannot be corrected here: %(fields)s.")
                              % {"fields": ", ".join(sorted(unknown))}, code="not_correctable")
    values: dict[str, Any] = {}
    problems: dict[str, list[str]] = {}
    for name, text in changes.items():
        text = "" if text is None else str(text)
        try:
            if name in NAME_FIELDS or name in LATIN_FIELDS:
                values[name] = normalise.normalise_name(text)
                if name in LATIN_FIELDS and latin.needs_latin(values[name]):
                    problems[name] = [_("Write this name in Latin letters (A to Z).")]
            elif name == "date_of_birth":
                if text.strip():
                    born = normalise.parse_date_of_birth(text, field=name)
                    values |= {"birth_date": born.earliest, "birth_date_latest": born.latest,
                               "birth_date_precision": born.precision,
                               "birth_date_text": text.strip()}
                else:
                    values |= {"birth_date": None, "birth_date_latest": None,
                               "birth_date_precision": "", "birth_date_text": ""}
            elif name in DOCUMENT_FIELDS:
                values[name] = (normalise.normalise_document_number(text, field=name)
                                if text.strip() else "")
            elif name == "sex":
                if text not in Sex.values:
                    problems[name] = [_("Choose one of the listed answers.")]
                values[name] = text
            elif name == "relationship_to_head":
                allowed = [r for r in Relationship.values if r != Relationship.HEAD]
                if person.pk == person.household.head_id:
                    allowed = [Relationship.HEAD]
                if text not in allowed:
                    problems[name] = [_("Choose one of the listed answers; the head of the "
                                        "household stays its head.")]
                values[name] = text
        except normalise.NormalisationError as error:
            problems[name] = [f"{error.message} {error.hint}"]
    if "given_name" in values and not values["given_name"]:
        problems["given_name"] = [_("The given name cannot be empty.")]
    if problems:
        raise ValidationError(problems)
    return values


def correct_person(
    *, actor: Actor, person: Person, changes: dict[str, str], reason: str,
) -> list[Correction]:
    """Correct a person's names, birth date, sex, documents or relationship. The old values are
    kept beside the new in the case's history, the change is audited (fields only), the blind
    indexes are written again, and `PersonCorrected` lets linkage look for duplicates again,
    triage re-score and airlift re-check the seat. Latin names set here count as confirmed."""
    permissions.require(actor, permissions.REVIEW_CASES)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the values are corrected (the document "
                                            "seen, the call with the family).")]})
    with transaction.atomic():
        locked = _locked_person(person)
        values = _normalised_changes(locked, changes)
        before = {name: _shown(locked, name) for name in CORRECTABLE_FIELDS}
        for name, value in values.items():
            setattr(locked, name, value)
        names_changed = {n for n in ("given_name", "family_name") if n in values
                         and before[n] != _shown(locked, n)}
        if any(n in changes for n in LATIN_FIELDS):
            locked.latin_name_source = LatinNameSource.CONFIRMED
        elif names_changed and locked.latin_name_source != LatinNameSource.CONFIRMED:
            _fill_latin_names([locked])  # a respelt name gets its Latin form again
        changed = [n for n in CORRECTABLE_FIELDS if before[n] != _shown(locked, n)]
        if not changed:
            return []
        locked.save()
        _rewrite_identifiers(locked)
        case = locked.household.case
        user = permissions.user_of(actor)
        corrections = create_objects([
            Correction(case=case, person=locked, field=n, old_value=before[n],
                       new_value=_shown(locked, n), reason=reason, actor=user)
            for n in changed])
        audit.record(actor=actor, action="person.corrected", object_type="case",
                     object_id=case.reference,
                     details={"case": case.reference, "person": locked.pk, "fields": changed})
        events.person_corrected.publish(events.PersonCorrected(
            actor=actor, person=locked, fields=frozenset(changed)))
    person.refresh_from_db()
    return corrections


def confirm_latin_name(*, actor: Actor, person: Person, reason: str = "") -> Correction | None:
    """A caseworker confirms the suggested Latin spelling as it is (to change it, correct the
    Latin name fields: that confirms it too)."""
    permissions.require(actor, permissions.REVIEW_CASES)
    with transaction.atomic():
        locked = _locked_person(person)
        if locked.latin_name_source == LatinNameSource.CONFIRMED:
            return None
        if not locked.latin_given_name:
            raise ValidationError({"latin_given_name": [_("There is no Latin name to confirm; "
                                                          "write one.")]})
        locked.latin_name_source = LatinNameSource.CONFIRMED
        locked.save(update_fields=["latin_name_source", "updated_at"])
        case = locked.household.case
        correction = Correction.objects.create(
            case=case, person=locked, kind=Correction.Kind.LATIN_CONFIRMED,
            field="latin_name", old_value=locked.latin_full_name,
            new_value=locked.latin_full_name, reason=reason, actor=permissions.user_of(actor))
        audit.record(actor=actor, action="person.latin_name_confirmed", object_type="case",
                     object_id=case.reference, details={"case": case.reference,
                                                        "person": locked.pk})
        events.person_corrected.publish(events.PersonCorrected(
            actor=actor, person=locked, fields=frozenset({"latin_name_source"})))
    person.refresh_from_db()
    return correction


def _locked_person(person: Person) -> Person:
    # Only the person's row is locked: its case is on the nullable side of the join.
    return (Person.objects.select_for_update(of=("self",))
            .select_related("household__case").get(pk=person.pk))


def _rewrite_identifiers(person: Person) -> None:
    Identifier.objects.filter(person=person).delete()
    _insert_identifiers([person])


def add_member(*, actor: Actor, case: Case, values: dict[str, str], reason: str) -> Person:
    """A person who travels with the household and was left out of the registration, checked
    as a correction is (names, date of birth, documents, relationship)."""
    permissions.require(actor, permissions.REVIEW_CASES)
    problems: dict[str, list[str]] = {}
    if not reason.strip():
        problems["reason"] = [_("Say why the person is added.")]
    if not str(values.get("given_name", "")).strip():
        problems["given_name"] = [_("The given name cannot be empty.")]
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("household").get(pk=case.pk)
        person = Person(household=locked.household, relationship_to_head=Relationship.OTHER,
                        preferred_language=_household_language(locked))
        for name, value in _normalised_changes(person, values).items():
            setattr(person, name, value)
        _fill_latin_names([person])
        person.save()
        _insert_identifiers([person])
        Correction.objects.create(case=locked, person=person, kind=Correction.Kind.MEMBER_ADDED,
                                  new_value=person.full_name, reason=reason,
                                  actor=permissions.user_of(actor))
        audit.record(actor=actor, action="household.member_added", object_type="case",
                     object_id=locked.reference, details={"case": locked.reference,
                                                          "person": person.pk})
        events.person_corrected.publish(events.PersonCorrected(
            actor=actor, person=person, fields=frozenset({"household"})))
    return person


def _household_language(case: Case) -> str:
    head = case.household.head
    return head.preferred_language if head else Language.DARI


def move_member(*, actor: Actor, person: Person, to_case: Case, reason: str) -> Person:
    """A person registered in the wrong household joins the household they travel with. The
    head of a household with others in it stays (another must become head first), and no
    household is left empty (withdraw its case instead)."""
    permissions.require(actor, permissions.REVIEW_CASES)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the person moves.")]})
    with transaction.atomic():
        locked = _locked_person(person)
        source = locked.household.case
        if source.pk == to_case.pk:
            raise ValidationError({"to_case": [_("The person is already in this household.")]})
        _check_may_leave(locked)
        target = Case.objects.select_for_update().get(pk=to_case.pk)
        locked.household_id = target.household_id
        locked.relationship_to_head = Relationship.OTHER
        locked.save(update_fields=["household", "relationship_to_head", "updated_at"])
        _record_member_left(
            actor=actor, person=locked, source=source, target=target, reason=reason,
            left_as=Correction.Kind.MEMBER_MOVED_OUT, left_action="household.member_moved_out",
            arrival={"action": "household.member_moved_in", "object_type": "case",
                     "object_id": target.reference, "details": {"case": target.reference,
                                                                "person": locked.pk,
                                                                "from": source.reference}},
        )
        events.person_corrected.publish(events.PersonCorrected(
            actor=actor, person=locked, fields=frozenset({"household"}), left_case=source))
    person.refresh_from_db()
    return person


def remove_member(*, actor: Actor, person: Person, reason: str) -> Case:
    """A person who does not travel with this household leaves it for a case of their own
    (registered, same category): no one registered is ever lost. The new case."""
    permissions.require(actor, permissions.REVIEW_CASES)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the person leaves the household.")]})
    with transaction.atomic():
        locked = _locked_person(person)
        source = locked.household.case
        _check_may_leave(locked)
        home = Household.objects.create()
        new_case = _create_cases([home], [HouseholdData(members=[], category=source.category)],
                                 source.referring_organisation, Channel.STAFF)[0]
        user = permissions.user_of(actor)
        StatusChange.objects.create(case=new_case, to_status=Status.REGISTERED, actor=user,
                                    reason=reason)
        locked.household_id = home.pk
        locked.relationship_to_head = Relationship.HEAD
        locked.save(update_fields=["household", "relationship_to_head", "updated_at"])
        home.head_id = locked.pk
        home.save(update_fields=["head"])
        _record_member_left(
            actor=actor, person=locked, source=source, target=new_case, reason=reason,
            left_as=Correction.Kind.MEMBER_REMOVED, left_action="household.member_removed",
            arrival={"action": "case.registered", "object_type": "case",
                     "object_id": new_case.reference,
                     "details": {"people": 1, "channel": Channel.STAFF,
                                 "from": source.reference}},
        )
        events.person_corrected.publish(events.PersonCorrected(
            actor=actor, person=locked, fields=frozenset({"household"}), left_case=source))
    person.refresh_from_db()
    return new_case


def _record_member_left(
    *, actor: Actor, person: Person, source: Case, target: Case, reason: str, left_as: str,
    left_action: str, arrival: dict[str, Any],
) -> None:
    """A member left source for target: a correction on each case (the old household and the
    new), the leaving audited on the source and the arrival as the caller describes it."""
    user = permissions.user_of(actor)
    create_objects([
        Correction(case=source, person=person, kind=left_as, field="household",
                   old_value=source.reference, new_value=target.reference, reason=reason,
                   actor=user),
        Correction(case=target, person=person, kind=Correction.Kind.MEMBER_MOVED_IN,
                   field="household", old_value=source.reference, new_value=target.reference,
                   reason=reason, actor=user),
    ])
    audit.record_many(actor=actor, events=[
        {"action": left_action, "object_type": "case", "object_id": source.reference,
         "details": {"case": source.reference, "person": person.pk, "to": target.reference}},
        arrival,
    ])


def _check_may_leave(person: Person) -> None:
    others = Person.objects.filter(household_id=person.household_id).exclude(pk=person.pk)
    if not others.exists():
        raise ValidationError(_("This person is the household's only member: withdraw its case "
                                "instead."), code="last_member")
    if person.pk == person.household.head_id:
        raise ValidationError(_("This person heads the household: make another member head "
                                "first."), code="head_leaves")


# --- phone numbers given through the anonymous form ---------------------------------------------
# Anyone may type anyone's number in the public form. Until its holder shows they hold it, the
# only message that number gets is a neutral code (digits, naming nothing), at most
# CONTACT_CODES_PER_DAY a day and one at a time; everything else waits (messaging holds it).


@dataclass(frozen=True)
class ContactState:
    contact: ContactConfirmation
    confirmed: bool
    code: str | None  # a new code to send now, or None (confirmed, one still good, or too many)


def _code_digest(contact: ContactConfirmation, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    message = f"contact-code\x00{contact.pk}\x00{code}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _contact_for_update(phone: str) -> ContactConfirmation | None:
    digests = digests_for(Identifier.Kind.PHONE, phone)
    return ContactConfirmation.objects.select_for_update().filter(digest__in=digests).first()


def contact_for_public_form(*, actor: Actor, phone: str) -> ContactState:
    """The state of a number given through the public form (normalised), and a new code to
    send it when it is not confirmed, no code sent to it is still good, and fewer than
    CONTACT_CODES_PER_DAY were sent in the last 24 hours. Call it in the registration's
    transaction: the contact's row is locked, so two forms at once send one code."""
    permissions.require(actor, permissions.CONFIRM_CONTACTS)
    now = timezone.now()
    contact = _contact_for_update(phone)
    if contact is None:
        try:
            with transaction.atomic():
                contact = ContactConfirmation.objects.create(
                    phone=phone, digest=digest_for(Identifier.Kind.PHONE, phone))
        except IntegrityError:  # another form with this number got there first
            contact = _contact_for_update(phone)
            assert contact is not None
    if contact.confirmed_at is not None:
        return ContactState(contact, True, None)
    codes = contact.codes.filter(sent_at__gt=now - dt.timedelta(days=1))
    live = codes.filter(used_at__isnull=True, expires_at__gt=now,
                        failed_tries__lt=settings.CONTACT_CODE_TRIES)
    if live.exists() or codes.count() >= settings.CONTACT_CODES_PER_DAY:
        return ContactState(contact, False, None)
    code = f"{secrets.randbelow(10 ** 6):06d}"
    ConfirmationCode.objects.create(
        contact=contact, digest=_code_digest(contact, code), sent_at=now,
        expires_at=now + dt.timedelta(minutes=settings.CONTACT_CODE_MINUTES))
    audit.record(actor=actor, action="contact.code_sent", object_type="contact",
                 object_id=contact.pk)
    return ContactState(contact, False, code)


def _confirm(actor: Actor, contact: ContactConfirmation, via: str) -> None:
    contact.confirmed_at, contact.confirmed_via = timezone.now(), via
    contact.save(update_fields=["confirmed_at", "confirmed_via"])
    audit.record(actor=actor, action="contact.confirmed", object_type="contact",
                 object_id=contact.pk, details={"via": via})
    events.contact_confirmed.publish(events.ContactConfirmed(actor=actor, contact=contact))


def confirm_contact_by_code(*, actor: Actor, case: Case, code: str) -> bool:
    """A code typed back on the form's success page or the status page (whose reference and
    secret the caller checked): confirms the number of the case's household it was sent to.
    A wrong code counts against every code still good for those numbers."""
    permissions.require(actor, permissions.CONFIRM_CONTACTS)
    code = "".join(ch for ch in code if not ch.isspace())
    phones = {phone for phones in case.household.members.values_list("phones", flat=True)
              for phone in phones or []}
    digests = [d for phone in phones for d in digests_for(Identifier.Kind.PHONE, phone)]
    now = timezone.now()
    with transaction.atomic():
        live = list(ConfirmationCode.objects.select_for_update()
                    .filter(contact__digest__in=digests, used_at__isnull=True,
                            expires_at__gt=now, failed_tries__lt=settings.CONTACT_CODE_TRIES)
                    .select_related("contact"))
        for candidate in live:
            if hmac.compare_digest(candidate.digest, _code_digest(candidate.contact, code)):
                candidate.used_at = now
                candidate.save(update_fields=["used_at"])
                if candidate.contact.confirmed_at is None:
                    _confirm(actor, candidate.contact, "code")
                return True
        for candidate in live:
            candidate.failed_tries += 1
            candidate.save(update_fields=["failed_tries"])
    return False


def confirm_contact_by_reply(*, actor: Actor, phone: str) -> bool:
    """A message received from a number (normalised) shows its holder has it: True if that
    confirmed a number given through the public form."""
    permissions.require(actor, permissions.CONFIRM_CONTACTS)
    with transaction.atomic():
        contact = _contact_for_update(phone)
        if contact is None or contact.confirmed_at is not None:
            return False
        _confirm(actor, contact, "reply")
    return True


def rebuild_contact_digests(*, batch: int = 1000) -> int:
    """The numbers' digests written again under the current index key (rotate-index-key)."""
    done, last_pk = 0, 0
    while True:
        with transaction.atomic():
            rows = list(ContactConfirmation.objects.select_for_update()
                        .filter(pk__gt=last_pk).order_by("pk")[:batch])
            for contact in rows:
                contact.digest = digest_for(Identifier.Kind.PHONE, contact.phone)
            ContactConfirmation.objects.bulk_update(rows, ["digest"])
        if not rows:
            return done
        done += len(rows)
        last_pk = rows[-1].pk
