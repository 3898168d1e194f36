"""What makes an approved household ready to fly is recorded from the case page or in bulk (a
filtered list, a CSV with a row report); the plan says why each approved household has no seat."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safepassage.accounts.models import Role
from safepassage.airlift import services
from safepassage.airlift.models import TravelReadiness
from safepassage.registry.models import Case, Status
from tests.conftest import Journey, person

pytestmark = pytest.mark.django_db


def test_the_case_page_records_each_fact_and_says_what_is_missing(
    make_case: Callable[..., Case], journey: Journey, client_for: Any
) -> None:
    client, _officer = client_for(Role.AIRLIFT_OFFICER)
    case = journey.approve(make_case(person(), person(given_name="Sara")))
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert 'id="readiness"' in page and "no readiness recorded" in page

    first, second = case.household.members.order_by("pk").values_list("pk", flat=True)
    page = client.post(f"/airlift/cases/{case.reference}/readiness/",
                       {"document": [str(first)], "assembly_point": "Abbey Gate",
                        "consent": "on", "medical_needed": "on"}, follow=True).content.decode()
    assert "some facts are still missing" in page
    missing = page.split('id="readiness-missing"')[1].split("</p>")[0]
    assert "a travel document checked for every member" in missing
    assert "medical clearance" in missing and "consent" not in missing

    page = client.post(f"/airlift/cases/{case.reference}/readiness/",
                       {"document": [str(first), str(second)], "assembly_point": "Abbey Gate",
                        "consent": "on", "medical_needed": "on", "medical_cleared": "on"},
                       follow=True).content.decode()
    assert "Readiness recorded: ready to fly." in page
    assert TravelReadiness.objects.get(case=case).complete


def test_the_plan_says_why_each_approved_household_has_no_seat(
    make_case: Callable[..., Case], journey: Journey, client_for: Any
) -> None:
    client, officer = client_for(Role.AIRLIFT_OFFICER)
    flight = journey.flight(seats=3, allowed=("interpreter",))
    not_ready = journey.approve(make_case())
    barred = journey.approve(make_case(category="citizen"))
    large = journey.approve(make_case(*[person(given_name=f"P{i}") for i in range(5)]))
    placed = journey.approve(make_case(person(), person(given_name="B"), person(given_name="C")))
    crowded = journey.approve(make_case(person(given_name="Late")))
    from tests.conftest import make_ready

    for case in (barred, large, placed, crowded):
        make_ready(officer, case, ready_at=flight.departs_at)
    Case.objects.filter(pk=placed.pk).update(priority=9)

    run = services.plan_manifests(actor=officer, time_limit=5)

    why = {row["case"]: row["reason"] for row in run.unplaced}
    assert why == {not_ready.reference: "not_ready", barred.reference: "no_flight",
                   large.reference: "larger_than_any_flight",
                   crowded.reference: "no_seats_left"}
    page = client.get(f"/airlift/plans/{run.pk}/").content.decode()
    table = page.split('id="unplaced"')[1]
    for text in ("not ready to fly", "no flight it may board", "larger than any flight",
                 "no seats left", "no readiness recorded"):
        assert text in table
    placed.refresh_from_db()
    assert placed.status == Status.MANIFESTED


def test_a_csv_of_readiness_is_recorded_row_by_row_with_a_report(
    make_case: Callable[..., Case], journey: Journey, client_for: Any
) -> None:
    client, _officer = client_for(Role.AIRLIFT_OFFICER)
    good = journey.approve(make_case())
    partial = journey.approve(make_case())
    waiting = make_case()  # not approved
    data = (
        "reference,documents_checked,medical_needed,medical_cleared,assembly_point,consent,"
        "ready_from\n"
        f"{good.reference},yes,no,no,Abbey Gate,yes,2021-08-20\n"
        f"{partial.reference},yes,,,,maybe,\n"
        f"{waiting.reference},yes,no,no,Abbey Gate,yes,\n"
        "SP-NOTAR-EAL00,yes,no,no,Abbey Gate,yes,\n"
    ).encode()
    page = client.post("/airlift/readiness/",
                       {"file": SimpleUploadedFile("ready.csv", data, "text/csv")})
    report = page.content.decode().split('id="report"')[1].split("</section>")[0]
    assert report.count('class="ok"') == 1 and report.count('class="refused"') == 3
    assert "“maybe” in consent: write yes or no" in report
    assert "Readiness is recorded for an approved household" in report
    assert "no such case" in report
    assert TravelReadiness.objects.get(case=good).complete
    assert not TravelReadiness.objects.filter(case__in=[partial, waiting]).exists()


def test_facts_for_the_households_ticked_in_the_filtered_list(
    make_case: Callable[..., Case], journey: Journey, client_for: Any
) -> None:
    client, _officer = client_for(Role.AIRLIFT_OFFICER)
    a, b = journey.approve(make_case()), journey.approve(make_case())
    page = client.get("/airlift/readiness/?missing=consent").content.decode()
    assert a.reference in page and b.reference in page

    client.post("/airlift/readiness/", {"case": [a.reference], "all_documents": "on",
                                        "consent": "on", "assembly_point": "North Gate"})

    assert TravelReadiness.objects.get(case=a).complete
    assert not TravelReadiness.objects.filter(case=b).exists()
    page = client.get("/airlift/readiness/").content.decode()
    assert a.reference not in page and b.reference in page
