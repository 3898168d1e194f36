"""Staff pages of the registry: the case list with search, and the case file."""

from typing import Any, Protocol

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from safepassage.accounts import permissions
from safepassage.accounts.decorators import StaffRequest, staff_required
from safepassage.accounts.permissions import Actor
from safepassage.registry import selectors, services
from safepassage.registry.forms import (
    AddMemberForm,
    CaseSearchForm,
    MoveMemberForm,
    PersonCorrectionForm,
    StatusChangeForm,
)
from safepassage.registry.models import Case, Person, Status
from safepassage.service_errors import SERVICE_ERRORS, carry_out, carry_out_on_form, show_on_form


@staff_required
def home(request: StaffRequest) -> HttpResponse:
    """Each role starts on its own work: the first page of the menu it may open."""
    for capability, page in START_PAGES:
        if permissions.can(request.user, capability):
            return redirect(page)
    return render(request, "registry/home.html")


# In the order of the menu (templates/nav.html), but an auditor's work is the log, not the figures.
START_PAGES = (
    (permissions.VIEW_CASES, "registry:case-list"),
    (permissions.RESOLVE_DUPLICATES, "linkage:review-queue"),
    (permissions.IMPORT_FILES, "intake:import-list"),
    (permissions.MANAGE_FLIGHTS, "airlift:flight-list"),
    (permissions.BOARD_PASSENGERS, "airlift:gate-index"),
    (permissions.RESETTLE_CASES, "resettlement:overview"),
    (permissions.ANSWER_OFFERS, "resettlement:host"),
    (permissions.READ_AUDIT, "audit:log"),
    (permissions.VIEW_DASHBOARD, "dashboard:overview"),
    (permissions.READ_ENGAGEMENTS, "engagements:meeting-list"),
    (permissions.MANAGE_STAFF, "accounts:staff-list"),
)


@staff_required
def case_list(request: StaffRequest) -> HttpResponse:
    """Browse with GET (status and page only); search with POST, so no name lands in a URL."""
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    form = CaseSearchForm(request.POST or None)
    searched = request.method == "POST" and form.is_valid()
    if searched:
        # The next page is asked for by POST too: the words searched never land in a URL.
        page = selectors.search_cases(actor=request.user, text=form.cleaned_data["q"],
                                      page=request.POST.get("page"))
        cases: Any = page.object_list
    else:
        page = Paginator(selectors.case_list(actor=request.user, status=status), 50).get_page(
            request.GET.get("page")
        )
        cases = page.object_list
    return render(
        request,
        "registry/case_list.html",
        {"form": form, "cases": cases, "page": page, "searched": searched,
         "status": status, "statuses": Status.choices},
    )


@staff_required
def case_detail(request: StaffRequest, reference: str) -> HttpResponse:
    try:
        case_file = selectors.get_case_file(actor=request.user, reference=reference)
    except Case.DoesNotExist as exc:
        raise Http404 from exc
    moves = selectors.status_moves(actor=request.user, case=case_file.case)
    return render(
        request,
        "registry/case_detail.html",
        {"file": case_file, "case": case_file.case,
         "next_statuses": [(m.to_status, m.label) for m in moves if m.open],
         "closed_moves": [m for m in moves if not m.open],
         "overridable": [(m.to_status, m.label) for m in moves if m.overridable],
         "status_form": StatusChangeForm(),
         "can_correct": permissions.can(request.user, permissions.REVIEW_CASES)},
    )


@staff_required
@require_POST
def change_status(request: StaffRequest, reference: str) -> HttpResponse:
    return _move_case(request, reference, services.change_case_status)


@staff_required
@require_POST
def override_status(request: StaffRequest, reference: str) -> HttpResponse:
    """A supervisor forces an earned move without its fact, with a written reason."""
    return _move_case(request, reference, services.override_case_status)


class _CaseMove(Protocol):
    def __call__(self, *, actor: Actor, case: Case, to_status: str, reason: str) -> object: ...


def _move_case(request: StaffRequest, reference: str, move: _CaseMove) -> HttpResponse:
    """Both status forms: the same form, the same answers; only the service differs."""
    try:
        case = selectors.get_case(actor=request.user, reference=reference)
    except Case.DoesNotExist as exc:
        raise Http404 from exc
    form = StatusChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("registry:case-detail", reference=reference)
    carry_out(request, lambda: move(actor=request.user, case=case,
                                    to_status=form.cleaned_data["to_status"],
                                    reason=form.cleaned_data["reason"]),
              success=lambda moved: str(Status(case.status).label))  # the status it moved to
    return redirect("registry:case-detail", reference=reference)


# --------------------------------------------------------------------------------------------
# Corrections of people and households
# --------------------------------------------------------------------------------------------


def _member_or_404(request: StaffRequest, reference: str, person_id: int) -> tuple[Case, Person]:
    if not permissions.can(request.user, permissions.REVIEW_CASES):
        raise PermissionDenied
    try:
        return selectors.get_member(actor=request.user, reference=reference, person_id=person_id)
    except (Case.DoesNotExist, Person.DoesNotExist) as exc:
        raise Http404 from exc


@staff_required
@require_http_methods(["GET", "POST"])
def correct_person(request: StaffRequest, reference: str, person_id: int) -> HttpResponse:
    case, person = _member_or_404(request, reference, person_id)
    shown = PersonCorrectionForm.initial_for(person)
    form = PersonCorrectionForm(request.POST or None, initial=shown)
    move_form = MoveMemberForm()
    if request.method == "POST" and form.is_valid():
        try:
            done = services.correct_person(actor=request.user, person=person,
                                           changes=form.changes(),
                                           reason=form.cleaned_data["reason"])
        except SERVICE_ERRORS as error:
            show_on_form(form, error)
        else:
            if done:
                messages.success(request, _("Corrected: %(fields)s.") % {
                    "fields": ", ".join(str(form.fields[c.field].label) for c in done
                                        if c.field in form.fields)})
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("registry:case-detail", reference=reference)
    return render(request, "registry/correct_person.html", {
        "case": case, "person": person, "form": form, "move_form": move_form})


@staff_required
@require_POST
def confirm_latin_name(request: StaffRequest, reference: str, person_id: int) -> HttpResponse:
    _case, person = _member_or_404(request, reference, person_id)
    carry_out(request, lambda: services.confirm_latin_name(actor=request.user, person=person),
              success=lambda correction: _("Latin name confirmed: %(name)s.") % {
                  "name": person.latin_full_name})  # as the service read it again
    return redirect("registry:case-detail", reference=reference)


@staff_required
@require_POST
def move_or_remove_member(request: StaffRequest, reference: str, person_id: int) -> HttpResponse:
    """Move the person to the household they travel with, or (no reference given) to a case of
    their own."""
    case, person = _member_or_404(request, reference, person_id)
    form = MoveMemberForm(request.POST)
    if form.is_valid():
        target_reference = form.cleaned_data["to_reference"].strip()
        try:
            if target_reference:
                target = selectors.get_case(actor=request.user, reference=target_reference)
                services.move_member(actor=request.user, person=person, to_case=target,
                                     reason=form.cleaned_data["reason"])
                messages.success(request, _("Moved to %(reference)s.") % {
                    "reference": target.reference})
                return redirect("registry:case-detail", reference=reference)
            new_case = services.remove_member(actor=request.user, person=person,
                                              reason=form.cleaned_data["reason"])
            messages.success(request, _("Removed from the household; registered on their own "
                                        "as %(reference)s.") % {"reference": new_case.reference})
            return redirect("registry:case-detail", reference=reference)
        except Case.DoesNotExist:
            form.add_error("to_reference", _("No case has this reference. Check it and try "
                                             "again, or leave it empty to give the person a "
                                             "case of their own."))
        except SERVICE_ERRORS as error:
            show_on_form(form, error)
    return render(request, "registry/correct_person.html", {
        "case": case, "person": person, "move_form": form,
        "form": PersonCorrectionForm(initial=PersonCorrectionForm.initial_for(person))},
        status=400)


@staff_required
@require_http_methods(["GET", "POST"])
def add_member(request: StaffRequest, reference: str) -> HttpResponse:
    if not permissions.can(request.user, permissions.REVIEW_CASES):
        raise PermissionDenied
    try:
        case = selectors.get_case(actor=request.user, reference=reference)
    except Case.DoesNotExist as exc:
        raise Http404 from exc
    form = AddMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        added = carry_out_on_form(request, form, lambda: services.add_member(
            actor=request.user, case=case, values=values, reason=form.cleaned_data["reason"]),
            success=_("%(name)s added to the household.") % {"name": values["given_name"]})
        if added:
            return redirect("registry:case-detail", reference=reference)
    return render(request, "registry/add_member.html", {"case": case, "form": form})
