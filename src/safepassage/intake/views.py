"""Intake pages: the public registration form and status check (no JavaScript, any of four
languages), and the staff page for spreadsheet imports with their quarantine reports."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, RawPostDataException
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from safepassage.accounts import permissions
from safepassage.accounts.decorators import StaffRequest, staff_required
from safepassage.accounts.models import Organisation, User
from safepassage.intake import selectors, services, throttle
from safepassage.intake.column_mapping import (
    IGNORE,
    VALUE_COLUMNS,
    ColumnMapping,
    MappingError,
    check_mapping,
)
from safepassage.intake.forms import MemberForm, RegistrantForm, StatusForm
from safepassage.intake.models import ImportBatch, Outcome
from safepassage.intake.records import COLUMNS
from safepassage.protection.spreadsheet_cells import SpreadsheetSafeWriter
from safepassage.registry import events
from safepassage.registry import services as registry
from safepassage.registry import views as registry_views
from safepassage.registry.models import Case, Channel, Status
from safepassage.runner import selectors as runner

# Rows for the people who travel with the registrant: a household of up to 15 people in all.
# More rows come from a button that sends the form back with what was typed (no JavaScript).
ROWS_SHOWN, ROWS_MAX, ROWS_STEP = 3, 14, 4
# The page after a registration finds it through this cookie (the form's one-time token, signed):
# the reference and the secret never travel in a URL.
REGISTERED_COOKIE = "sp_registered"
_REGISTERED_SALT = "safepassage.intake.registered"


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


def welcome(request: HttpRequest) -> HttpResponse:
    """`/`: for the public, register or check a status; staff go on to their own home page."""
    if request.user.is_authenticated:
        return registry_views.home(request)
    _chosen_language(request)
    return _public(request, "intake/welcome.html", {})


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    language = _chosen_language(request)
    rows = _row_count(request)
    if request.method != "POST":
        return _form_page(request, RegistrantForm(), _member_forms(None, rows), rows)
    if "more_rows" in request.POST:
        # Not a registration: the same form again, with what was typed and more rows.
        rows = min(rows + ROWS_STEP, ROWS_MAX)
        return _form_page(request, RegistrantForm(initial=_typed(request.POST, "")),
                          _member_forms(None, rows, typed=request.POST), rows)

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
        return _form_page(request, RegistrantForm(initial=_typed(data, "")),
                          _member_forms(None, rows, typed=data), rows, notice)

    filled = [m for m in members if not m.is_blank()]
    form_ok = form.is_valid()  # every form checked, so that every error shows at once
    members_ok = [m.is_valid() for m in filled]
    if not (form_ok and all(members_ok)):
        services.close_submission(submission, outcome=Outcome.REJECTED, detail={"error": "form"})
        return _form_page(request, form, members, rows)

    token = form.form_token()
    result, _secret = services.register_from_public_form(
        actor=permissions.PUBLIC_FORM, registrant=form.cleaned_data,
        others=[m.cleaned_data for m in filled], category=form.cleaned_data["category"],
        language=language, submission=submission, form_token=token,
    )
    if result.outcome not in {"received", "resent"}:
        in_order = [form, *filled]
        for problem in services.public_form_problems(result):
            target = in_order[problem.member] if problem.member < len(in_order) else form
            target.add_error(problem.field if problem.field in target.fields else None,
                             problem.text)
        return _form_page(request, form, members, rows)
    # Post/redirect/get: reloading the page that follows asks for it again, never re-sends.
    response = redirect(f"{reverse('intake:registered')}?lang={language}")
    response.set_signed_cookie(REGISTERED_COOKIE, token, salt=_REGISTERED_SALT,
                               max_age=int(services.SECRET_SHOWN_FOR.total_seconds()),
                               httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
    return response


@require_http_methods(["GET"])
def registered(request: HttpRequest) -> HttpResponse:
    """The reference and the secret of the registration this browser just made."""
    _chosen_language(request)
    token = request.get_signed_cookie(REGISTERED_COOKIE, default="", salt=_REGISTERED_SALT,
                                      max_age=int(services.SECRET_SHOWN_FOR.total_seconds()))
    shown = selectors.registration_of_form(token=token) if token else None
    if shown is None:
        return redirect(f"{reverse('intake:register')}?lang={translation.get_language()}")
    return _public(request, "intake/registered.html", {
        "reference": shown.reference, "secret": shown.secret, "people": shown.people})


def _body_as_received(request: HttpRequest) -> dict[str, Any]:
    """The body byte for byte. Browsers send this form urlencoded; a multipart body has been
    consumed by the time the view runs, so its fields are kept re-encoded, and labelled so."""
    try:
        return {"body": request.body, "content_type": request.content_type or ""}
    except RawPostDataException:
        return {"body": request.POST.urlencode().encode(),
                "content_type": "application/x-www-form-urlencoded; re-encoded-from=multipart"}


def _member_forms(data: Any, rows: int, typed: Any = None) -> list[MemberForm]:
    """The rows of the people who travel with the registrant: bound to `data` to be checked, or
    showing what was `typed` without judging it yet (rows added, the bot check's second look)."""
    return [MemberForm(data, prefix=f"p{i}",
                       initial=_typed(typed, f"p{i}-") if typed is not None else None)
            for i in range(1, rows + 1)]


def _typed(data: Any, prefix: str) -> dict[str, str]:
    return {name[len(prefix):]: value for name, value in data.items()
            if name.startswith(prefix) and name != "csrfmiddlewaretoken"}


@dataclass(frozen=True)
class _Problem:
    anchor: str
    where: str
    text: str


def _problems(form: RegistrantForm, members: list[MemberForm]) -> list[_Problem]:
    """Every error of the page, in the order of the page, for the summary at its top."""
    found = [_Problem("register-form", "", str(e)) for e in form.non_field_errors()]
    for name, field in form.fields.items():
        found += [_Problem(f"id_{name}", str(field.label), str(e))
                  for e in form.errors.get(name, [])]
    for n, member in enumerate(members, start=2):
        if not member.is_bound or member.is_blank():
            continue
        person = _("Person %(n)s") % {"n": n}
        found += [_Problem(f"id_{member.prefix}-given_name", person, str(e))
                  for e in member.non_field_errors()]
        for name, field in member.fields.items():
            found += [_Problem(f"id_{member.add_prefix(name)}", f"{person}: {field.label}", str(e))
                      for e in member.errors.get(name, [])]
    return found


def _form_page(request: HttpRequest, form: RegistrantForm, members: list[MemberForm], rows: int,
               notice: str = "") -> HttpResponse:
    return _public(request, "intake/register.html", {
        "form": form, "members": members, "rows": rows, "notice": notice,
        "problems": _problems(form, members) if form.is_bound else [],
        "can_add_rows": rows < ROWS_MAX,
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
            # Accepted and not registered yet (or held with reasons): said so, in its words.
            context["accepted"] = None if case is not None else \
                selectors.accepted_form_for_status_page(
                    reference=form.cleaned_data["reference"], secret=form.cleaned_data["secret"])
            if case is not None and form.cleaned_data.get("code"):
                context["number_confirmed"] = registry.confirm_contact_by_code(
                    actor=permissions.STATUS_PAGE, case=case, code=form.cleaned_data["code"])
            question = (form.cleaned_data.get("question") or "").strip()
            if case is not None and question:
                _ask(case, question)
                context["question_received"] = True
            # An empty form again: a shared phone must not keep the reference on screen.
            # A question that found no case stays typed, to send again with the right secret.
            kept = {"question": question} if case is None and question else {}
            context |= {"form": StatusForm(initial=kept), "checked": True, "case": case,
                        "status_label": Status(case.status).label if case else "",
                        "people": case.household.members.count() if case else 0}
    return _public(request, "intake/status.html", context)


def _ask(case: Case, question: str) -> None:
    """The question goes to the inbox (registry.events.question_asked, kept by messaging);
    the same words on the same day are one question, so a double click asks once."""
    day = timezone.now().date().isoformat()
    digest = hashlib.sha256(f"{case.reference}\x00{day}\x00{question}".encode()).hexdigest()
    with transaction.atomic():
        events.question_asked.publish(events.QuestionAsked(
            actor=permissions.STATUS_PAGE, case=case, text=question,
            question_id=f"status-page:{digest[:40]}"))


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
            # Refused unread: the same words as the service's refusal of a file too large.
            messages.error(request, _(
                "This file has %(figure)s bytes; the limit is %(limit)s bytes "
                "(SAFEPASSAGE_IMPORT_MAX_BYTES). Split it into smaller files.") % {
                "figure": f"{upload.size:,}", "limit": f"{settings.INTAKE_IMPORT_MAX_BYTES:,}"})
        else:
            batch = services.start_import(actor=user, organisation=organisation,
                                          data=upload.read(), filename=upload.name or "upload",
                                          ask_for_mapping=True)
            if batch.state == ImportBatch.State.MAPPING:
                return redirect("intake:import-mapping", batch_id=batch.pk)
            return redirect("intake:import-detail", batch_id=batch.pk)
    batches = selectors.imports_visible_to(user)[:50]
    return render(request, "intake/import_list.html",
                  {"batches": batches, "organisations": organisations})


@staff_required
def submissions(request: StaffRequest) -> HttpResponse:
    """Accepted submissions not registered whole (decision 0092): waiting, or held with the
    reasons the worker found, so that staff see what nobody must lose."""
    user = request.user
    if not permissions.can(user, permissions.IMPORT_FILES):
        raise PermissionDenied
    held = list(selectors.submissions_not_registered(actor=user)[:200])
    for submission in held:
        results = submission.answer or []
        submission.reasons = [  # type: ignore[attr-defined]
            f"{p['field']}: {p['message']} {p['hint']}".strip(": ")
            for r in results for p in r.get("problems", [])]
    return render(request, "intake/submissions.html", {"submissions": held})


def _batch(request: StaffRequest, batch_id: int) -> ImportBatch:
    try:
        return selectors.imports_visible_to(request.user).get(pk=batch_id)
    except ImportBatch.DoesNotExist:
        raise Http404 from None


def _posted_mapping(request: StaffRequest) -> ColumnMapping:
    """The mapping as the page sends it: for each header its column (`column-N`, with the
    header in `header-N`), and value mappings as (`value-column-N`, `value-word-N`,
    `value-ours-N`) rows; a value row left on "not mapped" is dropped."""
    data = request.POST
    columns = {}
    for name in data:
        if name.startswith("header-"):
            n = name.removeprefix("header-")
            columns[data[name]] = data.get(f"column-{n}", "") or IGNORE
    values: dict[str, dict[str, str]] = {}
    for name in data:
        if name.startswith("value-word-"):
            n = name.removeprefix("value-word-")
            column, ours = data.get(f"value-column-{n}", ""), data.get(f"value-ours-{n}", "")
            if column and ours:
                values.setdefault(column, {})[data[name]] = ours
    return ColumnMapping(columns=columns, values=values)


@staff_required
@require_http_methods(["GET", "POST"])
def import_mapping(request: StaffRequest, batch_id: int) -> HttpResponse:
    """A file whose headers are not ours: the suggested mapping to check and correct, with the
    first rows as they will be imported; importing saves the mapping for the organisation."""
    batch = _batch(request, batch_id)
    if batch.state != ImportBatch.State.MAPPING:
        return redirect("intake:import-detail", batch_id=batch.pk)
    mapping = ColumnMapping.from_dict(batch.mapping)
    error = ""
    if request.method == "POST":
        mapping = _posted_mapping(request)
        try:
            check_mapping(mapping)
        except MappingError as problem:
            error = str(problem)
        else:
            if request.POST.get("action") == "import":
                services.confirm_mapping(actor=request.user, batch=batch, mapping=mapping)
                return redirect("intake:import-detail", batch_id=batch.pk)
    preview = selectors.mapping_preview(actor=request.user, batch=batch, mapping=mapping)
    value_rows = [*preview.value_mappings, *((c, w, "") for c, words in
                                              preview.unread_values.items() for w in words)]
    return render(request, "intake/import_mapping.html", {
        "batch": batch, "preview": preview, "error": error, "value_rows": value_rows,
        "our_columns": COLUMNS, "value_choices": VALUE_COLUMNS,
    })


@staff_required
def import_detail(request: StaffRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    if batch.state == ImportBatch.State.MAPPING:
        return redirect("intake:import-mapping", batch_id=batch.pk)
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
    SpreadsheetSafeWriter(response).writerows(rows)
    return response
