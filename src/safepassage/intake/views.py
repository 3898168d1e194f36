"""Intake pages: the public registration form and status check (no JavaScript, any of four
languages), and the staff page for spreadsheet imports with their quarantine reports."""

from __future__ import annotations

import csv
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, RawPostDataException
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from safepassage.accounts import permissions
from safepassage.accounts.decorators import StaffRequest, staff_required
from safepassage.accounts.models import Organisation, User
from safepassage.intake import selectors, services, throttle
from safepassage.intake.forms import MemberForm, RegistrantForm, StatusForm
from safepassage.intake.models import ImportBatch, Outcome
from safepassage.registry.models import Channel, Status
from safepassage.runner import selectors as runner

ROWS_SHOWN, ROWS_MAX = 5, 20


def _chosen_language(request: HttpRequest) -> str:
    """?lang= switches the language of the public pages (a plain link, no JavaScript)."""
    wanted = request.GET.get("lang", "")
    if wanted in dict(settings.LANGUAGES):
        translation.activate(wanted)
        request.LANGUAGE_CODE = wanted
    return translation.get_language() or settings.LANGUAGE_CODE


def _public(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200,
            ) -> HttpResponse:
    language = translation.get_language()
    context |= {"languages": settings.LANGUAGES, "current_language": language}
    response = render(request, template, context, status=status)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax",
                        secure=settings.SESSION_COOKIE_SECURE)
    response["Cache-Control"] = "no-store"
    return response


def _row_count(request: HttpRequest) -> int:
    text = request.POST.get("rows") or request.GET.get("rows") or ""
    return min(max(int(text), 0), ROWS_MAX) if text.isdigit() else ROWS_SHOWN


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    language = _chosen_language(request)
    rows = _row_count(request)
    if request.method != "POST":
        return _form_page(request, RegistrantForm(), _member_forms(None, rows), rows)

    if not throttle.allow(request, scope="register", limit=settings.INTAKE_REGISTRATIONS_PER_HOUR,
                          window_seconds=3600):
        return _public(request, "intake/slow_down.html", {}, status=429)
    submission = services.receive_submission(channel=Channel.WEB_FORM, **_body_as_received(request))
    form = RegistrantForm(request.POST)
    members = _member_forms(request.POST, rows)

    automated = form.looks_automated()
    if automated:
        services.close_submission(submission, outcome=Outcome.BOT_SUSPECTED,
                                  detail={"reason": automated})
        data = request.POST.copy()
        data["started"] = RegistrantForm().fields["started"].initial
        data["website"] = ""
        notice = _("Please check your answers and send the form again.")
        return _form_page(request, RegistrantForm(data), _member_forms(data, rows), rows, notice)

    filled = [m for m in members if not m.is_blank()]
    if not (form.is_valid() and all(m.is_valid() for m in filled)):
        services.close_submission(submission, outcome=Outcome.REJECTED, detail={"error": "form"})
        return _form_page(request, form, members, rows)

    result, secret = services.register_from_public_form(
        actor=permissions.PUBLIC_FORM, registrant=form.cleaned_data,
        others=[m.cleaned_data for m in filled], category=form.cleaned_data["category"],
        language=language, submission=submission,
    )
    if result.outcome != "registered":
        in_order = [form, *filled]
        for problem in services.public_form_problems(result):
            target = in_order[problem.member] if problem.member < len(in_order) else form
            target.add_error(problem.field if problem.field in target.fields else None,
                             problem.text)
        return _form_page(request, form, members, rows)
    return _public(request, "intake/registered.html", {
        "reference": result.reference, "secret": secret, "people": 1 + len(filled)})


def _body_as_received(request: HttpRequest) -> dict[str, Any]:
    """The body byte for byte. Browsers send this form urlencoded; a multipart body has been
    consumed by the time the view runs, so its fields are kept re-encoded, and labelled so."""
    try:
        return {"body": request.body, "content_type": request.content_type or ""}
    except RawPostDataException:
        return {"body": request.POST.urlencode().encode(),
                "content_type": "application/x-www-form-urlencoded; re-encoded-from=multipart"}


def _member_forms(data: Any, rows: int) -> list[MemberForm]:
    return [MemberForm(data, prefix=f"p{i}") for i in range(1, rows + 1)]


def _form_page(request: HttpRequest, form: RegistrantForm, members: list[MemberForm], rows: int,
               notice: str = "") -> HttpResponse:
    return _public(request, "intake/register.html", {
        "form": form, "members": members, "rows": rows, "notice": notice,
        "more_rows": min(rows + 5, ROWS_MAX) if rows < ROWS_MAX else 0,
    })


@require_http_methods(["GET", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    """Reference and secret by POST only, so neither lands in a URL, a log or a history."""
    _chosen_language(request)
    form = StatusForm(request.POST or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST":
        if not throttle.allow(request, scope="status", limit=settings.INTAKE_STATUS_CHECKS_PER_HOUR,
                              window_seconds=3600):
            return _public(request, "intake/slow_down.html", {}, status=429)
        if form.is_valid():
            case = selectors.case_for_status_page(reference=form.cleaned_data["reference"],
                                                  secret=form.cleaned_data["secret"])
            # An empty form again: a shared phone must not keep the reference on screen.
            context |= {"form": StatusForm(), "checked": True, "case": case,
                        "status_label": Status(case.status).label if case else "",
                        "people": case.household.members.count() if case else 0}
    return _public(request, "intake/status.html", context)


# --------------------------------------------------------------------------------------------
# Staff: spreadsheet imports
# --------------------------------------------------------------------------------------------


def _organisations_for(user: User) -> list[Organisation]:
    if permissions.is_partner(user):
        return [user.organisation] if user.organisation else []
    return list(Organisation.objects.all())


@staff_required
@require_http_methods(["GET", "POST"])
def import_list(request: StaffRequest) -> HttpResponse:
    user = request.user
    if not permissions.can(user, permissions.IMPORT_FILES):
        raise PermissionDenied
    organisations = _organisations_for(user)
    if request.method == "POST":
        upload = request.FILES.get("file")
        organisation = next((o for o in organisations
                             if str(o.pk) == request.POST.get("organisation")), None)
        if upload is None or organisation is None:
            messages.error(request, _("Choose a file and the organisation that sent it."))
        elif upload.size and upload.size > settings.INTAKE_IMPORT_MAX_BYTES:
            messages.error(request, _("This file is larger than %(mb)s MB; split it in two.") % {
                "mb": settings.INTAKE_IMPORT_MAX_BYTES // 1_000_000})
        else:
            batch = services.start_import(actor=user, organisation=organisation,
                                          data=upload.read(), filename=upload.name or "upload")
            return redirect("intake:import-detail", batch_id=batch.pk)
    batches = selectors.imports_visible_to(user)[:50]
    return render(request, "intake/import_list.html",
                  {"batches": batches, "organisations": organisations})


def _batch(request: StaffRequest, batch_id: int) -> ImportBatch:
    try:
        return selectors.imports_visible_to(request.user).get(pk=batch_id)
    except ImportBatch.DoesNotExist:
        raise Http404 from None


@staff_required
def import_detail(request: StaffRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    running = batch.state in {ImportBatch.State.QUEUED, ImportBatch.State.RUNNING}
    return render(request, "intake/import_detail.html", {
        "batch": batch, "running": running,
        "no_worker": running and not runner.a_worker_is_alive(queue_name="imports"),
        "quarantine": [] if running else list(batch.quarantine.all()[:500]),
    })


@staff_required
def import_report(request: StaffRequest, batch_id: int) -> HttpResponse:
    try:
        batch, rows = selectors.quarantine_report(actor=request.user, batch_id=batch_id)
    except ImportBatch.DoesNotExist:
        raise Http404 from None
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-quarantine.csv"'
    response.write("\ufeff")  # so that Excel reads the Dari and Pashto as UTF-8
    csv.writer(response).writerows(rows)
    return response
