"""Reads of the registry, scoped to what the actor's role and organisation may see.

Reading a person's file is itself audited. A case outside the actor's scope raises
Case.DoesNotExist, exactly as a case that does not exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from safepassage.accounts import permissions
from safepassage.accounts.permissions import Actor
from safepassage.audit import services as audit
from safepassage.audit.models import AuditEntry
from safepassage.audit.selectors import entries_about
from safepassage.registry import facts
from safepassage.registry.identifiers import digests_for, name_tokens
from safepassage.registry.models import (
    EARNED_BY,
    TRANSITIONS,
    Case,
    Correction,
    Identifier,
    Person,
    Status,
    StatusChange,
    allowed_next_statuses,
)
from safepassage.registry.normalise import NormalisationError, normalise_phone

REFERENCE_PATTERN = re.compile(r"^SP-?[0-9A-Z]{5}-?[0-9A-Z]{5}$")
SEARCH_PAGE_SIZE = 50


def cases_visible_to(actor: Actor) -> QuerySet[Case]:
    permissions.require(actor, permissions.VIEW_CASES)
    cases = Case.objects.all()
    if permissions.is_partner(actor):
        cases = cases.filter(referring_organisation_id=actor.organisation_id)
    return cases


def case_list(*, actor: Actor, status: str = "") -> QuerySet[Case]:
    cases = cases_visible_to(actor).select_related("household__head", "referring_organisation")
    if status:
        cases = cases.filter(status=status)
    return cases.annotate(people=Count("household__members")).order_by("-created_at", "-pk")


def get_case(*, actor: Actor, reference: str) -> Case:
    return cases_visible_to(actor).select_related("household").get(reference=reference)


@dataclass
class CaseFile:
    case: Case
    members: list[Person]
    history: list[StatusChange]
    audit_entries: list[AuditEntry]
    corrections: list[Correction] = field(default_factory=list)


def get_case_file(*, actor: Actor, reference: str) -> CaseFile:
    """The whole file of a case: its people, its history and who did what to it. Audited."""
    permissions.require(actor, permissions.READ_PERSON_FILE)
    case = get_case(actor=actor, reference=reference)
    members = list(case.household.members.order_by("pk"))
    audit.record(
        actor=actor,
        action="case.file_read",
        object_type="case",
        object_id=case.reference,
        details={"people": len(members)},
    )
    history = list(case.history.select_related("actor"))
    entries = list(entries_about(targets=[("case", case.reference)])[:100])
    corrections = list(case.corrections.select_related("actor", "person"))
    return CaseFile(case=case, members=members, history=history, audit_entries=entries,
                    corrections=corrections)


def get_member(*, actor: Actor, reference: str, person_id: int) -> tuple[Case, Person]:
    """A member of a case the actor may see, to correct (Person.DoesNotExist otherwise)."""
    permissions.require(actor, permissions.READ_PERSON_FILE)
    case = get_case(actor=actor, reference=reference)
    return case, case.household.members.get(pk=person_id)


def _normalise_reference(text: str) -> str:
    compact = re.sub(r"[\s\-]", "", text.upper())
    return f"{compact[:2]}-{compact[2:7]}-{compact[7:]}"


def _persons_by_name(tokens: set[str]) -> QuerySet[Person]:
    # A person's rows are all under one index key (they are rebuilt together), so matching
    # every typed word means as many distinct digests as words, whichever key they are under.
    digests = [d for t in tokens for d in digests_for(Identifier.Kind.NAME, t)]
    matching = (
        Identifier.objects.filter(kind=Identifier.Kind.NAME, digest__in=digests)
        .values("person_id")
        .annotate(hits=Count("digest", distinct=True))
        .filter(hits=len(tokens))
        .values("person_id")
    )
    return Person.objects.filter(pk__in=matching)


def classify_query(text: str) -> tuple[str, str]:
    """Which kind of search a staff member typed: reference, phone, email, document or name."""
    stripped = text.strip()
    if REFERENCE_PATTERN.match(re.sub(r"\s", "", stripped.upper())):
        return "reference", _normalise_reference(stripped)
    if "@" in stripped:
        return Identifier.Kind.EMAIL, stripped.casefold()
    digits = re.sub(r"\D", "", stripped)
    if len(digits) >= 7 and re.fullmatch(r"[\d\s+()\-.]+", stripped):
        try:
            return Identifier.Kind.PHONE, normalise_phone(stripped)
        except NormalisationError:
            return Identifier.Kind.TAZKIRA, re.sub(r"[^0-9A-Za-z]", "", stripped).upper()
    if re.fullmatch(r"[A-Za-z]{1,2}\d{6,9}", stripped.replace(" ", "")):
        return Identifier.Kind.PASSPORT, stripped.replace(" ", "").upper()
    return Identifier.Kind.NAME, stripped


def search_cases(*, actor: Actor, text: str, page: int | str | None = 1) -> Page[Case]:
    """Cases whose reference, or one of whose people's phone, e-mail, document or name matches,
    newest first, a page of SEARCH_PAGE_SIZE at a time (a common name finds thousands).

    Names match on whole words (every word typed must appear), through the blind indexes.
    The query itself is never logged or audited, only its kind and the number of results.
    """
    cases = cases_visible_to(actor).select_related("household__head", "referring_organisation")
    kind, value = classify_query(text)
    if kind == "reference":
        found = cases.filter(reference=value)
    else:
        if kind == Identifier.Kind.NAME:
            persons = _persons_by_name(name_tokens(value))
        else:
            persons = Person.objects.filter(
                identifiers__kind=kind, identifiers__digest__in=digests_for(kind, value)
            )
        found = cases.filter(household_id__in=persons.values("household_id"))
    ordered: QuerySet[Case] = found.annotate(
        people=Count("household__members", distinct=True)).order_by("-created_at", "-pk")
    results: Page[Case] = Paginator(ordered, SEARCH_PAGE_SIZE).get_page(page)
    details: dict[str, Any] = {"by": kind, "results": results.paginator.count}
    if results.number > 1:
        details["page"] = results.number
    audit.record(actor=actor, action="case.search", details=details)
    return results


@dataclass(frozen=True)
class StatusMove:
    """One move of a case as the case page offers it to this actor, or says why not."""

    to_status: str
    label: str
    open: bool  # the actor may make it now, by choosing it
    why_not: str  # when not open: what makes it, or what the actor lacks
    overridable: bool  # a fact earns it and the actor may force it with a written reason


def status_moves(*, actor: Actor, case: Case) -> list[StatusMove]:
    """Every move the case's status allows, each open or closed with its reason."""
    permissions.check_actor(actor)
    moves = []
    for to_status in allowed_next_statuses(case.status):
        fact = EARNED_BY.get((case.status, to_status))
        capability = TRANSITIONS[(case.status, to_status)]
        if fact is not None:
            why_not = facts.why_earned(case.status, to_status, fact)
            is_open = False
        elif permissions.can(actor, capability):
            why_not, is_open = "", True
        else:
            why_not = _("Your role may not %(what)s.") % {"what": capability.replace("_", " ")}
            is_open = False
        moves.append(StatusMove(
            to_status=to_status, label=str(Status(to_status).label), open=is_open,
            why_not=why_not,
            overridable=fact is not None and permissions.can(actor, permissions.OVERRIDE_STATUS),
        ))
    return moves
