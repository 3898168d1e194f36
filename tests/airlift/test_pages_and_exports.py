"""The officer's and the gate agent's pages, the manifest files and `safepassage plan-file`."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from safepassage.accounts.models import Role
from safepassage.airlift import services
from safepassage.airlift.models import Flight, Seat
from safepassage.audit.models import AuditEntry
from safepassage.registry.models import Person
from tests.airlift.conftest import family

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned_flight(officer, make_ready_case, make_flight):
    flight = make_flight(10)
    make_ready_case(*family("Rahimi", 3, infants=1), priority=4)
    make_ready_case(*family("Wardak", 2), priority=2)
    services.plan_manifests(actor=officer)
    return flight


def test_the_csv_manifest_lists_every_passenger_by_household_with_documents(
    client_for, planned_flight
) -> None:
    client, _user = client_for(Role.AIRLIFT_OFFICER)
    response = client.get(f"/airlift/flights/{planned_flight.pk}/manifest.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 5
    assert {r["family_name"] for r in rows} == {"RAHIMI", "WARDAK"}
    assert {r["household"] for r in rows} == {"1", "2"}
    assert sum(r["infant_on_lap"] == "yes" for r in rows) == 1
    assert all(r["document_number"] for r in rows if r["infant_on_lap"] == "no")
    assert AuditEntry.objects.filter(action="airlift.manifest_csv").exists()


def test_the_pdf_manifest_is_a_pdf_with_the_passengers_names(
    client_for, planned_flight, tmp_path: Path
) -> None:
    client, _user = client_for(Role.AIRLIFT_OFFICER)
    response = client.get(f"/airlift/flights/{planned_flight.pk}/manifest.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "manifest.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert planned_flight.code in text
    assert "RAHIMI" in text and "WARDAK" in text  # ICAO Doc 9303: the "0" of "Rahimi0" is no A-Z


def test_the_gate_page_shows_minimal_data_and_records_boarding(
    client_for, planned_flight
) -> None:
    client, _agent = client_for(Role.GATE_AGENT)
    page = client.get(f"/airlift/gate/{planned_flight.pk}/").content.decode()
    assert "Rahimi" in page
    documents = [p.passport_number for p in Person.objects.all() if p.passport_number]
    assert documents and not any(d in page for d in documents)
    seat = Seat.objects.filter(flight=planned_flight).first()
    response = client.post(f"/airlift/gate/{planned_flight.pk}/record/",
                           {"seat": seat.pk, "event": "boarded"})
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.gate == Seat.Gate.BOARDED
    assert seat.case.status == "boarded"


def test_a_gate_agent_cannot_see_the_manifest_or_plan(client_for, planned_flight) -> None:
    client, _agent = client_for(Role.GATE_AGENT)
    assert client.get(f"/airlift/flights/{planned_flight.pk}/manifest.pdf").status_code == 403
    assert client.post("/airlift/plan/").status_code == 403


def test_a_flight_with_bad_input_says_what_to_fix(client_for) -> None:
    client, _officer = client_for(Role.AIRLIFT_OFFICER)
    response = client.post("/airlift/", {"code": "X1", "operator": "own", "origin": "KBL",
                                         "destination": "DOH", "departs_at": "tomorrow",
                                         "seats": "-3"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a valid date/time" in page
    assert "greater than or equal to 0" in page
    assert not Flight.objects.exists()


def test_plan_file_writes_the_plan_and_prints_one_line(tmp_path: Path, capsys) -> None:
    instance = {
        "households": [
            {"id": "a", "people": 3, "seats": 2, "priority": 5,
             "ready_at": "2021-08-20T00:00:00Z", "category": "interpreter"},
            {"id": "b", "people": 2, "seats": 2, "priority": 1,
             "ready_at": "2021-08-20T00:00:00+04:30", "category": "citizen"},
            {"id": "c", "people": 4, "seats": 4, "priority": 1,
             "ready_at": "2021-08-25T00:00:00Z", "category": "citizen"},
        ],
        "flights": [
            {"id": "F1", "seats": 4, "departs_at": "2021-08-21T06:00:00Z",
             "allowed_categories": []},
            {"id": "F2", "seats": 4, "departs_at": "2021-08-22T06:00:00Z",
             "allowed_categories": ["citizen"]},
        ],
    }
    source, out = tmp_path / "instance.json", tmp_path / "plan.json"
    source.write_text(json.dumps(instance))
    call_command("plan_file", str(source), "--out", str(out))
    line, why = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(
        r"objective 17, LP bound 17 \(100\.00% of bound\), 2 households placed, [0-9.]+ s", line
    )
    assert why == "not placed: 1 no flight it may board"
    plan = json.loads(out.read_text())
    assert plan["unplaced"] == [{"household": "c", "reason": "no_flight"}]
    assert {(a["household"], a["flight"]) for a in plan["assignments"]} == {
        ("a", "F1"), ("b", "F1")} or {(a["household"], a["flight"]) for a in
                                      plan["assignments"]} == {("a", "F1"), ("b", "F2")}
    assert plan["objective"] == 17 and plan["bound"] == 17

    instance["flights"] = instance["flights"][1:]
    instance["previous"] = plan["assignments"]
    source.write_text(json.dumps(instance))
    call_command("plan_file", str(source), "--out", str(out))
    replan = json.loads(out.read_text())
    assert {m["household"] for m in replan["moved"]} == {
        a["household"] for a in plan["assignments"] if a["flight"] == "F1"}


def test_plan_file_rejects_bad_input_naming_the_field(tmp_path: Path) -> None:
    source = tmp_path / "bad.json"
    source.write_text(json.dumps({"households": [{"id": 1, "people": 0, "seats": 1}],
                                  "flights": []}))
    with pytest.raises(CommandError, match=r"households\[0\]\.people: expected a whole number"):
        call_command("plan_file", str(source), "--out", str(tmp_path / "p.json"))
    source.write_text("{not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("plan_file", str(source), "--out", str(tmp_path / "p.json"))


def test_cancelling_a_cancelled_flight_says_why_on_its_page(client_for, planned_flight) -> None:
    client, _officer = client_for(Role.AIRLIFT_OFFICER)
    first = client.post(f"/airlift/flights/{planned_flight.pk}/cancel/")
    assert "/airlift/plans/" in first["Location"]

    again = client.post(f"/airlift/flights/{planned_flight.pk}/cancel/", follow=True)

    assert again.redirect_chain[-1][0] == f"/airlift/flights/{planned_flight.pk}/"
    assert "Only a planned or delayed flight can be cancelled here." in again.content.decode()


def test_an_instance_with_a_flight_id_twice_is_refused_with_its_place() -> None:
    from safepassage.airlift.instance import InstanceError, parse_instance

    flight = {"id": "F1", "seats": 4, "departs_at": "2021-08-21T06:00:00Z"}
    with pytest.raises(InstanceError, match=r"flights\[1\]\.id: 'F1' appears twice"):
        parse_instance({"households": [], "flights": [flight, dict(flight)]})


def test_plan_file_says_why_each_household_was_not_placed(tmp_path: Path, capsys) -> None:
    instance = {
        "households": [
            {"id": "big", "people": 9, "seats": 9, "priority": 5},
            {"id": "first", "people": 4, "seats": 4, "priority": 9},
            {"id": "second", "people": 4, "seats": 4, "priority": 1},
            {"id": "waiting", "people": 1, "seats": 1, "priority": 9, "ready": False},
            {"id": "barred", "people": 1, "seats": 1, "priority": 9, "category": "other"},
        ],
        "flights": [{"id": "F1", "seats": 4, "departs_at": "2021-08-21T06:00:00Z",
                     "allowed_categories": ["", "citizen"]}],
    }
    source, out = tmp_path / "instance.json", tmp_path / "plan.json"
    source.write_text(json.dumps(instance))
    call_command("plan_file", str(source), "--out", str(out))
    why = capsys.readouterr().out.strip().splitlines()[1]
    assert why == ("not placed: 1 larger than any flight, 1 no flight it may board, "
                   "1 no seats left, 1 not ready to fly")
    reasons = {row["household"]: row["reason"] for row in json.loads(out.read_text())["unplaced"]}
    assert reasons == {"big": "larger_than_any_flight", "second": "no_seats_left",
                       "waiting": "not_ready", "barred": "no_flight"}
