"""The auditor's page: the trail filtered by actor, case, action and dates, paged, exported as
CSV, with the result of walking every hash chain."""

from __future__ import annotations

import json
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from safepassage.accounts import permissions
from safepassage.accounts.decorators import StaffRequest, staff_required
from safepassage.audit import selectors, services
from safepassage.audit.forms import AuditFilterForm
from safepassage.protection.spreadsheet_cells import SpreadsheetSafeWriter

PER_PAGE = 50
# Walking every chain reads the whole trail: its result is kept a few minutes, and the auditor
# can ask for a fresh walk.
CHAIN_CHECK_KEY, CHAIN_CHECK_SECONDS = "audit:chain-check", 300
EXPORT_COLUMNS = ["at", "actor", "action", "object_type", "object_id", "details", "lane", "seq",
                  "hash"]


def _filters(request: StaffRequest) -> tuple[AuditFilterForm, selectors.AuditFilter]:
    form = AuditFilterForm(request.GET or None)
    if not form.is_valid():
        return form, selectors.AuditFilter()
    data = form.cleaned_data
    return form, selectors.AuditFilter(actor=data["actor"], case=data["case"],
                                       action=data["action"], since=data["since"],
                                       until=data["until"])


@staff_required
@require_GET
def audit_log(request: StaffRequest) -> HttpResponse:
    if not permissions.can(request.user, permissions.READ_AUDIT):
        raise PermissionDenied
    form, filters = _filters(request)
    entries = selectors.search_entries(actor=request.user, filters=filters)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    services.record(actor=request.user, action="audit.read", object_type="audit",
                    details={**filters.as_details(), "page": page.number})
    check = cache.get(CHAIN_CHECK_KEY) if "verify" not in request.GET else None
    if check is None:
        check = selectors.check_chain(actor=request.user)
        cache.set(CHAIN_CHECK_KEY, check, CHAIN_CHECK_SECONDS)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("verify", None)
    return render(request, "audit/audit_log.html", {
        "form": form, "page": page, "entries": page.object_list, "check": check,
        "query": query.urlencode(), "actions": selectors.actions_recorded(actor=request.user),
    })


@staff_required
@require_GET
def audit_export(request: StaffRequest) -> HttpResponse:
    if not permissions.can(request.user, permissions.READ_AUDIT):
        raise PermissionDenied
    _form, filters = _filters(request)
    entries = selectors.search_entries(actor=request.user, filters=filters)
    services.record(actor=request.user, action="audit.exported", object_type="audit",
                    details=filters.as_details())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    response.write("\ufeff")  # so that Excel reads the file as UTF-8
    writer = SpreadsheetSafeWriter(response)
    writer.writerow(EXPORT_COLUMNS)
    for entry in entries.iterator(chunk_size=2000):
        writer.writerow([neutralise_cell(v) for v in (
            entry.at.isoformat(), entry.actor, entry.action, entry.object_type, entry.object_id,
            entry.details, entry.lane, entry.seq, entry.hash)])
    return response


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection, OWASP).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise_cell(value: Any) -> str:
    """The value as text a spreadsheet shows and never runs: a leading quote before a formula.

    Kept here until `safepassage.protection` offers the project's own helper (decision 0083)."""
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    else:
        text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text
