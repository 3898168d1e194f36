"""A service's refusal reaches the person as words they can act on: beside a form's fields, as
a page message, or as an API problem document; never as a server error."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from safepassage.registry.models import Case
from safepassage.registry.services import InvalidTransition
from safepassage.service_errors import api_exception_handler, error_text, show_on_form


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
