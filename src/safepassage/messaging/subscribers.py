"""How the outbox follows the registry (registry.events, subscribed in MessagingConfig.ready):
each household hears that it is registered, and each change of its case's status; what waited
for a number given through the public form goes once the number is confirmed; a question asked
on the status page lands in the inbox."""

from __future__ import annotations

from safepassage.messaging import inbox, services
from safepassage.registry import events


def households_registered(event: events.HouseholdsRegistered) -> None:
    services.notify_registration_received(actor=event.actor, cases=event.cases,
                                          people=event.people)


def case_status_changed(event: events.CaseStatusChanged) -> None:
    services.notify_status_changed(actor=event.actor, case=event.case, to_status=event.to_status)


def contact_confirmed(event: events.ContactConfirmed) -> None:
    services.release_held_messages(actor=event.actor, contact=event.contact)


def question_asked(event: events.QuestionAsked) -> None:
    inbox.receive_inbound(actor=event.actor, via="status_page", provider_id=event.question_id,
                          sender=event.case.reference, text=event.text)
