"""Staff pages of the registry: the case list with search, and the case file."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from safepassage.accounts import permissions
from safepassage.accounts.decorators import StaffRequest, staff_required
from safepassage.registry import selectors, services
from safepassage.registry.forms import CaseSearchForm, StatusChangeForm
from safepassage.registry.models import Case, Status
from safepassage.service_errors import SERVICE_ERRORS, tell


@staff_required
def home(request: StaffRequest) -> HttpResponse:
    user = request.user
    if permissions.can(user, permissions.VIEW_CASES):
        return redirect("registry:case-list")
    return render(request, "registry/home.html")


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
         "status_form": StatusChangeForm()},
    )


@staff_required
@require_POST
def change_status(request: StaffRequest, reference: str) -> HttpResponse:
    try:
        case = selectors.get_case(actor=request.user, reference=reference)
    except Case.DoesNotExist as exc:
        raise Http404 from exc
    form = StatusChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("registry:case-detail", reference=reference)
    try:
        services.change_case_status(
            actor=request.user, case=case, to_status=form.cleaned_data["to_status"],
            reason=form.cleaned_data["reason"],
        )
    except SERVICE_ERRORS as error:
        tell(request, error)
    else:
        messages.success(request, Status(case.status).label)
    return redirect("registry:case-detail", reference=reference)


@staff_required
@require_POST
def override_status(request: StaffRequest, reference: str) -> HttpResponse:
    """A supervisor forces an earned move without its fact, with a written reason."""
    try:
        case = selectors.get_case(actor=request.user, reference=reference)
    except Case.DoesNotExist as exc:
        raise Http404 from exc
    form = StatusChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("registry:case-detail", reference=reference)
    try:
        services.override_case_status(
            actor=request.user, case=case, to_status=form.cleaned_data["to_status"],
            reason=form.cleaned_data["reason"],
        )
    except SERVICE_ERRORS as error:
        tell(request, error)
    else:
        messages.success(request, Status(case.status).label)
    return redirect("registry:case-detail", reference=reference)
