"""Staff actions on a case's documents, the PDF download, and the public verifier page."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from safepassage.accounts.decorators import StaffRequest, staff_required
from safepassage.credentials import selectors, services
from safepassage.credentials.forms import BoardingPassForm
from safepassage.credentials.models import Credential
from safepassage.credentials.verifier_page import page_policy, render_verifier_html
from safepassage.registry.models import Case
from safepassage.service_errors import tell


def _issue(request: StaffRequest, reference: str, issue: Any) -> HttpResponse:
    try:
        credential = issue()
    except Case.DoesNotExist as exc:
        raise Http404 from exc
    except ValidationError as error:  # a refused role is a 403, not a message
        tell(request, error)
    else:
        messages.success(
            request, _("%(kind)s issued. Download it below; any earlier one is revoked.")
            % {"kind": credential.get_kind_display()},
        )
    return redirect("registry:case-detail", reference=reference)


@staff_required
@require_POST
def issue_letter(request: StaffRequest, reference: str) -> HttpResponse:
    return _issue(request, reference, lambda: services.issue_facilitation_letter(
        actor=request.user, reference=reference))


@staff_required
@require_POST
def issue_boarding_pass(request: StaffRequest, reference: str) -> HttpResponse:
    form = BoardingPassForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(
            f"{form.fields[f].label}: {e}" for f, errs in form.errors.items() for e in errs))
        return redirect("registry:case-detail", reference=reference)
    return _issue(request, reference, lambda: services.issue_boarding_pass(
        actor=request.user, reference=reference,
        flight_number=form.cleaned_data["flight_number"],
        departure_date=form.cleaned_data["departure_date"]))


@staff_required
@require_GET
def download_pdf(request: StaffRequest, token_id: str) -> HttpResponse:
    try:
        filename, pdf = selectors.credential_pdf(actor=request.user, token_id=token_id)
    except (Credential.DoesNotExist, Case.DoesNotExist) as exc:
        raise Http404 from exc
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def verifier(request: HttpRequest) -> HttpResponse:
    """The offline verifier with today's lists. Public: it holds public keys and hashes only."""
    html = render_verifier_html(services.trust_documents())
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = page_policy(html)
    if request.GET.get("download"):
        response["Content-Disposition"] = 'attachment; filename="safepassage-verifier.html"'
    response["Cache-Control"] = "no-store"
    return response


