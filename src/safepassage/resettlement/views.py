"""Pages of resettlement: the overview, a flight's reconciliation, a household's file, and the
host's page. Each view parses, calls one service or selector, and renders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safepassage.accounts import permissions
from safepassage.accounts.decorators import StaffRequest, staff_required
from safepassage.airlift.models import Flight
from safepassage.registry.models import Case
from safepassage.resettlement import selectors, services
from safepassage.resettlement.forms import (
    HostForm,
    OutcomeFileForm,
    PlaceForm,
    ProgrammeForm,
    SiteForm,
)
from safepassage.resettlement.models import ArrivalRecord
from safepassage.service_errors import SERVICE_ERRORS, carry_out, carry_out_on_form, tell


def _flight(request: StaffRequest, flight_id: int) -> Flight:
    try:
        return selectors.flight_by_id(actor=request.user, flight_id=flight_id)
    except Flight.DoesNotExist as exc:
        raise Http404 from exc


def _case(request: StaffRequest, reference: str) -> Case:
    try:
        return selectors.case_by_reference(actor=request.user, reference=reference)
    except Case.DoesNotExist as exc:
        raise Http404 from exc


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@staff_required
def overview(request: StaffRequest) -> HttpResponse:
    user = request.user
    if not permissions.can(user, permissions.RESETTLE_CASES):
        if permissions.can(user, permissions.ANSWER_OFFERS):
            return redirect("resettlement:host")
        raise PermissionDenied
    return render(request, "resettlement/overview.html", {
        "figures": selectors.figures(),
        "stays": selectors.accommodation(),
        "flights": selectors.landed_or_departed_flights()[:30],
        "open_flights": (selectors.open_flights(actor=user)
                         if permissions.can(user, permissions.MANAGE_FLIGHTS) else []),
        "due": selectors.due_for_caseworker(actor=user),
        **selectors.overview_lists(actor=user),
    })


@staff_required
@require_POST
def run_batch(request: StaffRequest) -> HttpResponse:
    carry_out(request, lambda: services.run_batch(
        actor=request.user, week_of=_day(request.POST.get("week_of", ""))),
        success=lambda batch: _("Batch run. Households offered: %(n)s; left unplaced: %(u)s.")
        % {"n": batch.offers.count(), "u": len(batch.unplaced)})
    return redirect("resettlement:overview")


@staff_required
def reconciliation(request: StaffRequest, flight_id: int) -> HttpResponse:
    flight = _flight(request, flight_id)
    picture = selectors.reconciliation(actor=request.user, flight=flight)
    return render(request, "resettlement/reconciliation.html", {
        "picture": picture, "outcomes": [o for o in ArrivalRecord.Outcome.choices
                                         if o[0] != ArrivalRecord.Outcome.EXPECTED]})


@staff_required
@require_POST
def land(request: StaffRequest, flight_id: int) -> HttpResponse:
    flight = _flight(request, flight_id)
    carry_out(request, lambda: services.open_reconciliation(actor=request.user, flight=flight))
    return redirect("resettlement:flight", flight_id=flight.pk)


@staff_required
@require_POST
def capacity_before_travel(request: StaffRequest, flight_id: int) -> HttpResponse:
    permissions.require(request.user, permissions.MANAGE_FLIGHTS)
    flight = selectors.flight_for_setting(actor=request.user, flight_id=flight_id)
    if flight is None:
        raise Http404
    carry_out(request, lambda: services.set_capacity_before_travel(
        actor=request.user, flight=flight, required=request.POST.get("required") == "1"))
    if request.POST.get("back") == "flight":
        return redirect("airlift:flight-detail", flight_id=flight.pk)
    return redirect("resettlement:overview")


def _record(request: StaffRequest, record_id: int) -> ArrivalRecord:
    record = selectors.arrival_record(actor=request.user, record_id=record_id)
    if record is None:
        raise Http404
    return record


@staff_required
@require_POST
def record_arrival(request: StaffRequest, record_id: int) -> HttpResponse:
    record = _record(request, record_id)
    carry_out(request, lambda: services.record_arrival(
        actor=request.user, record=record, outcome=request.POST.get("outcome", "")))
    return redirect("resettlement:flight", flight_id=record.flight_id)


@staff_required
@require_POST
def decide(request: StaffRequest, record_id: int) -> HttpResponse:
    record = _record(request, record_id)
    carry_out(request, lambda: services.decide_discrepancy(
        actor=request.user, record=record, decision=request.POST.get("decision", "")))
    return redirect("resettlement:flight", flight_id=record.flight_id)


@staff_required
def case_file(request: StaffRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    return render(request, "resettlement/case.html", {
        "case": case, **selectors.case_page(actor=request.user, case=case)})


@staff_required
@require_POST
def check_in(request: StaffRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    site = selectors.site_by_id(actor=request.user, site_id=request.POST.get("site", ""))
    try:
        if site is None:
            raise ValidationError({"site": _("Choose a site.")})
        rooms = int(request.POST.get("rooms") or 1)
        open_stay = selectors.case_page(actor=request.user, case=case)["open_stay"]
        if open_stay is not None:
            services.move_household(actor=request.user, stay=open_stay, site=site, rooms=rooms)
        else:
            services.check_in(actor=request.user, case=case, site=site, rooms=rooms)
    except ValueError:
        messages.error(request, _("Rooms: write a whole number, for example 2."))
    except SERVICE_ERRORS as error:
        tell(request, error)
    return redirect("resettlement:case", reference=case.reference)


@staff_required
@require_POST
def check_out(request: StaffRequest, stay_id: int) -> HttpResponse:
    stay = selectors.stay_by_id(actor=request.user, stay_id=stay_id)
    if stay is None:
        raise Http404
    carry_out(request, lambda: services.check_out(actor=request.user, stay=stay))
    return redirect("resettlement:case", reference=stay.case.reference)


@staff_required
@require_POST
def override(request: StaffRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    place = selectors.place_by_id(actor=request.user, place_id=request.POST.get("place", ""))
    try:
        if place is None:
            raise ValidationError({"place": _("Choose a place.")})
        services.override_placement(actor=request.user, case=case, place=place,
                                    reason=request.POST.get("reason", ""))
    except SERVICE_ERRORS as error:
        tell(request, error)
    else:
        messages.success(request, _("Offered to %(p)s.") % {"p": place.name})
    return redirect("resettlement:case", reference=case.reference)


@staff_required
@require_POST
def milestone_done(request: StaffRequest, milestone_id: int) -> HttpResponse:
    milestone = selectors.milestone_by_id(actor=request.user, milestone_id=milestone_id)
    if milestone is None or not services.may_do(actor=request.user, milestone=milestone):
        raise Http404
    carry_out(request, lambda: services.complete_milestone(
        actor=request.user, milestone=milestone, note=request.POST.get("note", "")),
        success=_("Done: %(m)s.") % {"m": milestone.step.name})
    if permissions.can(request.user, permissions.RESETTLE_CASES):
        return redirect("resettlement:case", reference=milestone.case_file.case.reference)
    return redirect("resettlement:host")


@staff_required
def host(request: StaffRequest) -> HttpResponse:
    offers = list(selectors.offers_for_host(actor=request.user))
    files = {o.pk: selectors.case_file_for_host(actor=request.user, offer=o) for o in offers}
    return render(request, "resettlement/host.html", {
        "offers": [(o, files[o.pk]) for o in offers],
        "places": selectors.places_of(actor=request.user),
        "due": selectors.due_for_host(actor=request.user),
    })


@staff_required
@require_POST
def answer(request: StaffRequest, offer_id: int) -> HttpResponse:
    offer = selectors.offer_for_host(actor=request.user, offer_id=offer_id)
    accept = request.POST.get("answer") == "accept"
    carry_out(request, lambda: services.answer_offer(
        actor=request.user, offer=offer, accept=accept, reason=request.POST.get("reason", "")),
        success=_("Accepted.") if accept else _("Declined."))
    return redirect("resettlement:host")


@staff_required
@require_POST
def hold(request: StaffRequest, place_id: int) -> HttpResponse:
    place = selectors.places_of(actor=request.user).filter(pk=place_id).first()
    if place is None:
        raise Http404
    carry_out(request, lambda: services.hold_family(
        actor=request.user, place=place, reference=request.POST.get("reference", ""),
        reason=request.POST.get("reason", "")),
        success=_("The family is held for %(p)s.") % {"p": place.name})
    return redirect("resettlement:host")


@staff_required
def setup(request: StaffRequest) -> HttpResponse:
    """Sites, places, hosts and programmes: each form calls its service."""
    permissions.require(request.user, permissions.RESETTLE_CASES)
    which = request.POST.get("which", "") if request.method == "POST" else ""
    forms_: dict[str, Any] = {
        "site": SiteForm(request.POST if which == "site" else None, prefix="site"),
        "place": PlaceForm(request.POST if which == "place" else None, prefix="place"),
        "host": HostForm(request.POST if which == "host" else None, prefix="host"),
        "programme": ProgrammeForm(request.POST if which == "programme" else None,
                                   prefix="programme"),
    }
    form = forms_.get(which)
    if form is not None and form.is_valid():
        # _set_up answers with the sentence that says what it created
        set_up = carry_out_on_form(request, form, lambda: _set_up(request, which,
                                                                  form.cleaned_data),
                                   success=lambda said: said)
        if set_up:
            return redirect("resettlement:setup")
    return render(request, "resettlement/setup.html", {
        **forms_, "programmes": selectors.programmes(actor=request.user)})


def _set_up(request: StaffRequest, which: str, data: dict[str, Any]) -> str:
    user = request.user
    if which == "site":
        site = services.create_site(actor=user, **data)
        return _("Site %(s)s created.") % {"s": site.name}
    if which == "place":
        place = services.create_place(actor=user, **data)
        return _("Place %(p)s created.") % {"p": place.name}
    if which == "host":
        host = selectors.host_account(actor=user, username=data["username"])
        if host is None:
            raise ValidationError({"username": _("No host account has this user name; create "
                                                 "one with the host role first.")})
        services.add_host(actor=user, place=data["place"], user=host)
        return _("%(u)s now answers for %(p)s.") % {"u": host.username, "p": data["place"].name}
    programme = services.create_programme(
        actor=user, name=data["name"], is_default=data["is_default"],
        steps=[services.StepSpec(**step) for step in data["steps"]])
    return _("Programme %(p)s created.") % {"p": programme.name}


MOST_BYTES = 20 * 1024 * 1024  # an outcome file: past arrivals, a few columns a household


@staff_required
def outcome_model(request: StaffRequest) -> HttpResponse:
    """The outcome model in use, and a form to fit a new one from a CSV of past arrivals."""
    permissions.require(request.user, permissions.RESETTLE_CASES)
    form = OutcomeFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        text = None
        if upload.size > MOST_BYTES:
            form.add_error("file", _("The file is larger than 20 MB; split it and upload "
                                     "the parts one at a time."))
        else:
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                form.add_error("file", _("The file is not UTF-8 text; save it as CSV UTF-8 and "
                                         "upload it again."))
        if text is not None:
            fitted = carry_out_on_form(request, form, lambda: services.fit_outcome_model(
                actor=request.user, text=text, source_name=upload.name or ""),
                success=lambda model: _(
                    "Outcome model version %(v)s fitted on %(n)s rows (%(r)s lines rejected).")
                % {"v": model.version, "n": model.rows, "r": model.rejected_count})
            if fitted:
                return redirect("resettlement:outcome-model")
    return render(request, "resettlement/outcome_model.html", {
        "form": form, "model": selectors.latest_outcome_model(actor=request.user)})
