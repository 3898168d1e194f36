"""The resettlement pages: what each role sees, and the forms that call the services."""

from __future__ import annotations

import pytest

from safepassage.accounts.models import Role
from safepassage.registry.models import Status
from safepassage.resettlement import services
from safepassage.resettlement.models import ArrivalRecord, CaseFile, Offer, Site
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_staff_reconcile_a_flight_from_its_page(client, make_ready_case, fly, resettler,
                                                programme) -> None:
    case = make_ready_case()
    flight = fly(case)
    sign_in(client, resettler)
    assert client.post(f"/resettlement/flights/{flight.pk}/land/").status_code == 302
    assert CaseFile.objects.filter(case=case).count() == 1  # opened at the landing (0117)
    record = ArrivalRecord.objects.get(flight=flight)
    page = client.get(f"/resettlement/flights/{flight.pk}/").content.decode()
    assert "Zabihullah Stanikzai" in page and 'id="manifested">1<' in page
    client.post(f"/resettlement/arrivals/{record.pk}/", {"outcome": "arrived"})
    case.refresh_from_db()
    assert case.status == Status.ARRIVED
    assert CaseFile.objects.get(case=case).arrived_on is not None
    overview = client.get("/resettlement/").content.decode()
    assert 'id="arrived">1<' in overview and flight.code in overview
    page = client.get(f"/resettlement/cases/{case.reference}/").content.decode()
    assert "Met at arrival" in page


def test_a_bad_choice_is_told_on_the_page_not_a_500(client, arrived_case, resettler) -> None:
    case = arrived_case()
    sign_in(client, resettler)
    response = client.post(f"/resettlement/cases/{case.reference}/check-in/",
                           {"site": "", "rooms": "1"}, follow=True)
    assert response.status_code == 200 and "Choose a site." in response.content.decode()
    site = services.create_site(actor=resettler, name="Hotel", kind=Site.Kind.HOTEL, rooms=5,
                                beds=10)
    response = client.post(f"/resettlement/cases/{case.reference}/check-in/",
                           {"site": str(site.pk), "rooms": "two"}, follow=True)
    assert "Rooms: write a whole number" in response.content.decode()


def test_a_host_sees_only_its_offers_and_no_staff_page(client, arrived_case, resettler,
                                                       make_place, make_host) -> None:
    ours, theirs = make_place(name="Rennes"), make_place(name="Nantes")
    host = make_host(ours)
    mine = services.override_placement(actor=resettler, case=arrived_case(name="Ahmadzai"),
                                       place=ours, reason="Relatives")
    other = services.override_placement(actor=resettler, case=arrived_case(name="Safi"),
                                        place=theirs, reason="Relatives")
    sign_in(client, host)
    page = client.get("/resettlement/host/").content.decode()
    assert mine.case.reference in page and other.case.reference not in page
    assert client.get("/resettlement/").status_code == 302  # sent to its own page
    assert client.get(f"/resettlement/cases/{mine.case.reference}/").status_code == 403
    assert client.post(f"/resettlement/host/offers/{other.pk}/",
                       {"answer": "accept"}).status_code == 403
    client.post(f"/resettlement/host/offers/{mine.pk}/", {"answer": "decline", "reason": ""})
    mine.refresh_from_db()
    assert mine.state == Offer.State.OFFERED


def test_other_roles_have_no_resettlement_page(client, make_user) -> None:
    sign_in(client, make_user(Role.GATE_AGENT))
    assert client.get("/resettlement/").status_code == 403
