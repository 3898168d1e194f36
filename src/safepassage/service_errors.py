"""How a refused or invalid service call is told to the person who made it, for every view.

Services say no in two ways only: ValidationError (and its kinds: InvalidTransition, a pair
decided meanwhile, a rule set with problems), whose messages name the field and what to do, and
PermissionDenied. A page shows them as a message or beside the form's fields; the API answers
them as a problem document (RFC 9457). Anything else is a defect and stays a server error.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from rest_framework.response import Response
from rest_framework.views import exception_handler

ServiceError = ValidationError | PermissionDenied
SERVICE_ERRORS = (ValidationError, PermissionDenied)


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


def api_exception_handler(error: Exception, context: dict[str, Any]) -> Response | None:
    """REST_FRAMEWORK's EXCEPTION_HANDLER: a service's refusal becomes a problem document; the
    API's own exceptions keep DRF's answers."""
    if isinstance(error, ValidationError | ObjectDoesNotExist):
        return problem_response(error)
    return exception_handler(error, context)
