"""Each placement, each move of accommodation and each milestone reaches the person in their
language through the outbox; their status page shows where they are going and what comes next."""

from __future__ import annotations

import pytest

from safepassage.intake.services import issue_status_secret
from safepassage.messaging.models import Kind, Message
from safepassage.resettlement import services
from safepassage.resettlement.models import Milestone, Site
from tests.conftest import person

pytestmark = pytest.mark.django_db


def test_placement_and_milestones_reach_the_person_in_their_language(
        arrived_case, resettler, make_place, make_host) -> None:
    case = arrived_case(person(preferred_language="fa-af", email="zabih@example.org"))
    place = make_place(name="Villeurbanne")
    host = make_host(place)
    offer = services.override_placement(actor=resettler, case=case, place=place,
                                        reason="Cousins")
    services.answer_offer(actor=host, offer=offer, accept=True)
    met = Milestone.objects.get(case_file__case=case, step__name="Met at arrival")
    services.complete_milestone(actor=resettler, milestone=met)

    placement = Message.objects.filter(case=case, kind=Kind.PLACEMENT).first()
    milestone = Message.objects.filter(case=case, kind=Kind.MILESTONE).first()
    assert placement is not None and milestone is not None
    assert placement.language == "fa-af"
    assert milestone.context == {"reference": case.reference, "milestone": "Met at arrival",
                                 "next": "First home visit"}


def test_the_status_page_shows_where_the_household_stays_is_going_and_what_comes_next(
        client, arrived_case, resettler, make_place, make_host) -> None:
    case = arrived_case()
    secret = issue_status_secret(case=case)
    hotel = services.create_site(actor=resettler, name="Airport Hotel", kind=Site.Kind.HOTEL,
                                 rooms=5, beds=10)
    services.check_in(actor=resettler, case=case, site=hotel)

    page = client.post("/status/?lang=en", {"reference": case.reference,
                                            "secret": secret}).content.decode()
    assert "You are staying at Airport Hotel." in page
    assert "We are looking for a home for your household." in page
    assert "Next: Met at arrival" in page

    place = make_place(name="Villeurbanne")
    offer = services.override_placement(actor=resettler, case=case, place=place,
                                        reason="Cousins")
    services.answer_offer(actor=make_host(place), offer=offer, accept=True)
    page = client.post("/status/?lang=en", {"reference": case.reference,
                                            "secret": secret}).content.decode()
    assert "Your new home will be in Villeurbanne." in page
