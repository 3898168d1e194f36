"""The staff pages: a supervisor reads and edits the rules; each case page shows why it has its
eligibility and priority; caseworkers record circumstances; partners see none of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from safepassage.accounts import permissions
from safepassage.accounts.models import Role
from safepassage.registry.models import Case
from safepassage.triage import selectors, services
from safepassage.triage.facts import Circumstance
from safepassage.triage.models import RuleSet


def _formset_data(rule_set: RuleSet, **changes: dict[str, Any]) -> dict[str, Any]:
    """The edit form as the browser would post it, with some rules changed (by label)."""
    rules = list(rule_set.rules.all())
    data: dict[str, Any] = {"name": rule_set.name, "notes": rule_set.notes,
                            "rules-TOTAL_FORMS": len(rules) + 1,
                            "rules-INITIAL_FORMS": len(rules),
                            "rules-MIN_NUM_FORMS": 0, "rules-MAX_NUM_FORMS": 200}
    for n, rule in enumerate(rules):
        values: dict[str, Any] = {
            "label": rule.label, "points": rule.points, "eligibility": rule.eligibility,
            "categories": rule.categories, "all_of": rule.all_of, "any_of": rule.any_of,
            "none_of": rule.none_of,
            "min_days_waiting": "" if rule.min_days_waiting is None else rule.min_days_waiting,
        }
        values.update(changes.get(rule.label, {}))
        data.update({f"rules-{n}-{k}": v for k, v in values.items()})
    return data


def test_a_supervisor_reads_the_rules_in_force(client_for: Callable[..., Any]) -> None:
    client, _user = client_for(Role.SUPERVISOR)
    page = client.get("/triage/").content.decode()
    assert "In force: version 1" in page
    assert "interpreter with verified service" in page
    assert "Interpreter; requires Proof of service verified" in page


def test_a_supervisor_edits_a_draft_publishes_and_rescores(
    client_for: Callable[..., Any], make_case: Callable[..., Case]
) -> None:
    client, _supervisor = client_for(Role.SUPERVISOR)
    case = make_case(category="woman_leader")
    active = selectors.active_rule_set()
    assert active is not None

    response = client.post(f"/triage/rule-sets/{active.pk}/draft/")
    draft = RuleSet.objects.get(state=RuleSet.State.DRAFT)
    assert response["Location"] == f"/triage/rule-sets/{draft.pk}/"
    draft_page = client.get(response["Location"]).content.decode()
    assert "Conditions: Interpreter; requires Proof of service verified" in draft_page
    data = _formset_data(draft, **{"at risk for a public role": {"points": 4}})
    data["rules-12-label"] = "disability"
    data["rules-12-points"] = 1
    data["rules-12-all_of"] = ["disability"]
    assert client.post(f"/triage/rule-sets/{draft.pk}/", data).status_code == 302
    assert draft.rules.get(label="at risk for a public role").points == 4
    assert draft.rules.count() == 13
    client.post(f"/triage/rule-sets/{draft.pk}/publish/")
    client.post("/triage/rescore/", follow=True)

    case.refresh_from_db()
    assert case.priority == 4
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert "Priority 4: at risk for a public role +4" in page
    assert "Rules version 2" in page


def test_a_bad_rule_in_the_edit_form_is_explained_and_nothing_is_saved(
    client_for: Callable[..., Any]
) -> None:
    client, supervisor = client_for(Role.SUPERVISOR)
    draft = services.start_draft(actor=supervisor)
    data = _formset_data(draft, citizen={"points": "many"})
    response = client.post(f"/triage/rule-sets/{draft.pk}/", data)
    assert response.status_code == 200
    assert "Enter a whole number." in response.content.decode()
    assert draft.rules.get(label="citizen").points == 3


def test_a_caseworker_records_a_circumstance_and_sees_the_new_priority(
    client_for: Callable[..., Any], make_case: Callable[..., Case]
) -> None:
    client, _user = client_for(Role.CASEWORKER)
    case = make_case(category="interpreter")
    client.post(f"/triage/cases/{case.reference}/circumstances/",
                {"code": Circumstance.PROOF_OF_SERVICE_VERIFIED, "note": "contract 2011-2014"})
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert "Priority 1: interpreter with verified service +1" in page
    assert "contract 2011-2014" in page
    assert "Override the rules" not in page, "only a supervisor overrides"


def test_a_supervisor_overrides_from_the_case_page(
    client_for: Callable[..., Any], make_case: Callable[..., Case]
) -> None:
    client, _user = client_for(Role.SUPERVISOR)
    case = make_case(category="other")
    services.rescore_cases(actor=permissions.TRIAGE)
    response = client.post(f"/triage/cases/{case.reference}/override/",
                           {"eligible": "yes", "priority": "2", "reason": ""}, follow=True)
    assert "Reason for the override: This field is required." in response.content.decode()
    client.post(f"/triage/cases/{case.reference}/override/",
                {"eligible": "yes", "priority": "2", "reason": "Embassy driver"})
    case.refresh_from_db()
    assert case.priority == 2


def test_a_partner_sees_neither_the_rules_nor_the_triage_panel(
    client_for: Callable[..., Any], make_case: Callable[..., Case]
) -> None:
    client, partner = client_for(Role.PARTNER)
    case = make_case(category="citizen", organisation=partner.organisation)
    services.rescore_cases(actor=permissions.TRIAGE)
    assert client.get("/triage/").status_code == 403
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert "Eligibility and priority" not in page
    assert client.post(f"/triage/cases/{case.reference}/circumstances/",
                       {"code": "medical_urgency"}).status_code == 302
    assert not case.circumstances.exists()
