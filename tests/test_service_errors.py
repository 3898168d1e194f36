"""A service's refusal reaches the person as words they can act on: beside a form's fields, as
a page message, or as an API problem document; never as a server error."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.test import RequestFactory

from safepassage.registry.models import Case
from safepassage.registry.services import InvalidTransition
from safepassage.service_errors import (
    Done,
    api_exception_handler,
    carry_out,
    carry_out_on_form,
    error_text,
    show_on_form,
)


class SeatsForm(forms.Form):
    seats = forms.IntegerField()


def test_a_form_shows_each_message_beside_the_field_it_names() -> None:
    form = SeatsForm({"seats": "3"})
    assert form.is_valid()
    show_on_form(form, ValidationError({"seats": "Seats cannot be negative.",
                                        "code": "A flight RCH871 exists already."}))
    assert form.errors == {"seats": ["Seats cannot be negative."],
                           "__all__": ["A flight RCH871 exists already."]}


def test_a_refusal_without_words_still_says_what_happened() -> None:
    assert error_text(PermissionDenied()) == "Your role may not do this."
    assert error_text(InvalidTransition("It can become: Under review.")) == (
        "It can become: Under review.")


@pytest.mark.parametrize(("error", "status"), [
    (ValidationError({"flight_number": "Write the airline code and number."}), 422),
    (Case.DoesNotExist(), 404),
])
def test_the_api_answers_a_service_error_as_a_problem_document(error: Any, status: int) -> None:
    response = api_exception_handler(error, {})
    assert response is not None and response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json") or (
        response.content_type == "application/problem+json")
    assert response.data["status"] == status and response.data["detail"]
    if status == 422:
        assert response.data["errors"] == {
            "flight_number": ["Write the airline code and number."]}


def _page_request() -> HttpRequest:
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    return request


def _said(request: HttpRequest) -> list[tuple[str, str]]:
    return [(m.level_tag, m.message) for m in get_messages(request)]


def _refuse() -> int:
    raise ValidationError({"seats": "Seats cannot be negative."})


def test_a_refused_call_is_told_on_the_next_page_and_nothing_is_said_of_success() -> None:
    request = _page_request()
    assert carry_out(request, _refuse, success="Seats changed.") is None
    assert _said(request) == [("error", "Seats cannot be negative.")]


def test_a_call_that_goes_through_says_so_with_its_result_and_returns_it() -> None:
    request = _page_request()
    done = carry_out(request, lambda: 41 + 1, success=lambda n: f"{n} households placed.")
    assert done == Done(42)
    assert _said(request) == [("success", "42 households placed.")]


def test_a_service_that_returns_nothing_has_still_gone_through() -> None:
    request = _page_request()
    assert carry_out(request, lambda: None) == Done(None)
    assert _said(request) == []


def test_a_refused_form_call_is_shown_beside_its_field_and_not_as_a_message() -> None:
    request = _page_request()
    form = SeatsForm({"seats": "-1"})
    assert form.is_valid()
    assert carry_out_on_form(request, form, _refuse, success="Seats changed.") is None
    assert form.errors == {"seats": ["Seats cannot be negative."]}
    assert _said(request) == []


def test_a_refusal_without_words_is_told_as_one() -> None:
    def forbidden() -> None:
        raise PermissionDenied

    request = _page_request()
    assert carry_out(request, forbidden) is None
    assert _said(request) == [("error", "Your role may not do this.")]


def test_a_defect_is_not_caught_and_stays_a_server_error() -> None:
    with pytest.raises(ZeroDivisionError):
        carry_out(_page_request(), lambda: 1 // 0, success="Never said.")
