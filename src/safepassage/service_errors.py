"""How a refused or invalid service call is told to the person who made it, for every view.

Services say no in two ways only: ValidationError (and its kinds: InvalidTransition, a pair
decided meanwhile, a rule set with problems), whose messages name the field and what to do, and
PermissionDenied. A page shows them as a message or beside the form's fields; the API answers
them as a problem document (RFC 9457). Anything else is a defect and stays a server error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions as api_errors
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/api/"

ServiceError = ValidationError | PermissionDenied
SERVICE_ERRORS = (ValidationError, PermissionDenied)

Result = TypeVar("Result")


def error_messages(error: ServiceError) -> list[str]:
    """The sentences of an error, in order; a refusal without words gets one."""
    if isinstance(error, ValidationError):
        return [str(m) for m in error.messages]
    text = str(error.args[0]) if error.args else ""
    return [text or _("Your role may not do this.")]


def error_text(error: ServiceError) -> str:
    return " ".join(error_messages(error))


def tell(request: HttpRequest, error: ServiceError, *, prefix: str = "") -> None:
    """The error as a message on the next page the person sees."""
    messages.error(request, f"{prefix} {error_text(error)}".strip())


def show_on_form(form: forms.BaseForm, error: ServiceError) -> None:
    """Each message beside the field it names, the others above the form."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for name, field_messages in error.message_dict.items():
            for message in field_messages:
                form.add_error(name if name in form.fields else None, message)
        return
    for message in error_messages(error):
        form.add_error(None, message)


@dataclass(frozen=True)
class Done(Generic[Result]):
    """A service call that went through, and what it returned. A wrapper rather than the bare
    result, because a service that returns None has gone through too."""

    result: Result


def carry_out(request: HttpRequest, call: Callable[[], Result], *,
              success: str | Callable[[Result], str] | None = None) -> Done[Result] | None:
    """Call a service for a page. A refusal is told as a message on the next page and the
    answer is None; otherwise `success` (a sentence, or one made from the result) is said."""
    return _carry_out(request, call, success, lambda error: tell(request, error))


def carry_out_on_form(request: HttpRequest, form: forms.BaseForm, call: Callable[[], Result], *,
                      success: str | Callable[[Result], str] | None = None,
                      ) -> Done[Result] | None:
    """carry_out for a form's service: a refusal is shown beside the fields it names, so the
    page that renders the form again shows it; the answer is then None."""
    return _carry_out(request, call, success, lambda error: show_on_form(form, error))


def _carry_out(request: HttpRequest, call: Callable[[], Result],
               success: str | Callable[[Result], str] | None,
               refused: Callable[[ServiceError], None]) -> Done[Result] | None:
    try:
        result = call()
    except SERVICE_ERRORS as error:
        refused(error)
        return None
    if success is not None:
        messages.success(request, success if isinstance(success, str) else success(result))
    return Done(result)


_PROBLEMS: list[tuple[type[Exception], int, str]] = [
    (PermissionDenied, 403, "Forbidden"),
    (ObjectDoesNotExist, 404, "Not found"),
    (ValidationError, 422, "The request cannot be carried out"),
]


def problem_response(error: ServiceError | ObjectDoesNotExist) -> Response:
    """A problem document: a title, the status, the sentences to act on and, for a
    ValidationError naming fields, the messages of each field."""
    status, title = next((s, t) for kind, s, t in _PROBLEMS if isinstance(error, kind))
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if isinstance(error, ObjectDoesNotExist):
        body["detail"] = _("Not found.")
    else:
        body["detail"] = error_text(error)
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        body["errors"] = error.message_dict
    return Response(body, status=status, content_type="application/problem+json")


def with_instance(body: dict[str, Any], request: HttpRequest) -> dict[str, Any]:
    """A problem document with its `instance`: the path of the request it answers."""
    return {**body, "instance": request.path}


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def api_exception_handler(error: Exception, context: dict[str, Any]) -> Response | None:
    """REST_FRAMEWORK's EXCEPTION_HANDLER: every error of the API is a problem document (RFC
    9457): a service's refusal, and DRF's own (a field's error, a missing or wrong token, a
    method, a media type, a refused Accept, a rate limit), with the field errors in `errors`.
    Anything else is a defect: Django's handler500 answers it, as a problem document too."""
    if isinstance(error, ValidationError | ObjectDoesNotExist):
        response = problem_response(error)
    else:
        answer = exception_handler(error, context)
        if answer is None:
            return None
        body: dict[str, Any] = {"type": "about:blank", "title": _title(answer.status_code),
                                "status": answer.status_code}
        if isinstance(error, api_errors.ValidationError):
            body["detail"] = "Some fields are not valid: see errors, by field."
            found = answer.data
            body["errors"] = found if isinstance(found, dict) else {"non_field_errors": found}
        else:
            data = answer.data
            body["detail"] = str(data.get("detail", "") if isinstance(data, dict) else data)
        response = Response(body, status=answer.status_code, content_type=PROBLEM_JSON)
        for header, value in answer.items():
            if header.lower() != "content-type":  # WWW-Authenticate, Retry-After, Allow
                response[header] = value
    request = context.get("request")
    if request is not None and isinstance(response.data, dict):
        response.data = with_instance(response.data, request)
    return response


def _api_problem(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    body = {"type": "about:blank", "title": _title(status), "status": status, "detail": detail,
            "instance": request.path}
    return JsonResponse(body, status=status, content_type=PROBLEM_JSON)


# Django's own error handlers (the root URLconf's handler400/403/404/500): a problem document
# under /api/, Django's pages elsewhere.

def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return _api_problem(request, 400, "The request cannot be read.")
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return _api_problem(request, 403, "Your token may not do this.")
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return _api_problem(request, 404, "There is nothing at this address: see /api/schema/.")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return _api_problem(request, 500, "Something went wrong on our side; it was logged. "
                                          "Send the same request again later, with the same "
                                          "Idempotency-Key.")
    return defaults.server_error(request)
