"""Supervisor pages for the rules (read, draft, edit, publish, import, re-score) and the case-page
actions of triage (record a circumstance, override one case). Thin: parse, call, redirect."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safepassage.accounts import permissions
from safepassage.accounts.decorators import StaffRequest, staff_required
from safepassage.registry import selectors as registry_selectors
from safepassage.registry.models import Case
from safepassage.service_errors import SERVICE_ERRORS, carry_out, tell
from safepassage.triage import selectors, services
from safepassage.triage.forms import (
    CircumstanceForm,
    ClearOverrideForm,
    ImportRulesForm,
    OverrideForm,
    RuleFormSet,
    RuleSetHeaderForm,
    rule_initial,
)
from safepassage.triage.models import Assessment, RuleSet
from safepassage.triage.rulebook import dump_rule_set

MAX_YAML_BYTES = 1_000_000


def _rule_set_or_404(request: StaffRequest, pk: int) -> RuleSet:
    try:
        return selectors.get_rule_set(actor=request.user, pk=pk)
    except RuleSet.DoesNotExist as exc:
        raise Http404 from exc


@staff_required
def rules_home(request: StaffRequest) -> HttpResponse:
    all_sets = list(selectors.rule_sets(actor=request.user))
    active = selectors.active_rule_set()
    return render(request, "triage/rules_home.html", {
        "active": active,
        "rules": list(active.rules.all()) if active else [],
        "versions": [s for s in all_sets if s.is_published],
        "drafts": [s for s in all_sets if not s.is_published],
        "outdated": selectors.cases_scored_under_older_rules(),
        "can_edit": permissions.can(request.user, permissions.EDIT_RULES),
        "import_form": ImportRulesForm(),
    })


@staff_required
def rule_set_detail(request: StaffRequest, pk: int) -> HttpResponse:
    rule_set = _rule_set_or_404(request, pk)
    can_edit = permissions.can(request.user, permissions.EDIT_RULES)
    rules = list(rule_set.rules.all())
    header = formset = None
    if can_edit and not rule_set.is_published:
        header = RuleSetHeaderForm(request.POST or None,
                                   initial={"name": rule_set.name, "notes": rule_set.notes})
        formset = RuleFormSet(request.POST or None, initial=[rule_initial(r) for r in rules],
                              prefix="rules")
        if request.method == "POST":
            if header.is_valid() and formset.is_valid():
                specs = [f.spec() for f in formset.forms
                         if f.cleaned_data and not f.cleaned_data.get("DELETE")]
                saved = carry_out(request, lambda: services.replace_draft_rules(
                    actor=request.user, draft=rule_set, name=header.cleaned_data["name"],
                    notes=header.cleaned_data["notes"], rules=specs),
                    success=_("Draft saved: %(n)s rules.") % {"n": len(specs)})
                if saved:
                    return redirect("triage:rule-set", pk=rule_set.pk)
            else:
                messages.error(request, _("Some rules need correcting: see the messages beside "
                                          "the fields below."))
    elif request.method == "POST":
        raise PermissionDenied
    active = selectors.active_rule_set()
    return render(request, "triage/rule_set.html", {
        "rule_set": rule_set, "rules": rules, "header": header, "formset": formset,
        "can_edit": can_edit, "is_active": active is not None and active.pk == rule_set.pk,
    })


@staff_required
@require_POST
def start_draft(request: StaffRequest, pk: int) -> HttpResponse:
    source = _rule_set_or_404(request, pk)
    try:
        draft = services.start_draft(actor=request.user, based_on=source)
    except PermissionDenied as error:
        tell(request, error)
        return redirect("triage:rules")
    return redirect("triage:rule-set", pk=draft.pk)


@staff_required
@require_POST
def publish(request: StaffRequest, pk: int) -> HttpResponse:
    draft = _rule_set_or_404(request, pk)
    published = carry_out(
        request, lambda: services.publish_rule_set(actor=request.user, draft=draft),
        success=lambda rule_set: _("Version %(v)s is now in force. Re-score all cases to apply "
                                   "it.") % {"v": rule_set.version})
    if published is None:
        return redirect("triage:rule-set", pk=draft.pk)
    return redirect("triage:rules")


@staff_required
@require_POST
def activate(request: StaffRequest, pk: int) -> HttpResponse:
    rule_set = _rule_set_or_404(request, pk)
    carry_out(request, lambda: services.activate_rule_set(actor=request.user, rule_set=rule_set),
              success=_("Version %(v)s is in force again. Re-score all cases to apply it.")
              % {"v": rule_set.version})
    return redirect("triage:rules")


@staff_required
def export_yaml(request: StaffRequest, pk: int) -> HttpResponse:
    rule_set = _rule_set_or_404(request, pk)
    text = dump_rule_set(name=rule_set.name, notes=rule_set.notes,
                         rules=[r.spec() for r in rule_set.rules.all()])
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rules-{rule_set}.yaml"'.replace(
        " ", "-")
    return response


@staff_required
@require_POST
def import_yaml(request: StaffRequest) -> HttpResponse:
    form = ImportRulesForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a YAML file of rules to import."))
        return redirect("triage:rules")
    upload = form.cleaned_data["file"]
    if upload.size > MAX_YAML_BYTES:
        messages.error(request, _("The file is larger than 1 MB; a rule set is a few kilobytes."))
        return redirect("triage:rules")
    try:
        text = upload.read().decode("utf-8")
        draft = services.import_rule_set(actor=request.user, text=text)
    except UnicodeDecodeError:
        messages.error(request, _("The file is not UTF-8 text; save it as UTF-8 and try again."))
        return redirect("triage:rules")
    except SERVICE_ERRORS as error:  # a RuleSetError lists every problem of the file
        tell(request, error, prefix=_("Nothing was imported."))
        return redirect("triage:rules")
    messages.success(request, _("Imported as a draft with %(n)s rules: check it, then publish.")
                     % {"n": draft.rules.count()})
    return redirect("triage:rule-set", pk=draft.pk)


@staff_required
@require_POST
def rescore(request: StaffRequest) -> HttpResponse:
    carry_out(request, lambda: services.rescore_cases(actor=request.user),
              success=lambda summary: str(summary))
    return redirect("triage:rules")


def _case_or_404(request: StaffRequest, reference: str) -> Case:
    try:
        return registry_selectors.get_case(actor=request.user, reference=reference)
    except Case.DoesNotExist as exc:
        raise Http404 from exc


@staff_required
@require_POST
def circumstance(request: StaffRequest, reference: str) -> HttpResponse:
    case = _case_or_404(request, reference)
    form = CircumstanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a circumstance from the list."))
        return redirect("registry:case-detail", reference=reference)

    def save() -> Case:
        if request.POST.get("remove"):
            return services.remove_circumstance(actor=request.user, case=case,
                                                code=form.cleaned_data["code"])
        return services.record_circumstance(actor=request.user, case=case,
                                            code=form.cleaned_data["code"],
                                            note=form.cleaned_data["note"])

    carry_out(request, save, success=_("Circumstances saved and the case re-scored."))
    return redirect("registry:case-detail", reference=reference)


@staff_required
@require_POST
def override(request: StaffRequest, reference: str) -> HttpResponse:
    case = _case_or_404(request, reference)
    clearing = bool(request.POST.get("clear"))
    form: Any = ClearOverrideForm(request.POST) if clearing else OverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(f"{form.fields[name].label}: {e}"
                                          for name, errs in form.errors.items() for e in errs))
        return redirect("registry:case-detail", reference=reference)

    def save() -> Assessment:
        if clearing:
            return services.clear_override(actor=request.user, case=case,
                                           reason=form.cleaned_data["reason"])
        return services.override_case(actor=request.user, case=case,
                                      eligible=form.eligible_value(),
                                      priority=form.cleaned_data["priority"],
                                      reason=form.cleaned_data["reason"])

    carry_out(request, save, success=_("Override cleared: the rules decide again.") if clearing
              else _("Override saved."))
    return redirect("registry:case-detail", reference=reference)
