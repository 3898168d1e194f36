"""Pages of the diplomatic log: the list with search, a meeting, a subject's timeline."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safepassage.accounts import permissions
from safepassage.accounts.decorators import StaffRequest, staff_required
from safepassage.engagements import selectors, services
from safepassage.engagements.forms import MeetingForm, SearchForm
from safepassage.engagements.models import FollowUp, Kind, Meeting, Subject
from safepassage.service_errors import carry_out_on_form


@staff_required
def meeting_list(request: StaffRequest) -> HttpResponse:
    """Browse with GET; search with POST, so the words searched stay out of URLs and logs."""
    form = SearchForm(request.POST or None)
    searched = request.method == "POST" and form.is_valid()
    if searched:
        meetings = selectors.search_meetings(actor=request.user, text=form.cleaned_data["q"])
    else:
        meetings = list(selectors.meeting_list(actor=request.user))
    subjects = selectors.subjects_with_counts(actor=request.user)
    return render(request, "engagements/meeting_list.html", {
        "form": form, "meetings": meetings, "searched": searched,
        "subjects": subjects, "kinds": Kind.choices,
        "follow_ups": selectors.open_follow_ups(actor=request.user)[:50],
        "may_log": permissions.can(request.user, permissions.LOG_ENGAGEMENTS),
    })


@staff_required
def new_meeting(request: StaffRequest) -> HttpResponse:
    if not permissions.can(request.user, permissions.LOG_ENGAGEMENTS):
        raise PermissionDenied
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = carry_out_on_form(
            request, form, lambda: services.record_meeting(actor=request.user,
                                                           **form.service_arguments()),
            success=_("Meeting recorded."))
        if meeting:
            return redirect("engagements:meeting", pk=meeting.result.pk)
    return render(request, "engagements/meeting_form.html", {"form": form})


@staff_required
def meeting_detail(request: StaffRequest, pk: int) -> HttpResponse:
    try:
        meeting = selectors.get_meeting(actor=request.user, pk=pk)
    except Meeting.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "engagements/meeting_detail.html", {
        "meeting": meeting,
        "by_kind": [(label, [s for s in meeting.subjects.all() if s.kind == kind])
                    for kind, label in Kind.choices],
        "may_log": permissions.can(request.user, permissions.LOG_ENGAGEMENTS),
    })


@staff_required
def subject_timeline(request: StaffRequest, pk: int) -> HttpResponse:
    try:
        history = selectors.subject_history(actor=request.user, pk=pk)
    except Subject.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "engagements/subject_timeline.html", {"history": history})


@staff_required
@require_POST
def follow_up_done(request: StaffRequest, pk: int) -> HttpResponse:
    permissions.require(request.user, permissions.LOG_ENGAGEMENTS)
    follow_up = get_object_or_404(FollowUp, pk=pk)
    services.mark_follow_up_done(actor=request.user, follow_up=follow_up)
    messages.success(request, _("Follow-up marked done."))
    return redirect("engagements:meeting", pk=follow_up.meeting_id)
