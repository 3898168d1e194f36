"""Demo story of the diplomatic log, for `make run` (dashboard.demo adds the commitments).

A first multilateral contact about safe passage and the airport (Qatar and Turkey helping), then
thirteen informal meetings in Doha over the following year. Generated text, real shapes.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction

from safepassage.accounts import permissions
from safepassage.audit import services as audit
from safepassage.engagements.models import (
    FollowUp,
    Format,
    Kind,
    Meeting,
    Memo,
    Raised,
    Side,
    Undertaking,
)
from safepassage.engagements.services import subject_for

SAFE_PASSAGE = "Safe passage of Afghans with documents"
AIRPORT = "Keep Kabul airport open to civilian flights"
GIRLS = "Girls' secondary education"
EMBASSY = ("Entry into our embassy property on 10 September 2021, in breach of the obligation "
           "to protect diplomatic premises")
TEACHERS = "Pay the salaries of 200,000 female teachers (28,000 of them in Kabul)"
ECONOMIC = "People leave for economic reasons, not for fear of persecution"
RECOGNITION = "Release of frozen central bank assets"
HOSTAGES = "Consular access to detained nationals"



@dataclass
class DemoMeeting:
    held_on: dt.date
    place: str
    format: str
    counterpart: str
    partner_states: str
    our_participants: str
    topics: list[str] = field(default_factory=list)
    our_demands: list[str] = field(default_factory=list)
    their_demands: list[str] = field(default_factory=list)
    concerns: list[str] = field(default_factory=list)
    ours: list[str] = field(default_factory=list)
    theirs: list[str] = field(default_factory=list)


FIRST_CONTACT = DemoMeeting(
    held_on=dt.date(2021, 8, 28), place="Doha (with Kabul by video)",
    format=Format.MULTILATERAL,
    counterpart="Political office of the de facto authorities",
    partner_states="Qatar, Turkey",
    our_participants="Special envoy; head of the crisis cell; deputy head of mission",
    topics=["Evacuation after 31 August"], our_demands=[SAFE_PASSAGE, AIRPORT],
    their_demands=[RECOGNITION],
    ours=["Share the list of documents we issue, so checkpoints can recognise them"],
    theirs=["Let people with valid travel documents through the checkpoints"],
)


def _doha_meetings(rng: random.Random) -> list[DemoMeeting]:
    meetings = []
    day = dt.date(2021, 10, 12)
    for n in range(13):
        our = [SAFE_PASSAGE] if n != 6 else []
        if n % 3 != 2:
            our.append(GIRLS)
        if n >= 8:
            our.append(HOSTAGES)
        concerns = [EMBASSY] if n in (0, 1, 2, 4, 7, 10) else []
        theirs = [TEACHERS] if n % 2 == 0 else [RECOGNITION]
        if n in (3, 5, 9, 11):
            theirs.append(ECONOMIC)
        meetings.append(DemoMeeting(
            held_on=day, place="Doha", format=Format.IN_PERSON,
            counterpart="Deputy minister of foreign affairs of the de facto authorities",
            partner_states="Qatar" if n % 4 else "Qatar, Turkey",
            our_participants="Special envoy; chargé d'affaires for Afghanistan",
            topics=["Humanitarian access"] if n % 2 else ["Education"],
            our_demands=our, their_demands=theirs, concerns=concerns,
            ours=["Raise the teachers' salaries with the donors' group"] if n == 2 else [],
            theirs=(["Examine exit permits for the 40 people on our list within two weeks"]
                    if n in (1, 5) else []),
        ))
        day += dt.timedelta(days=rng.randint(21, 35))
    return meetings


@transaction.atomic
def load_demo_engagements(*, seed: int = 2021) -> int:
    """Record the demo meetings unless some exist; returns meetings created."""
    if Meeting.objects.exists():
        return 0
    rng = random.Random(seed)
    created = 0
    for data in [FIRST_CONTACT, *_doha_meetings(rng)]:
        meeting = Meeting.objects.create(
            held_on=data.held_on, place=data.place, format=data.format,
            counterpart=data.counterpart, partner_states=data.partner_states,
            our_participants=data.our_participants,
        )
        kinds = [(Kind.TOPIC, data.topics), (Kind.OUR_DEMAND, data.our_demands),
                 (Kind.THEIR_DEMAND, data.their_demands), (Kind.CONCERN, data.concerns)]
        Raised.objects.bulk_create([
            Raised(meeting=meeting, subject=subject_for(kind=kind, title=title))
            for kind, titles in kinds for title in titles
        ])
        Undertaking.objects.bulk_create(
            [Undertaking(meeting=meeting, side=Side.OURS, text=t) for t in data.ours]
            + [Undertaking(meeting=meeting, side=Side.THEIRS, text=t) for t in data.theirs]
        )
        FollowUp.objects.create(
            meeting=meeting, action="Send the record of conversation to partners",
            owner="Desk officer, Afghanistan", due_on=data.held_on + dt.timedelta(days=3),
            done_on=data.held_on + dt.timedelta(days=rng.randint(2, 6)),
        )
        if data.theirs:
            FollowUp.objects.create(
                meeting=meeting, action="Check whether the promised exit permits were issued",
                owner="Consular section", due_on=data.held_on + dt.timedelta(days=14),
            )
        Memo.objects.create(
            meeting=meeting, title="Record of conversation",
            body=(f"The counterpart listened to our points on {'; '.join(data.our_demands)}."
                  " They repeated that the checkpoints follow instructions from Kandahar."
                  " Our interpreter noted a change of tone on the embassy compound question."),
        )
        created += 1
    audit.record(actor=permissions.DEMO, action="engagement.demo_loaded",
                 details={"meetings": created})
    return created
