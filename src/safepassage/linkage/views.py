"""Staff pages of linkage: the review queue, one pair side by side, and the decisions on it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safepassage.accounts.decorators import StaffRequest, staff_required
from safepassage.linkage import selectors, services
from safepassage.linkage.models import TOGETHER, CandidatePair, PairStatus
from safepassage.service_errors import tell


@staff_required
def review_queue(request: StaffRequest) -> HttpResponse:
    status = request.GET.get("status", PairStatus.PENDING)
    if status not in PairStatus.values:
        status = PairStatus.PENDING
    pairs = selectors.review_queue(actor=request.user, status=status)
    page = Paginator(pairs, selectors.REVIEW_PAGE).get_page(request.GET.get("page"))
    rows = [(pair, selectors.strongest_reasons(pair)) for pair in page.object_list]
    return render(
        request, "linkage/review_queue.html",
        {"page": page, "rows": rows, "status": status, "statuses": PairStatus.choices,
         "costs": selectors.threshold_costs(actor=request.user)},
    )


@staff_required
def review_pair(request: StaffRequest, pair_id: int) -> HttpResponse:
    try:
        pair_file = selectors.get_pair_file(actor=request.user, pair_id=pair_id)
    except CandidatePair.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request, "linkage/review_pair.html",
        {"file": pair_file, "pair": pair_file.pair,
         "pending": pair_file.pair.status == PairStatus.PENDING,
         "merged": pair_file.pair.status in TOGETHER,
         "rejected": pair_file.pair.status == PairStatus.REJECTED},
    )


def _decide(request: StaffRequest, pair_id: int, action: str) -> HttpResponse:
    try:
        pair = CandidatePair.objects.get(pk=pair_id)
    except CandidatePair.DoesNotExist as exc:
        raise Http404 from exc
    user = request.user
    try:
        if action == "confirm":
            services.confirm_pair(actor=user, pair=pair)
            messages.success(request, _("Merged: the two records are now one person."))
        elif action == "reject":
            services.reject_pair(actor=user, pair=pair)
            messages.success(request, _("Kept apart: this pair will not be proposed again."))
        elif pair.status == PairStatus.REJECTED:
            services.undo_rejection(actor=user, pair=pair, reason=request.POST.get("reason", ""))
            messages.success(request, _("Undone: the pair waits for review again."))
        else:
            services.undo_merge(actor=user, pair=pair, reason=request.POST.get("reason", ""))
            messages.success(request, _("Merge undone: the two records are apart again."))
    except ValidationError as error:  # decided meanwhile, one household: PairDecisionError
        tell(request, error)
        return redirect("linkage:review-pair", pair_id=pair_id)
    if action == "undo":
        return redirect("linkage:review-pair", pair_id=pair_id)
    return redirect("linkage:review-queue")


@staff_required
@require_POST
def confirm(request: StaffRequest, pair_id: int) -> HttpResponse:
    return _decide(request, pair_id, "confirm")


@staff_required
@require_POST
def reject(request: StaffRequest, pair_id: int) -> HttpResponse:
    return _decide(request, pair_id, "reject")


@staff_required
@require_POST
def undo(request: StaffRequest, pair_id: int) -> HttpResponse:
    return _decide(request, pair_id, "undo")


@staff_required
def model_weights(request: StaffRequest) -> HttpResponse:
    return render(request, "linkage/model.html",
                  {"model": selectors.model_weights(actor=request.user)})


@staff_required
def review_family(request: StaffRequest, pair_id: int) -> HttpResponse:
    """Two registrations of one family: one decision for all their pending pairs, with a
    choice per member pair that overrides it."""
    if request.method == "POST":
        family = request.POST.get("family", "")
        decisions: dict[int, bool] = {}
        for key, value in request.POST.items():
            if key.startswith("member-") and key[7:].isdigit():
                choice = value if value in ("same", "different") else family
                if choice not in ("same", "different"):
                    messages.error(request, _(
                        "Choose for the whole family, or for each pair: same person or "
                        "different people."))
                    return redirect("linkage:review-family", pair_id=pair_id)
                decisions[int(key[7:])] = choice == "same"
        try:
            merged, apart = services.decide_family(actor=request.user, decisions=decisions)
        except ValidationError as error:
            tell(request, error)
            return redirect("linkage:review-family", pair_id=pair_id)
        messages.success(request, _("Family decided: %(merged)d merged, %(apart)d kept apart.")
                         % {"merged": merged, "apart": apart})
        return redirect("linkage:review-queue")
    try:
        family_file = selectors.get_family_file(actor=request.user, pair_id=pair_id)
    except CandidatePair.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "linkage/review_family.html", {"file": family_file})
