"""What happened in the registry, announced to the capabilities that act on it.

The registry knows nothing of its consumers: linkage, triage and messaging subscribe to these
hooks in their AppConfig.ready(). Subscribers run in the order they subscribed, inside the
registry's transaction, so what they write commits or rolls back with the change itself; work
that means "after the commit" (waking a background worker) wraps itself in
transaction.on_commit. A subscriber that raises undoes the change: no change is kept that its
consumers could not follow.

A batch of registrations is announced once, whole, so that a subscriber can do its work in a few
queries for the batch, never one per household.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from safepassage.accounts.permissions import Actor
from safepassage.registry.models import Case, ContactConfirmation, Person


@dataclass(frozen=True)
class HouseholdsRegistered:
    """Households registered together: one form, one API request, one chunk of an import."""

    actor: Actor
    channel: str
    cases: Sequence[Case]
    people: Sequence[Person]  # every member of these households, as created


@dataclass(frozen=True)
class CaseStatusChanged:
    actor: Actor
    case: Case  # with its new status
    from_status: str
    to_status: str
    by_override: bool = False  # a supervisor forced an earned move without its fact


@dataclass(frozen=True)
class PersonCorrected:
    """A person's recorded values were corrected (a name spelt again, a birth date found)."""

    actor: Actor
    person: Person  # as corrected
    fields: frozenset[str]  # the names of the fields that changed
    left_case: Case | None = None  # the case whose household the person moved out of


@dataclass(frozen=True)
class ContactConfirmed:
    """A phone number given through the public form was confirmed by its holder: what waited
    for it may go now."""

    actor: Actor
    contact: ContactConfirmation


@dataclass(frozen=True)
class QuestionAsked:
    """A household wrote a question on its status page, once its reference and secret were
    checked: the inbox keeps it (messaging)."""

    actor: Actor
    case: Case
    text: str
    question_id: str  # the same question sent twice (a double click) is kept once


Event = TypeVar("Event")


class Hook(Generic[Event]):
    """The subscribers to one kind of event."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._subscribers: list[Callable[[Event], None]] = []

    def subscribe(self, subscriber: Callable[[Event], None]) -> Callable[[Event], None]:
        """Add a subscriber (once, however often ready() runs); usable as a decorator."""
        if subscriber not in self._subscribers:
            self._subscribers.append(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Callable[[Event], None]) -> None:
        if subscriber in self._subscribers:
            self._subscribers.remove(subscriber)

    def publish(self, event: Event) -> None:
        for subscriber in self._subscribers:
            subscriber(event)

    def __repr__(self) -> str:
        names = ", ".join(f"{s.__module__}.{s.__qualname__}" for s in self._subscribers)
        return f"<Hook {self.name}: {names}>"


households_registered: Hook[HouseholdsRegistered] = Hook("households registered")
case_status_changed: Hook[CaseStatusChanged] = Hook("case status changed")
person_corrected: Hook[PersonCorrected] = Hook("person corrected")
contact_confirmed: Hook[ContactConfirmed] = Hook("contact confirmed")
question_asked: Hook[QuestionAsked] = Hook("question asked")
