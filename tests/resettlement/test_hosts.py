"""A host sees only the families offered to its places, accepts or declines with a reason;
a private sponsor may hold a named family."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safepassage.accounts.models import Role
from safepassage.messaging.models import Kind, Message
from safepassage.resettlement import selectors, services
from safepassage.resettlement.models import Offer, Place

pytestmark = pytest.mark.django_db


def test_a_host_sees_only_the_families_offered_to_its_places(
        arrived_case, resettler, make_place, make_host) -> None:
    ours, theirs = make_place(), make_place()
    host, other = make_host(ours), make_host(theirs)
    mine = services.override_placement(actor=resettler, case=arrived_case(name="Ahmadzai"),
                                       place=ours, reason="Relatives nearby")
    not_mine = services.override_placement(actor=resettler, case=arrived_case(name="Safi"),
                                           place=theirs, reason="School with Dari classes")

    assert list(selectors.offers_for_host(actor=host)) == [mine]
    assert list(selectors.offers_for_host(actor=other)) == [not_mine]
    with pytest.raises(PermissionDenied):
        selectors.offer_for_host(actor=host, offer_id=not_mine.pk)
    with pytest.raises(PermissionDenied):
        services.answer_offer(actor=host, offer=not_mine, accept=True)


def test_a_host_declines_with_a_reason_and_accepts_and_the_family_is_told(
        arrived_case, resettler, make_place, make_host) -> None:
    place = make_place(name="Lyon Villeurbanne")
    host = make_host(place)
    case = arrived_case()
    offer = services.override_placement(actor=resettler, case=case, place=place,
                                        reason="Cousins in Lyon")
    with pytest.raises(ValidationError, match="Say why you decline"):
        services.answer_offer(actor=host, offer=offer, accept=False, reason=" ")
    services.answer_offer(actor=host, offer=offer, accept=False,
                          reason="No flat for three before March")
    offer.refresh_from_db()
    assert offer.state == Offer.State.DECLINED
    assert offer.answer_reason == "No flat for three before March"

    again = services.override_placement(actor=resettler, case=case, place=place,
                                        reason="A flat became free")
    services.answer_offer(actor=host, offer=again, accept=True)
    with pytest.raises(ValidationError, match="already Accepted"):
        services.answer_offer(actor=host, offer=again, accept=False, reason="Changed our mind")
    told = Message.objects.filter(case=case, kind=Kind.PLACEMENT)
    assert told.exists() and told.first().context["place"] == "Lyon Villeurbanne"


def test_staff_may_not_answer_for_a_host(arrived_case, resettler, make_place) -> None:
    offer = services.override_placement(actor=resettler, case=arrived_case(), place=make_place(),
                                        reason="Relatives nearby")
    with pytest.raises(PermissionDenied):
        services.answer_offer(actor=resettler, offer=offer, accept=True)


def test_a_sponsor_holds_a_named_family(make_ready_case, resettler, make_place, make_host,
                                        programme) -> None:
    sponsor = make_place(kind=Place.Kind.SPONSOR, name="The Durand family")
    host = make_host(sponsor)
    case = make_ready_case()  # approved, not yet travelled
    with pytest.raises(ValidationError, match="Say how you know this family"):
        services.hold_family(actor=host, place=sponsor, reference=case.reference, reason="")
    with pytest.raises(ValidationError, match="No family with this reference can be held"):
        services.hold_family(actor=host, place=sponsor, reference="SP-00000-00000",
                             reason="A former colleague")
    held = services.hold_family(actor=host, place=sponsor, reference=case.reference.lower(),
                                reason="He was my interpreter in Kabul")
    assert held.state == Offer.State.HELD
    assert list(selectors.offers_for_host(actor=host)) == [held]


def test_only_a_sponsor_holds_a_family_and_only_a_host_account_answers_for_a_place(
        make_ready_case, resettler, make_place, make_host, make_user, programme) -> None:
    community = make_place()
    host = make_host(community)
    with pytest.raises(ValidationError, match="Only a private sponsor"):
        services.hold_family(actor=host, place=community, reference=make_ready_case().reference,
                             reason="A relative")
    with pytest.raises(ValidationError, match="host role"):
        services.add_host(actor=resettler, place=community, user=make_user(Role.CASEWORKER))
