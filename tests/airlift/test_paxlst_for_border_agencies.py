"""A flight's advance passenger information for the border agency: a UN/EDIFACT PAXLST message
that parses back, keeps the segment rules, names every seated passenger in the ICAO form, and is
refused to staff who may not see manifests."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safepassage.accounts.models import Role
from safepassage.airlift import services
from safepassage.airlift.paxlst import (
    PaxlstError,
    PaxlstFlight,
    PaxlstPassenger,
    build_paxlst,
)
from safepassage.audit.models import AuditEntry
from tests.airlift.conftest import family
from tests.conftest import person

Segment = list[list[str]]  # elements, each a list of components


def parse_edifact(text: str) -> list[Segment]:
    """A small EDIFACT tokenizer: the separators from UNA, the release character honoured."""
    assert text.startswith("UNA"), "the message opens with its service string advice"
    component, element, _decimal, release, _reserved, terminator = text[3:9]
    segments: list[Segment] = []
    elements: Segment = []
    components: list[str] = []
    value = ""
    i = 9
    while i < len(text):
        ch = text[i]
        if ch == release:
            value += text[i + 1]
            i += 2
            continue
        if ch == component:
            components.append(value)
            value = ""
        elif ch == element:
            components.append(value)
            elements.append(components)
            components, value = [], ""
        elif ch == terminator:
            components.append(value)
            elements.append(components)
            segments.append(elements)
            elements, components, value = [], [], ""
        elif ch not in "\r\n":
            value += ch
        i += 1
    assert value == "" and not elements, "the message ends with a segment terminator"
    return segments


def tag(segment: Segment) -> str:
    return segment[0][0]


def first(segment: Segment, element: int, component: int = 0) -> str:
    try:
        return segment[element][component]
    except IndexError:
        return ""


def check_segment_rules(segments: list[Segment]) -> list[list[Segment]]:
    """Assert the envelope and count rules; return the passengers' segment groups."""
    tags = [tag(s) for s in segments]
    assert tags[:3] == ["UNB", "UNG", "UNH"] and tags[-3:] == ["UNT", "UNE", "UNZ"]
    unb, ung, unh, unt, une, unz = (segments[i] for i in (0, 1, 2, -3, -2, -1))
    reference = first(unb, 5)
    assert first(unz, 2) == reference and first(unz, 1) == "1"
    assert first(ung, 5) == first(une, 2) and first(une, 1) == "1"
    assert first(unh, 1) == first(unt, 2)
    assert int(first(unt, 1)) == len(segments) - 2 - 2, "UNT counts UNH to UNT inclusive"
    assert first(unh, 2, 0) == "PAXLST" and first(segments[3], 1) == "745"
    groups: list[list[Segment]] = []
    for s in segments[3:-3]:
        if tag(s) == "NAD" and first(s, 1) == "FL":
            groups.append([s])
        elif groups and tag(s) != "CNT":
            groups[-1].append(s)
    cnt = [s for s in segments if tag(s) == "CNT"]
    assert len(cnt) == 1 and first(cnt[0], 1, 0) == "42"
    assert int(first(cnt[0], 1, 1)) == len(groups)
    for group in groups:
        assert [tag(s) for s in group[:3]] == ["NAD", "ATT", "DTM"]
        assert first(group[1], 1) == "2" and first(group[1], 3) in {"M", "F", "U"}
        assert first(group[2], 1, 0) == "329" and len(first(group[2], 1, 1)) == 6
    return groups


def test_the_message_parses_back_with_names_and_separators_escaped() -> None:
    flight = PaxlstFlight(code="SP001", origin="KBL", destination="ISB",
                          departs_at=dt.datetime(2021, 8, 20, 4, 0, tzinfo=dt.UTC))
    passengers = [
        PaxlstPassenger(family_name="ONEIL", given_names="MARY<ANN", sex="F",
                        birth_date=dt.date(1990, 1, 2), reference="SP-1",
                        document_kind="P", document_number="X+1'2?3:4",
                        document_expiry=dt.date(2030, 5, 6), document_country="IRL",
                        nationality="IRL"),
        PaxlstPassenger(family_name="STANIKZAI", given_names="", sex="", reference="SP-2",
                        birth_date=dt.date(2020, 3, 4)),
    ]
    text = build_paxlst(flight, passengers, sender="SAFEPASSAGE", recipient="ISBAPI",
                        sender_name="O'Neil + Partners? Cell", sender_phone="+93 700",
                        prepared_at=dt.datetime(2021, 8, 19, 23, 5, tzinfo=dt.UTC),
                        reference="REF1")

    assert "O?'Neil ?+ Partners?? Cell" in text
    assert "X?+1?'2??3?:4" in text
    segments = parse_edifact(text)
    groups = check_segment_rules(segments)
    assert len(groups) == 2
    nad_ms = next(s for s in segments if tag(s) == "NAD" and first(s, 1) == "MS")
    assert first(nad_ms, 4) == "O'Neil + Partners? Cell"
    mary = {tag(s) + first(s, 1, 0): s for s in groups[0]}
    assert mary["NADFL"][4] == ["ONEIL", "MARY<ANN"]
    assert first(mary["DOCP"], 2) == "X+1'2?3:4"
    assert first(mary["DTM36"], 1, 1) == "300506" and first(mary["LOC91"], 2) == "IRL"
    assert first(mary["NAT2"], 2) == "IRL" and first(mary["DTM329"], 1, 1) == "900102"
    assert first(groups[1][1], 3) == "U"
    flight_segments = {tag(s) + first(s, 1, 0): s for s in segments[3:8 + 3]}
    assert first(flight_segments["TDT20"], 2) == "SP001"
    assert first(flight_segments["DTM189"], 1, 1) == "2108200400"


def test_a_passenger_without_a_birth_date_stops_the_message_with_the_household_named() -> None:
    flight = PaxlstFlight(code="SP001", origin="KBL", destination="ISB",
                          departs_at=dt.datetime(2021, 8, 20, 4, 0, tzinfo=dt.UTC))
    with pytest.raises(PaxlstError, match="SP-9"):
        build_paxlst(flight, [PaxlstPassenger(family_name="A", given_names="B", sex="M",
                                              birth_date=None, reference="SP-9")],
                     sender="S", recipient="R", sender_name="N",
                     prepared_at=flight.departs_at, reference="R1")


@pytest.mark.django_db
def test_the_officer_downloads_the_flights_paxlst_with_only_its_seated_families(
    officer: Any, make_ready_case: Any, make_flight: Any, client_for: Any,
) -> None:
    flight = make_flight(2)
    make_ready_case(person(given_name="ذبیح الله", family_name="ستانکزی", sex="male",
                           passport_number="P01234567"),
                    person(given_name="عبدالرحمن", family_name="ستانکزی", sex="male",
                           relationship_to_head="son", passport_number="P07654321",
                           birth_date=dt.date(2015, 2, 3)),
                    priority=1)
    make_ready_case(*family("Rahimi", 3), priority=1)  # three seats: not on this flight
    services.plan_manifests(actor=officer)
    client, _user = client_for(Role.AIRLIFT_OFFICER)

    response = client.get(f"/airlift/flights/{flight.pk}/paxlst.edi")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "attachment" in response["Content-Disposition"]
    groups = check_segment_rules(parse_edifact(response.content.decode()))
    assert [g[0][4] for g in groups] == [["STANIKZAI", "ZABIHULLAH"],
                                        ["STANIKZAI", "ABDUL<RAHMAN"]]
    assert [first(g[2], 1, 1) for g in groups] == ["870605", "150203"]
    docs = [s for g in groups for s in g if tag(s) == "DOC"]
    assert [first(d, 2) for d in docs] == ["P01234567", "P07654321"]
    assert AuditEntry.objects.filter(action="airlift.manifest_paxlst",
                                     object_id=flight.code).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.GATE_AGENT])
def test_staff_who_may_not_see_manifests_are_refused(
    role: Role, officer: Any, make_ready_case: Any, make_flight: Any, client_for: Any,
) -> None:
    flight = make_flight(10)
    make_ready_case(*family("Rahimi", 2), priority=1)
    services.plan_manifests(actor=officer)
    client, _user = client_for(role)

    response = client.get(f"/airlift/flights/{flight.pk}/paxlst.edi")

    assert response.status_code in (403, 404)
    assert b"UNH" not in response.content
    assert not AuditEntry.objects.filter(action="airlift.manifest_paxlst").exists()


@pytest.mark.django_db
def test_the_command_writes_the_message_and_a_csv_with_cells_neutralised(
    officer: Any, make_ready_case: Any, make_flight: Any, tmp_path: Path,
) -> None:
    flight = make_flight(10)
    make_ready_case(person(given_name="Mary", family_name="O'Neil", passport_number="=1+2"),
                    priority=1)
    services.plan_manifests(actor=officer)
    out, sheet = tmp_path / "pax.edi", tmp_path / "pax.csv"

    call_command("export_paxlst", flight.code, "--out", str(out), "--csv", str(sheet),
                 "--as", officer.username, stdout=io.StringIO())

    segments = parse_edifact(out.read_text())
    groups = check_segment_rules(segments)
    assert groups[0][0][4] == ["ONEIL", "MARY"]
    assert "DOC+P:110:111+=1?+2'" in out.read_text()
    rows = list(csv.DictReader(io.StringIO(sheet.read_text())))
    assert rows[0]["document_number"] == "'=1+2"
    with pytest.raises(CommandError, match="No flight"):
        call_command("export_paxlst", "NOPE", "--out", str(out), "--as", officer.username)


@pytest.mark.django_db
def test_a_family_without_a_birth_date_is_named_to_the_officer_not_sent_half_declared(
    officer: Any, make_ready_case: Any, make_flight: Any, client_for: Any,
) -> None:
    flight = make_flight(10)
    case = make_ready_case(person(birth_date=None, birth_date_precision="",
                                  birth_date_text=""), priority=1)
    services.plan_manifests(actor=officer)
    client, _user = client_for(Role.AIRLIFT_OFFICER)

    response = client.get(f"/airlift/flights/{flight.pk}/paxlst.edi", follow=True)

    assert response.redirect_chain[-1][0] == f"/airlift/flights/{flight.pk}/"
    assert case.reference in response.content.decode()
    assert "birth date" in response.content.decode()
