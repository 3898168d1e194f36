"""The operations dashboard, its CSV exports, commitments and the PDF situation report."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from safepassage.accounts import permissions
from safepassage.accounts.decorators import StaffRequest, staff_required
from safepassage.dashboard import charts, selectors, services
from safepassage.dashboard.exports import TABLES, export_table
from safepassage.dashboard.forms import AsOfForm, CommitmentForm
from safepassage.dashboard.sitrep import build_situation_report
from safepassage.messaging import inbox
from safepassage.protection.spreadsheet_cells import SpreadsheetSafeWriter
from safepassage.service_errors import carry_out_on_form


def _as_of(request: HttpRequest) -> tuple[AsOfForm, dt.date | None]:
    form = AsOfForm(request.GET or None)
    return form, (form.cleaned_data["date"] if form.is_valid() else None)


@staff_required
def overview(request: StaffRequest) -> HttpResponse:
    form, as_of = _as_of(request)
    picture = selectors.operations_picture(actor=request.user, as_of=as_of)
    labels = {key: str(label) for key, label, _s in selectors.STAGES}
    shown = ["registered", "approved", "boarded", "resettled"]  # nested, so drawn overlaid

    def nested(rows: list[selectors.Breakdown], title: str) -> SafeString:
        return charts.nested_bars(
            [(b.label, [(labels[k], b.people.get(k, 0)) for k in shown]) for b in rows],
            title=title,
        )

    context = {
        "picture": picture,
        "after_the_flight": selectors.after_the_flight(actor=request.user, as_of=as_of),
        "as_of_form": form,
        "funnel_chart": charts.horizontal_bars(
            [(r.label, r.people) for r in picture.funnel], title=_("Pipeline funnel (people)"),
            note={r.label: r.note for r in picture.funnel if r.note}),
        "category_chart": nested(picture.categories, _("People by category and stage")),
        "organisation_chart": nested(picture.organisations,
                                     _("People by referring organisation and stage")),
        "daily_chart": charts.daily_columns(picture.registrations,
                                            title=_("Registrations per day (cases)")),
        "flights_chart": charts.nested_bars(
            [(f.label, [(_("Offered"), f.offered), (_("Used"), f.used)])
             for f in picture.flights],
            title=_("Seats offered and used per flight")) if picture.flights else None,
        "left_behind_chart": charts.horizontal_bars(
            [(label, n) for label, n, _ns in picture.left_behind],
            title=_("People left behind, by category")) if picture.left_behind else None,
        "burn_ups": [
            (p, charts.burn_up(p.burn_up, target=p.commitment.target, title=p.commitment.title,
                               start=p.commitment.announced_on, deadline=p.commitment.deadline,
                               projected=p.projected, as_of=p.as_of))
            for p in picture.commitments
        ],
        "may_manage_commitments": permissions.can(request.user, permissions.MANAGE_COMMITMENTS),
        # Live, not from the cached picture: an unread inbox is how 2021 failed.
        "inbox": inbox.inbox_figures(actor=request.user),
        "may_answer": permissions.can(request.user, permissions.ANSWER_MESSAGES),
        "now": timezone.now(),
    }
    return render(request, "dashboard/overview.html", context)


@staff_required
def export_csv(request: StaffRequest, chart: str) -> HttpResponse:
    if chart not in TABLES:
        raise Http404
    _form, as_of = _as_of(request)
    header, hxl, rows = export_table(actor=request.user, chart=chart, as_of=as_of)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="safepassage-{chart}-{stamp}.csv"'
    writer = SpreadsheetSafeWriter(response)
    writer.writerow(header)
    writer.writerow(hxl)
    writer.writerows(rows)
    return response


@staff_required
def new_commitment(request: StaffRequest) -> HttpResponse:
    if not permissions.can(request.user, permissions.MANAGE_COMMITMENTS):
        raise PermissionDenied
    form = CommitmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        recorded = carry_out_on_form(
            request, form, lambda: services.record_commitment(actor=request.user,
                                                              **form.cleaned_data),
            success=_("Commitment recorded."))
        if recorded:
            return redirect("dashboard:overview")
    return render(request, "dashboard/commitment_form.html", {"form": form})


@staff_required
def situation_report(request: StaffRequest) -> HttpResponse:
    _form, day = _as_of(request)
    day = day or timezone.localdate()
    pdf = build_situation_report(actor=request.user, day=day)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="safepassage-sitrep-{day.isoformat()}.pdf"'
    )
    return response

