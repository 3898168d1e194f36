"""Load the default rule set (triage/rules/default.yaml) as version 1 and put it in force."""

from pathlib import Path

from django.db import migrations
from django.utils import timezone

DEFAULT_RULES = Path(__file__).resolve().parent.parent / "rules" / "default.yaml"


def load_default_rules(apps, schema_editor):
    from safepassage.triage.rulebook import parse_rule_set

    RuleSet = apps.get_model("triage", "RuleSet")
    Rule = apps.get_model("triage", "Rule")
    ActiveRuleSet = apps.get_model("triage", "ActiveRuleSet")
    if RuleSet.objects.exists():
        return
    parsed = parse_rule_set(DEFAULT_RULES.read_text(encoding="utf-8"))
    rule_set = RuleSet.objects.create(name=parsed.name, notes=parsed.notes, state="published",
                                      version=1, published_at=timezone.now())
    Rule.objects.bulk_create([
        Rule(rule_set=rule_set, position=n, label=r.label, categories=list(r.categories),
             all_of=list(r.all_of), any_of=list(r.any_of), none_of=list(r.none_of),
             min_days_waiting=r.min_days_waiting, eligibility=r.eligibility, points=r.points)
        for n, r in enumerate(parsed.rules, start=1)
    ])
    ActiveRuleSet.objects.create(pk=1, rule_set=rule_set)


class Migration(migrations.Migration):
    dependencies = [("triage", "0001_initial")]
    operations = [migrations.RunPython(load_default_rules, migrations.RunPython.noop)]
