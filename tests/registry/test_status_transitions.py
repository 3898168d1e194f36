import pytest
from django.core.exceptions import PermissionDenied

from safepassage.accounts.models import Role
from safepassage.registry.models import Status
from safepassage.registry.services import InvalidTransition, change_case_status


def test_an_illegal_transition_is_refused_with_a_message_naming_the_allowed_ones(
    make_case, make_user
):
    case = make_case()
    supervisor = make_user(Role.SUPERVISOR)

    with pytest.raises(InvalidTransition) as refused:
        change_case_status(actor=supervisor, case=case, to_status=Status.BOARDED)

    message = refused.value.messages[0]
    assert "“Registered” cannot become “Boarded”" in message
    assert "Under review" in message
    case.refresh_from_db()
    assert case.status == Status.REGISTERED


def test_every_transition_is_kept_in_the_history_with_who_and_why(make_case, make_user):
    case = make_case()
    caseworker, supervisor = make_user(Role.CASEWORKER), make_user(Role.SUPERVISOR)

    change_case_status(actor=caseworker, case=case, to_status=Status.UNDER_REVIEW, reason="docs in")
    change_case_status(actor=supervisor, case=case, to_status=Status.ELIGIBLE, reason="verified")

    history = [(h.from_status, h.to_status, h.actor, h.reason) for h in case.history.all()]
    assert history == [
        ("", Status.REGISTERED, None, ""),
        (Status.REGISTERED, Status.UNDER_REVIEW, caseworker, "docs in"),
        (Status.UNDER_REVIEW, Status.ELIGIBLE, supervisor, "verified"),
    ]


def test_a_caseworker_cannot_decide_eligibility(make_case, make_user):
    case = make_case()
    caseworker = make_user(Role.CASEWORKER)
    change_case_status(actor=caseworker, case=case, to_status=Status.UNDER_REVIEW)

    with pytest.raises(PermissionDenied):
        change_case_status(actor=caseworker, case=case, to_status=Status.ELIGIBLE)


def test_a_final_status_says_it_can_go_nowhere(make_case, make_user, journey):
    case = journey.walk(make_case(), Status.RESETTLED)

    with pytest.raises(InvalidTransition, match="final status"):
        change_case_status(actor=make_user(Role.SUPERVISOR), case=case, to_status=Status.ARRIVED)


def test_a_stale_case_is_not_moved_twice(make_case, make_user):
    case = make_case()
    caseworker = make_user(Role.CASEWORKER)
    stale = type(case).objects.get(pk=case.pk)
    change_case_status(actor=caseworker, case=case, to_status=Status.UNDER_REVIEW)

    with pytest.raises(InvalidTransition, match="changed this case meanwhile"):
        change_case_status(actor=caseworker, case=stale, to_status=Status.ON_HOLD)
