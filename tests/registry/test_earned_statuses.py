"""Every status after approval is earned by a fact recorded by the app that owns it: a seat, the
gate, the landing, resettlement milestones. Choosing the status is refused everywhere; only a
supervisor's override with a written reason forces one, and it is marked and counted apart."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from safepassage.accounts import permissions
from safepassage.accounts.models import Role, User
from safepassage.airlift import evidence as airlift_evidence
from safepassage.audit.models import AuditEntry
from safepassage.intake import services as intake
from safepassage.registry import facts
from safepassage.registry.models import Case, Fact, Status
from safepassage.registry.services import (
    InvalidTransition,
    change_case_status,
    earn_case_status,
    override_case_status,
)
from tests.conftest import Journey, sign_in

pytestmark = pytest.mark.django_db


def refused_by_choice(case: Case, to_status: str, actor: User) -> InvalidTransition:
    before = case.status
    with pytest.raises(InvalidTransition) as refused:
        change_case_status(actor=actor, case=case, to_status=to_status, reason="by hand")
    case.refresh_from_db()
    assert case.status == before
    assert refused.value.code == "not_earned"
    return refused.value


def test_manifested_without_a_seat_is_refused(make_case: Callable[..., Case],
                                              journey: Journey) -> None:
    case = journey.approve(make_case())
    error = refused_by_choice(case, Status.MANIFESTED, journey.officer)
    assert "only through a seat on a scheduled flight" in error.messages[0]


def test_boarded_or_no_show_without_the_gate_is_refused(make_case: Callable[..., Case],
                                                        journey: Journey) -> None:
    case = journey.approve(make_case())
    journey.seat(case)
    case.refresh_from_db()
    assert case.status == Status.MANIFESTED
    refused_by_choice(case, Status.BOARDED, journey.gate_agent)
    refused_by_choice(case, Status.NO_SHOW, journey.gate_agent)


def test_arrived_without_the_landing_is_refused(make_case: Callable[..., Case],
                                                journey: Journey, make_user: Any) -> None:
    case = journey.approve(make_case())
    journey.board(case)
    case.refresh_from_db()
    assert case.status == Status.BOARDED
    refused_by_choice(case, Status.ARRIVED, make_user(Role.ADMINISTRATOR))


def test_resettled_without_milestones_is_refused_and_unavailable(
    make_case: Callable[..., Case], journey: Journey, make_user: Any
) -> None:
    case = journey.arrive(journey.approve(make_case()))
    assert case.status == Status.ARRIVED
    error = refused_by_choice(case, Status.RESETTLED, make_user(Role.ADMINISTRATOR))
    if not facts.is_recorded(Fact.MILESTONES):
        assert "not available" in error.messages[0]


def test_the_journey_earns_each_status_with_its_fact_in_the_history(
    make_case: Callable[..., Case], journey: Journey
) -> None:
    case = journey.arrive(journey.approve(make_case()))
    earned = [(h.to_status, h.fact, h.by_override) for h in case.history.all()][-3:]
    assert earned == [(Status.MANIFESTED, Fact.SEAT, False), (Status.BOARDED, Fact.GATE, False),
                      (Status.ARRIVED, Fact.LANDING, False)]
    assert case.by_override is False


def test_evidence_not_made_by_the_facts_owner_is_refused(
    make_case: Callable[..., Case], journey: Journey
) -> None:
    case = journey.approve(make_case())
    stranger = facts.FactOwner(Fact.SEAT, "somebody", lambda _case, _to: "")
    with pytest.raises(InvalidTransition):
        earn_case_status(actor=journey.officer, case=case, to_status=Status.MANIFESTED,
                         evidence=stranger.evidence(case=case, detail="seat on ZZ999"))
    forged = facts.Evidence(fact=Fact.SEAT, case_id=case.pk, detail="seat on ZZ999",
                            owner=stranger)
    with pytest.raises(InvalidTransition):
        earn_case_status(actor=journey.officer, case=case, to_status=Status.MANIFESTED,
                         evidence=forged)
    with pytest.raises(RuntimeError, match="owned by 'airlift'"):
        facts.claim(Fact.SEAT, app="somebody", check=lambda _case, _to: "")
    case.refresh_from_db()
    assert case.status == Status.APPROVED


def test_the_owners_evidence_is_checked_against_the_facts(
    make_case: Callable[..., Case], journey: Journey
) -> None:
    """Even the owner's evidence earns nothing when the fact is not there: no seat, no move."""
    case = journey.approve(make_case())
    other = journey.approve(make_case())
    with pytest.raises(InvalidTransition) as refused:
        earn_case_status(actor=journey.officer, case=case, to_status=Status.MANIFESTED,
                         evidence=airlift_evidence.seat(case, None))
    assert "holds no seat" in refused.value.messages[0]
    with pytest.raises(InvalidTransition):  # evidence about another case
        earn_case_status(actor=journey.officer, case=case, to_status=Status.MANIFESTED,
                         evidence=airlift_evidence.seat(other, None))


def test_a_gate_agent_cannot_seat_and_an_officer_cannot_skip_the_gate(
    make_case: Callable[..., Case], journey: Journey
) -> None:
    case = journey.approve(make_case())
    seat = journey.seat(case)
    with pytest.raises(PermissionDenied):
        earn_case_status(actor=journey.supervisor, case=case, to_status=Status.BOARDED,
                         evidence=airlift_evidence.gate(case, seat.flight, "boarded"))


def test_a_supervisor_overrides_with_a_written_reason_marked_and_audited(
    make_case: Callable[..., Case], journey: Journey, make_user: Any
) -> None:
    case = journey.approve(make_case())
    with pytest.raises(ValidationError) as no_reason:
        override_case_status(actor=journey.supervisor, case=case, to_status=Status.MANIFESTED,
                             reason="  ")
    assert "reason" in no_reason.value.message_dict
    with pytest.raises(PermissionDenied):
        override_case_status(actor=make_user(Role.CASEWORKER), case=case,
                             to_status=Status.MANIFESTED, reason="seated on a partner's plane")
    with pytest.raises(PermissionDenied):
        override_case_status(actor=journey.officer, case=case,
                             to_status=Status.MANIFESTED, reason="seated on a partner's plane")
    with pytest.raises(InvalidTransition, match="Only a move earned"):
        override_case_status(actor=journey.supervisor, case=case, to_status=Status.ON_HOLD,
                             reason="not a fact")

    override_case_status(actor=journey.supervisor, case=case, to_status=Status.MANIFESTED,
                         reason="Seated on a partner's plane not in our system")

    case.refresh_from_db()
    assert (case.status, case.by_override) == (Status.MANIFESTED, True)
    last = case.history.last()
    assert last is not None
    assert (last.by_override, last.fact, last.actor) == (True, Fact.SEAT, journey.supervisor)
    assert last.reason == "Seated on a partner's plane not in our system"
    entry = AuditEntry.objects.filter(object_id=case.reference).latest("pk")
    assert entry.action == "case.status_overridden"


# --- Through the case page, the API, the admin and the commands ----------------------------


def test_the_case_page_offers_only_open_moves_and_says_why_the_others_are_not(
    make_case: Callable[..., Case], journey: Journey
) -> None:
    case = journey.approve(make_case())
    page = sign_in(Client(), journey.officer).get(f"/cases/{case.reference}/")
    html = page.content.decode()
    form = html.split('id="to_status"')[1].split("</select>")[0]
    assert 'value="left_behind"' in form
    assert 'value="manifested"' not in form
    assert 'value="on_hold"' not in form, "an airlift officer does not decide eligibility"
    closed = html.split('class="closed-moves"')[1].split("</ul>")[0]
    assert 'data-status="manifested"' in closed and "Made by airlift" in closed
    assert 'data-status="on_hold"' in closed and "Your role may not" in closed
    assert 'id="override"' not in html, "an officer may not override"

    supervisor_page = sign_in(Client(), journey.supervisor).get(f"/cases/{case.reference}/")
    assert 'id="override"' in supervisor_page.content.decode()


def test_the_page_refuses_a_chosen_earned_status_and_takes_an_override(
    make_case: Callable[..., Case], journey: Journey
) -> None:
    case = journey.approve(make_case())
    client = sign_in(Client(), journey.supervisor)
    answer = client.post(f"/cases/{case.reference}/status/",
                         {"to_status": Status.MANIFESTED, "reason": "by hand"}, follow=True)
    assert "only through a seat on a scheduled flight" in answer.content.decode()
    case.refresh_from_db()
    assert case.status == Status.APPROVED

    answer = client.post(f"/cases/{case.reference}/override/",
                         {"to_status": Status.MANIFESTED, "reason": ""}, follow=True)
    case.refresh_from_db()
    assert case.status == Status.APPROVED
    answer = client.post(f"/cases/{case.reference}/override/",
                         {"to_status": Status.MANIFESTED, "reason": "Partner plane"},
                         follow=True)
    case.refresh_from_db()
    assert (case.status, case.by_override) == (Status.MANIFESTED, True)
    assert 'id="by-override"' in answer.content.decode()


def test_the_api_cannot_change_a_status(make_case: Callable[..., Case], journey: Journey,
                                        make_organisation: Any) -> None:
    organisation = make_organisation("Veterans")
    case = journey.approve(make_case(organisation=organisation))
    token = intake.create_api_token(actor=permissions.OPERATOR, organisation=organisation,
                                    name="tests")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    for method in (client.patch, client.put, client.post):
        answer = method(f"/api/v1/registrations/{case.reference}/",
                        data={"status": Status.ARRIVED}, content_type="application/json")
        assert answer.status_code == 405
    case.refresh_from_db()
    assert case.status == Status.APPROVED


def test_the_admin_has_no_way_to_set_a_case_status() -> None:
    for model, model_admin in admin.site._registry.items():
        if model in (Case,):
            fields = model_admin.get_fields(None)  # type: ignore[arg-type]
            assert "status" not in fields or "status" in model_admin.readonly_fields
    assert all(m._meta.label != "registry.StatusChange" for m in admin.site._registry)
