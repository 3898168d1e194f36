"""Members marked at the gate: one mark per key, undone until departure, the case moved by the
departure through the gate service; the verdict on a pass or a reference (decision 0074)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from safepassage.accounts.models import Role
from safepassage.airlift import services as airlift
from safepassage.airlift.models import FlightStatus, GateMark, Seat
from safepassage.audit.models import AuditEntry
from safepassage.credentials import services as credentials
from safepassage.registry.models import Case, Status
from tests.airlift.conftest import family
from tests.conftest import Journey

pytestmark = pytest.mark.django_db


@pytest.fixture
def seated(journey: Journey, make_case: Any) -> tuple[Case, Seat]:
    case = journey.approve(make_case(*family("Rahimi", 3)))
    seat = journey.seat(case)
    airlift.set_flight_status(actor=journey.officer, flight=seat.flight,
                              status=FlightStatus.BOARDING)
    seat.refresh_from_db()
    return case, seat


def members(case: Case) -> list[int]:
    return list(case.household.members.order_by("pk").values_list("pk", flat=True))


def test_the_same_mark_posted_twice_is_counted_once(client_for: Any, seated: Any) -> None:
    case, seat = seated
    client, _agent = client_for(Role.GATE_AGENT)
    mark = {"seat": seat.pk, "person": members(case)[0], "mark": "boarded",
            "key": str(uuid.uuid4())}
    first = client.post(f"/airlift/gate/{seat.flight_id}/mark/", mark)
    again = client.post(f"/airlift/gate/{seat.flight_id}/mark/", mark)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["created"] is True and again.json()["created"] is False
    assert GateMark.objects.count() == 1
    assert AuditEntry.objects.filter(action="airlift.gate_member_marked").count() == 1


def test_a_member_marked_twice_with_new_keys_is_refused_with_the_reason(
    client_for: Any, seated: Any
) -> None:
    case, seat = seated
    client, _agent = client_for(Role.GATE_AGENT)
    url = f"/airlift/gate/{seat.flight_id}/mark/"
    person = members(case)[0]
    client.post(url, {"seat": seat.pk, "person": person, "mark": "boarded", "key": "k-1"})
    refused = client.post(url, {"seat": seat.pk, "person": person, "mark": "no_show",
                                "key": "k-2"})
    assert refused.status_code == 400
    assert "already marked Boarded; undo that mark first" in refused.json()["error"]
    reused = client.post(url, {"seat": seat.pk, "person": members(case)[1], "mark": "boarded",
                               "key": "k-1"})
    assert reused.status_code == 400 and "used for another mark" in reused.json()["error"]
    bad_key = client.post(url, {"seat": seat.pk, "person": person, "mark": "boarded",
                                "key": "<script>"})
    assert bad_key.status_code == 400 and "no valid key" in bad_key.json()["error"]
    assert GateMark.objects.count() == 1


def test_a_person_of_another_household_cannot_be_marked_on_this_seat(
    client_for: Any, seated: Any, make_case: Any
) -> None:
    _case, seat = seated
    stranger = make_case(*family("Wardak", 1))
    client, _agent = client_for(Role.GATE_AGENT)
    refused = client.post(f"/airlift/gate/{seat.flight_id}/mark/",
                          {"seat": seat.pk, "person": members(stranger)[0], "mark": "boarded",
                           "key": "k-1"})
    assert refused.status_code == 400 and "not in the household" in refused.json()["error"]


def test_marks_undone_until_departure_then_the_case_boards(
    journey: Journey, seated: Any
) -> None:
    case, seat = seated
    agent = journey.gate_agent
    one, two, three = members(case)
    airlift.mark_member(actor=agent, seat=seat, person_id=one, mark="boarded", key="a1")
    airlift.mark_member(actor=agent, seat=seat, person_id=two, mark="boarded", key="a2")
    airlift.mark_member(actor=agent, seat=seat, person_id=three, mark="boarded", key="a3")
    airlift.undo_mark(actor=agent, seat=seat, key="a3")
    airlift.undo_mark(actor=agent, seat=seat, key="a3")  # sent twice: nothing more
    airlift.mark_member(actor=agent, seat=seat, person_id=three, mark="no_show", key="a4")
    assert AuditEntry.objects.filter(action="airlift.gate_member_undone").count() == 1
    case.refresh_from_db()
    assert case.status == Status.MANIFESTED  # the gate is still open

    airlift.set_flight_status(actor=journey.officer, flight=seat.flight,
                              status=FlightStatus.DEPARTED)
    case.refresh_from_db()
    seat.refresh_from_db()
    assert (case.status, seat.gate) == (Status.BOARDED, Seat.Gate.BOARDED)
    live = dict(GateMark.objects.filter(undone_at=None).values_list("person_id", "mark"))
    assert live == {one: "boarded", two: "boarded", three: "no_show"}
    with pytest.raises(Exception, match="can no longer be undone"):
        airlift.undo_mark(actor=agent, seat=seat, key="a1")


def test_a_household_whose_members_all_missed_the_flight_is_a_no_show(
    journey: Journey, seated: Any
) -> None:
    case, seat = seated
    for n, person in enumerate(members(case)):
        airlift.mark_member(actor=journey.gate_agent, seat=seat, person_id=person,
                            mark="no_show", key=f"n{n}")
    airlift.set_flight_status(actor=journey.officer, flight=seat.flight,
                              status=FlightStatus.DEPARTED)
    case.refresh_from_db()
    assert case.status == Status.NO_SHOW


def test_the_verdict_on_a_pass_and_on_a_reference(
    client_for: Any, seated: Any, journey: Journey, make_case: Any
) -> None:
    case, seat = seated
    caseworker = journey.officer
    boarding = credentials.issue_boarding_pass(
        actor=caseworker, reference=case.reference, flight_number=seat.flight.code,
        departure_date=seat.flight.departs_at.date())
    client, _agent = client_for(Role.GATE_AGENT)
    url = f"/airlift/gate/{seat.flight_id}/check/"

    def verdict(text: str) -> dict[str, Any]:
        response = client.post(url, {"text": text})
        assert response.status_code == 200
        return response.json()

    assert verdict(boarding.token) | {"label": ""} == {
        "verdict": "valid", "label": "", "reference": case.reference, "seat": seat.pk}
    assert verdict(case.reference.lower())["seat"] == seat.pk
    other = journey.approve(make_case(*family("Wardak", 1)))
    journey.seat(other)
    assert verdict(other.reference)["verdict"] == "not_this_flight"
    forged = boarding.token[:-6] + ("AAAAAA" if not boarding.token.endswith("AAAAAA") else "BBBBBB")
    assert verdict(forged)["verdict"] == "forged"
    assert verdict("x" * 60)["verdict"] == "forged"
    credentials.revoke_credential(actor=caseworker, token_id=boarding.token_id)
    answer = verdict(boarding.token)
    assert answer["verdict"] == "revoked" and answer["seat"] is None
    assert AuditEntry.objects.filter(action="airlift.gate_checked").count() == 6


def test_the_gate_page_shows_members_with_latin_names_and_ages_only(
    client_for: Any, seated: Any
) -> None:
    case, seat = seated
    client, _agent = client_for(Role.GATE_AGENT)
    page = client.get(f"/airlift/gate/{seat.flight_id}/").content.decode()
    for p in case.household.members.all():
        assert p.latin_full_name in page
        assert p.passport_number not in page and p.tazkira_number not in page
    assert page.count("age 3") >= 1  # family() members are born in the 1980s and 1990s


def test_the_officers_manifest_shows_each_members_mark_and_not_an_undone_one(
    client_for: Any, seated: Any, journey: Journey,
) -> None:
    case, seat = seated
    one, two, three = members(case)
    airlift.mark_member(actor=journey.gate_agent, seat=seat, person_id=one, mark="boarded",
                        key="m1")
    airlift.mark_member(actor=journey.gate_agent, seat=seat, person_id=two, mark="no_show",
                        key="m2")
    airlift.mark_member(actor=journey.gate_agent, seat=seat, person_id=three, mark="boarded",
                        key="m3")
    airlift.undo_mark(actor=journey.gate_agent, seat=seat, key="m3")
    client, _officer = client_for(Role.AIRLIFT_OFFICER)

    response = client.get(f"/airlift/flights/{seat.flight.pk}/")
    assert response.status_code == 200
    page = response.content.decode()

    body = page.split('<table id="manifest">')[1].split("<tbody>")[1].split("</tbody>")[0]
    rows = body.split("<tr>")[1:]
    assert [row.rsplit("<td>", 1)[1].split("</td>")[0] for row in rows] == [
        "Boarded", "No-show", "\u2013"]  # an en dash: not marked
