"""Rule sets come in as YAML (page or `safepassage import-rules`); every problem is reported with
the rule and field it is in, and nothing is imported from a file with a problem."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from safepassage.accounts.models import Role, User
from safepassage.registry.models import Case
from safepassage.triage import selectors, services
from safepassage.triage.models import RuleSet
from safepassage.triage.rulebook import RuleSetError, dump_rule_set, parse_rule_set

DEFAULT = Path(services.__file__).parent / "rules" / "default.yaml"


def test_the_shipped_default_rules_round_trip_through_yaml() -> None:
    parsed = parse_rule_set(DEFAULT.read_text())
    again = parse_rule_set(dump_rule_set(name=parsed.name, notes=parsed.notes,
                                         rules=parsed.rules))
    assert again.rules == parsed.rules


def test_every_problem_names_its_rule_and_field() -> None:
    text = """
rules:
  - label: citizen
    categories: [citizn]
    points: lots
  - label: ""
    all_of: [medical_urgncy]
    eligible: maybe
"""
    with pytest.raises(RuleSetError) as caught:
        parse_rule_set(text)
    problems = caught.value.problems
    assert any("Rule 1, “categories”: unknown code “citizn”" in p for p in problems)
    assert any("Rule 1, “points”" in p for p in problems)
    assert any("Rule 2, “label”" in p for p in problems)
    assert any("Rule 2, “all_of”: unknown code “medical_urgncy”" in p for p in problems)
    assert any("Rule 2, “eligible”" in p for p in problems)


def test_the_command_imports_publishes_and_rescores(
    tmp_path: Path, make_case: Callable[..., Case]
) -> None:
    case = make_case(category="journalist")
    path = tmp_path / "rules.yaml"
    path.write_text("name: Journalists first\nrules:\n"
                    "  - {label: journalist, categories: [journalist], eligible: true, "
                    "points: 7}\n")
    out = StringIO()

    call_command("import_rules", str(path), "--rescore", stdout=out)

    case.refresh_from_db()
    assert "version 2, in force" in out.getvalue()
    assert case.priority == 7
    active = selectors.active_rule_set()
    assert active is not None and active.name == "Journalists first"


def test_a_bad_file_imports_nothing(tmp_path: Path, db: None) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - label: x\n    points: [\n")
    before = RuleSet.objects.count()
    with pytest.raises(CommandError, match="not valid YAML at line"):
        call_command("import_rules", str(path), "--publish")
    assert RuleSet.objects.count() == before


def test_a_supervisor_uploads_rules_as_a_draft(
    client_for: Callable[..., tuple[object, User]]
) -> None:
    client, _user = client_for(Role.SUPERVISOR)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("r.yaml", DEFAULT.read_bytes(), content_type="application/yaml")
    response = client.post("/triage/import/", {"file": upload})  # type: ignore[attr-defined]

    draft = RuleSet.objects.get(state=RuleSet.State.DRAFT)
    assert response.status_code == 302 and response["Location"] == f"/triage/rule-sets/{draft.pk}/"
    assert draft.rules.count() == 12
