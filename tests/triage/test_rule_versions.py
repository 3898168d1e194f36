"""Rules are versioned: a published version never changes, publishing a draft puts a new version
in force, and re-scoring records on each case the version it was scored under."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safepassage.accounts.models import Role, User
from safepassage.audit.models import AuditEntry
from safepassage.registry.models import Case
from safepassage.triage import selectors, services
from safepassage.triage.models import Assessment, PublishedRuleSetIsImmutable, Rule
from safepassage.triage.rulebook import RuleSpec


def test_the_default_rules_are_in_force_as_version_one(db: None) -> None:
    active = selectors.active_rule_set()
    assert active is not None and active.version == 1
    assert "medical urgency" in [r.label for r in active.rules.all()]


def test_a_published_version_cannot_be_edited(make_user: Callable[..., User]) -> None:
    supervisor = make_user(Role.SUPERVISOR)
    active = selectors.active_rule_set()
    assert active is not None
    rule = active.rules.get(label="citizen")
    rule.points = 9
    with pytest.raises(PublishedRuleSetIsImmutable):
        rule.save()
    with pytest.raises(ValidationError):
        services.replace_draft_rules(actor=supervisor, draft=active, name="x", notes="",
                                     rules=[RuleSpec(label="x")])
    assert Rule.objects.get(pk=rule.pk).points == 3


def test_publishing_a_draft_makes_the_next_version_active_and_rescoring_records_it(
    make_user: Callable[..., User], make_case: Callable[..., Case]
) -> None:
    supervisor = make_user(Role.SUPERVISOR)
    citizen = make_case(category="citizen")
    services.rescore_cases(actor=supervisor)
    draft = services.start_draft(actor=supervisor)
    specs = [r.spec() for r in draft.rules.all()]
    specs[0] = RuleSpec(label="citizen", categories=("citizen",), eligibility="eligible",
                        points=5)
    services.replace_draft_rules(actor=supervisor, draft=draft, name="v2", notes="", rules=specs)

    published = services.publish_rule_set(actor=supervisor, draft=draft)
    citizen.refresh_from_db()
    assert citizen.priority == 3, "publishing alone does not re-score"
    services.rescore_cases(actor=supervisor)

    citizen.refresh_from_db()
    assert published.version == 2 and selectors.active_rule_set() == published
    assert citizen.priority == 5
    assert Assessment.objects.get(case=citizen).rule_set == published
    assert AuditEntry.objects.filter(action="case.priority_changed",
                                     object_id=citizen.reference).count() == 2
    assert AuditEntry.objects.filter(action="triage.rules_published").exists()


def test_an_earlier_version_can_be_put_back_in_force(
    make_user: Callable[..., User], make_case: Callable[..., Case]
) -> None:
    supervisor = make_user(Role.SUPERVISOR)
    first = selectors.active_rule_set()
    assert first is not None
    draft = services.start_draft(actor=supervisor)
    services.replace_draft_rules(actor=supervisor, draft=draft, name="", notes="",
                                 rules=[RuleSpec(label="everyone", eligibility="eligible")])
    services.publish_rule_set(actor=supervisor, draft=draft)

    services.activate_rule_set(actor=supervisor, rule_set=first)

    assert selectors.active_rule_set() == first


def test_only_those_who_may_edit_rules_can_draft_publish_or_rescore(
    make_user: Callable[..., User]
) -> None:
    caseworker = make_user(Role.CASEWORKER)
    with pytest.raises(PermissionDenied):
        services.start_draft(actor=caseworker)
    with pytest.raises(PermissionDenied):
        services.rescore_cases(actor=caseworker)


def test_an_empty_draft_cannot_be_published(make_user: Callable[..., User]) -> None:
    supervisor = make_user(Role.SUPERVISOR)
    draft = services.start_draft(actor=supervisor)
    services.replace_draft_rules(actor=supervisor, draft=draft, name="", notes="", rules=[])
    with pytest.raises(ValidationError, match="no rules"):
        services.publish_rule_set(actor=supervisor, draft=draft)
