"""Pages of the airlift officer (flights, plans, manifests) and of the gate agent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safepassage.accounts import permissions
from safepassage.accounts.decorators import StaffRequest, staff_required
from safepassage.airlift import exports, selectors, services
from safepassage.airlift.forms import DelayForm, FlightForm, SeatsForm
from safepassage.airlift.models import READINESS_FACTS, Flight, FlightStatus, PlanRun, Seat
from safepassage.airlift.paxlst import PaxlstError
from safepassage.credentials.verifier_page import VENDOR
from safepassage.registry import selectors as registry_selectors
from safepassage.registry.models import Case
from safepassage.service_errors import (
    SERVICE_ERRORS,
    carry_out,
    carry_out_on_form,
    error_messages,
    tell,
)


def _flight_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Look the flight up for the acting user (404 if unknown) and turn a refused or invalid
    action into a message on the page it came from, never an error page."""

    @wraps(view)
    def wrapper(request: StaffRequest, flight_id: int) -> HttpResponse:
        try:
            flight = selectors.get_flight(actor=request.user, flight_id=flight_id)
        except Flight.DoesNotExist as exc:
            raise Http404 from exc
        return view(request, flight)

    return staff_required(wrapper)


@staff_required
def flight_list(request: StaffRequest) -> HttpResponse:
    user = request.user
    permissions.require(user, permissions.MANAGE_FLIGHTS)
    form = FlightForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = carry_out_on_form(
            request, form, lambda: services.create_flight(actor=user, **form.cleaned_data),
            success=lambda flight: _("Flight %(code)s created.") % {"code": flight.code})
        if created:
            return redirect("airlift:flight-list")
    return render(request, "airlift/flight_list.html", {
        "flights": selectors.flights_for(actor=user),
        "form": form,
        "latest": selectors.latest_plan(actor=user),
        "seats_lost": selectors.households_needing_seat(actor=user),
    })


@staff_required
@require_POST
def plan(request: StaffRequest) -> HttpResponse:
    run = services.plan_manifests(actor=request.user)
    messages.success(request, _("Plan made: %(n)s households placed.")
                     % {"n": run.households_placed})
    return redirect("airlift:plan-detail", plan_id=run.pk)


@staff_required
def plan_detail(request: StaffRequest, plan_id: int) -> HttpResponse:
    try:
        run = selectors.get_plan(actor=request.user, plan_id=plan_id)
    except PlanRun.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "airlift/plan_detail.html", {"run": run})


@_flight_view
def flight_detail(request: StaffRequest, flight: Flight) -> HttpResponse:
    manifest = selectors.flight_manifest(actor=request.user, flight=flight)
    return render(request, "airlift/flight_detail.html", {
        "flight": flight, "manifest": manifest, "delay_form": DelayForm(),
        "seats_form": SeatsForm(initial={"seats": flight.seats}),
        "statuses": FlightStatus,
    })


@_flight_view
@require_POST
def boarding_passes(request: StaffRequest, flight: Flight) -> HttpResponse:
    carry_out(request, lambda: services.issue_boarding_passes(actor=request.user, flight=flight),
              success=lambda done: _("Boarding passes issued to %(n)s households (%(held)s "
                                     "already had one); each was told by message.")
              % {"n": done.issued, "held": done.already_held})
    return redirect("airlift:flight-detail", flight_id=flight.pk)


def _change_and_replan(request: StaffRequest, flight: Flight,
                       change: Callable[[], PlanRun]) -> HttpResponse:
    """Apply a change to a flight (it re-plans the households it affects) and show the moves,
    or say on the flight's page why the change was refused."""
    replanned = carry_out(request, change, success=lambda run: _(
        "Re-planned: %(n)s households changed flight.") % {"n": len(run.moves)})
    if replanned is None:
        return redirect("airlift:flight-detail", flight_id=flight.pk)
    return redirect("airlift:plan-detail", plan_id=replanned.result.pk)


@_flight_view
@require_POST
def cancel(request: StaffRequest, flight: Flight) -> HttpResponse:
    return _change_and_replan(
        request, flight, lambda: services.cancel_flight(actor=request.user, flight=flight))


@_flight_view
@require_POST
def delay(request: StaffRequest, flight: Flight) -> HttpResponse:
    form = DelayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("New departure: give a date and time, e.g. 2021-08-24 14:30."))
        return redirect("airlift:flight-detail", flight_id=flight.pk)
    return _change_and_replan(request, flight, lambda: services.delay_flight(
        actor=request.user, flight=flight, departs_at=form.cleaned_data["departs_at"]))


@_flight_view
@require_POST
def seats(request: StaffRequest, flight: Flight) -> HttpResponse:
    form = SeatsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Seats: give a whole number from 0 to 2000."))
        return redirect("airlift:flight-detail", flight_id=flight.pk)
    return _change_and_replan(request, flight, lambda: services.change_seats(
        actor=request.user, flight=flight, seats=form.cleaned_data["seats"]))


@_flight_view
@require_POST
def flight_status(request: StaffRequest, flight: Flight) -> HttpResponse:
    status = request.POST.get("status", "")
    if status not in FlightStatus.values:
        messages.error(request, _("Choose boarding or departed."))
    else:
        carry_out(request, lambda: services.set_flight_status(
            actor=request.user, flight=flight, status=status))
    return redirect("airlift:flight-detail", flight_id=flight.pk)


@_flight_view
@require_POST
def landed(request: StaffRequest, flight: Flight) -> HttpResponse:
    carry_out(request, lambda: services.record_landing(actor=request.user, flight=flight),
              success=lambda landing: _("%(f)s landed: %(n)s households arrived.")
              % {"f": flight.code, "n": landing.arrived})
    return redirect("airlift:flight-detail", flight_id=flight.pk)


@_flight_view
@require_POST
def assign_seat(request: StaffRequest, flight: Flight) -> HttpResponse:
    reference = request.POST.get("reference", "").strip().upper()
    try:
        case = registry_selectors.get_case(actor=request.user, reference=reference)
    except Case.DoesNotExist:
        messages.error(request, _("No case %(ref)s: check the reference.") % {"ref": reference})
        return redirect("airlift:flight-detail", flight_id=flight.pk)
    carry_out(request, lambda: services.assign_seat(actor=request.user, case=case, flight=flight),
              success=_("%(ref)s has a seat on %(f)s and was told.")
              % {"ref": case.reference, "f": flight.code})
    return redirect("airlift:flight-detail", flight_id=flight.pk)


@_flight_view
def manifest_csv(request: StaffRequest, flight: Flight) -> HttpResponse:
    manifest = selectors.flight_manifest(actor=request.user, flight=flight, purpose="csv")
    response = HttpResponse(exports.manifest_csv(manifest), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="manifest-{flight.code}.csv"'
    return response


@_flight_view
def manifest_paxlst(request: StaffRequest, flight: Flight) -> HttpResponse:
    manifest = selectors.flight_manifest(actor=request.user, flight=flight, purpose="paxlst")
    try:
        text = exports.manifest_paxlst(flight, manifest, prepared_at=timezone.now())
    except PaxlstError as error:
        messages.error(request, _(
            "Border agencies require a birth date for every passenger: record one (a year is "
            "enough) for the people of %(refs)s, then download the PAXLST message again."
        ) % {"refs": ", ".join(error.references)})
        return redirect("airlift:flight-detail", flight_id=flight.pk)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="paxlst-{flight.code}.edi"'
    return response


@_flight_view
def manifest_pdf(request: StaffRequest, flight: Flight) -> HttpResponse:
    manifest = selectors.flight_manifest(actor=request.user, flight=flight, purpose="pdf")
    response = HttpResponse(exports.manifest_pdf(flight, manifest), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="manifest-{flight.code}.pdf"'
    return response


@staff_required
def gate_index(request: StaffRequest) -> HttpResponse:
    flights = selectors.flights_for(actor=request.user).exclude(
        status__in=[FlightStatus.CANCELLED, FlightStatus.DEPARTED, FlightStatus.LANDED]
    )
    return render(request, "airlift/gate_index.html", {"flights": flights})


def _gate_text() -> dict[str, str]:
    """The gate page's script speaks the user's language."""
    return {
        "boarded": _("Boarded"), "no_show": _("No-show"), "unmarked": _("Not marked"),
        "undo": _("Undo"), "confirm": _("Confirm"), "cancel": _("Cancel"),
        "confirm_boarded": _("Mark %(name)s boarded?"),
        "confirm_no_show": _("Mark %(name)s no-show?"),
        "waiting": _("%(n)s marks wait on this device and will be sent when the network returns."),
        "failed": _("Not recorded; reload the gate page."),
        "offline_found": _("No network: this household is on this flight's list (the pass "
                           "itself was not checked)."),
        "offline_unknown": _("No network, and no household with this reference on this flight."),
        "nocamera": _("No camera available: type the case reference."),
    }


@_flight_view
def gate(request: StaffRequest, flight: Flight) -> HttpResponse:
    user = request.user
    can_fill = permissions.can(user, permissions.MANAGE_FLIGHTS)
    return render(request, "airlift/gate.html", {
        "flight": flight, "rows": selectors.gate_list(actor=user, flight=flight),
        "households": selectors.gate_households(actor=user, flight=flight),
        "closed": flight.status in services.GATE_CLOSED, "gate_text": _gate_text(),
        "free": services.free_seats(flight), "can_fill": can_fill,
        "standby": services.standby_cases(flight)[:20] if can_fill else [],
    })


@_flight_view
@require_POST
def gate_record(request: StaffRequest, flight: Flight) -> HttpResponse:
    try:
        seat = Seat.objects.select_related("case", "flight").get(
            pk=int(request.POST.get("seat", "0")), flight=flight
        )
    except (Seat.DoesNotExist, ValueError):
        messages.error(request, _("That household is not on this flight; reload the list."))
        return redirect("airlift:gate", flight_id=flight.pk)
    carry_out(request, lambda: services.record_gate(
        actor=request.user, seat=seat, event=request.POST.get("event", "")),
        success=lambda recorded: _("%(ref)s: %(event)s.")
        % {"ref": seat.case.reference, "event": seat.get_gate_display()})
    return redirect("airlift:gate", flight_id=flight.pk)


JSQR_SOURCE = VENDOR / "jsQR.js"

VERDICTS = {
    selectors.FOR_THIS_FLIGHT: _("Valid for this flight"),
    selectors.NOT_THIS_FLIGHT: _("Not for this flight"),
    selectors.REVOKED: _("Revoked: do not board on this pass"),
    selectors.FORGED: _("Forged or unreadable: not a pass we issued"),
    selectors.EXPIRED: _("Expired: do not board on this pass"),
}


@_flight_view
@require_POST
def gate_check(request: StaffRequest, flight: Flight) -> HttpResponse:
    """The verdict on a scanned pass or a typed reference, as JSON for the gate page."""
    try:
        result, reference, seat = selectors.gate_verdict(
            actor=request.user, flight=flight, text=request.POST.get("text", "")[:4000])
    except SERVICE_ERRORS as error:
        return _json_error(error)
    return JsonResponse({"verdict": result, "label": str(VERDICTS[result]),
                         "reference": reference, "seat": seat})


def _json_error(error: Exception) -> JsonResponse:
    status = 403 if isinstance(error, PermissionDenied) else 400
    text = (" ".join(error_messages(error)) if isinstance(error, SERVICE_ERRORS)
            else _("Reload the gate page and try again."))
    return JsonResponse({"error": text}, status=status)


def _seat_on(flight: Flight, value: object) -> Seat | None:
    try:
        return Seat.objects.select_related("case", "flight").get(pk=int(str(value)),
                                                                  flight=flight)
    except (Seat.DoesNotExist, ValueError):
        return None


@_flight_view
@require_POST
def gate_mark(request: StaffRequest, flight: Flight) -> HttpResponse:
    """One member's mark, sent by the gate page (now, or later from the device's queue)."""
    seat = _seat_on(flight, request.POST.get("seat", ""))
    if seat is None:
        return JsonResponse({"error": _("That household is not on this flight; reload the "
                                         "gate page.")}, status=400)
    try:
        person = int(request.POST.get("person", ""))
    except ValueError:
        return JsonResponse({"error": _("No member given; reload the gate page.")}, status=400)
    try:
        result = services.mark_member(actor=request.user, seat=seat, person_id=person,
                                      mark=request.POST.get("mark", ""),
                                      key=request.POST.get("key", ""))
    except SERVICE_ERRORS as error:
        return _json_error(error)
    return JsonResponse({"mark": result.mark.mark, "created": result.created,
                         "key": result.mark.key}, status=201 if result.created else 200)


@_flight_view
@require_POST
def gate_undo(request: StaffRequest, flight: Flight) -> HttpResponse:
    seat = _seat_on(flight, request.POST.get("seat", ""))
    if seat is None:
        return JsonResponse({"error": _("That household is not on this flight; reload the "
                                         "gate page.")}, status=400)
    try:
        services.undo_mark(actor=request.user, seat=seat, key=request.POST.get("key", ""))
    except SERVICE_ERRORS as error:
        return _json_error(error)
    return JsonResponse({"undone": True})


@staff_required
def gate_qr_decoder(request: StaffRequest) -> HttpResponse:
    """jsQR, the decoder the offline verifier already carries (credentials/vendor), for phones
    whose browser has no BarcodeDetector; served from here, never from a CDN."""
    response = HttpResponse(JSQR_SOURCE.read_text(), content_type="text/javascript")
    response["Cache-Control"] = "private, max-age=86400"
    return response


@_flight_view
@require_POST
def standby_fill(request: StaffRequest, flight: Flight) -> HttpResponse:
    carry_out(request, lambda: services.fill_from_standby(actor=request.user, flight=flight),
              success=lambda filled: _("%(n)s stand-by households given seats.")
              % {"n": len(filled)})
    return redirect("airlift:gate", flight_id=flight.pk)


def _date_or_none(text: str) -> dt.datetime | None:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_current_timezone())


@staff_required
@require_POST
def readiness(request: StaffRequest, reference: str) -> HttpResponse:
    """The readiness card of the case page: every fact at once."""
    try:
        case = registry_selectors.get_case(actor=request.user, reference=reference)
    except Case.DoesNotExist as exc:
        raise Http404 from exc
    post = request.POST
    try:
        documents = [int(v) for v in post.getlist("document")]
        extra = int(post.get("extra_seats") or 0)
    except ValueError:
        messages.error(request, _("Extra seats: a whole number from 0 to 9."))
        return redirect("registry:case-detail", reference=reference)
    carry_out(request, lambda: services.set_readiness(
        actor=request.user, case=case, ready_at=_date_or_none(post.get("ready_from", "")),
        extra_seats=extra, documents_checked=documents,
        medical_needed="medical_needed" in post, medical_cleared="medical_cleared" in post,
        assembly_point=post.get("assembly_point", ""), consent="consent" in post),
        success=lambda done: _("Readiness recorded: ready to fly.") if done.complete
        else _("Readiness recorded; some facts are still missing."))
    return redirect("registry:case-detail", reference=reference)


@staff_required
def readiness_list(request: StaffRequest) -> HttpResponse:
    """Approved households not ready yet, filtered by the fact they lack; facts for the chosen
    ones at once, or a CSV upload answered with a row-by-row report."""
    user = request.user
    missing = request.GET.get("missing", "")
    if missing not in READINESS_FACTS:
        missing = ""
    report: list[services.ReadinessRow] = []
    if request.method == "POST":
        try:
            upload = request.FILES.get("file")
            if upload is not None:
                report = services.record_readiness_rows(actor=user, data=upload.read())
            else:
                report = services.add_readiness_facts(
                    actor=user, references=request.POST.getlist("case"),
                    all_documents="all_documents" in request.POST,
                    consent="consent" in request.POST,
                    assembly_point=request.POST.get("assembly_point", ""))
        except SERVICE_ERRORS as error:
            tell(request, error)
    return render(request, "airlift/readiness_list.html", {
        "rows": selectors.households_to_ready(actor=user, missing=missing),
        "missing": missing, "facts": READINESS_FACTS.items(), "report": report,
        "columns": ",".join(services.READINESS_COLUMNS),
    })
