"""The rule language, free of the database: reading a rule set from YAML and scoring one case.

A rule applies to a case when all its conditions hold (category among `categories`, every fact
of `all_of`, at least one of `any_of`, none of `none_of`, waiting at least `min_days_waiting`).
Eligibility: a case is ineligible if any applying rule says so, else eligible if any applying
rule says so, else not eligible (no rule covers it). Priority: the sum of the points of the
applying rules (never below 0), for eligible cases only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from safepassage.registry.models import Category
from safepassage.triage.facts import FACT_LABELS

ELIGIBLE = "eligible"
INELIGIBLE = "ineligible"
MAX_PRIORITY = 32767  # Case.priority is a PositiveSmallIntegerField


class RuleSetError(ValidationError):
    """A rule set that cannot be used; `problems` lists every one, each naming rule and field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems)
        self.problems = problems


@dataclass(frozen=True)
class RuleSpec:
    label: str
    categories: tuple[str, ...] = ()
    all_of: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    none_of: tuple[str, ...] = ()
    min_days_waiting: int | None = None
    eligibility: str = ""  # "", ELIGIBLE or INELIGIBLE
    points: int = 0
    key: Any = None  # the database id once stored; what an explanation points back to

    def applies(self, category: str, facts: frozenset[str] | set[str], days_waiting: int) -> bool:
        return (
            (not self.categories or category in self.categories)
            and all(f in facts for f in self.all_of)
            and (not self.any_of or any(f in facts for f in self.any_of))
            and not any(f in facts for f in self.none_of)
            and (self.min_days_waiting is None or days_waiting >= self.min_days_waiting)
        )


@dataclass
class Outcome:
    eligible: bool
    points: int
    applied: list[Any] = field(default_factory=list)  # keys of the rules that applied, in order

    @property
    def priority(self) -> int | None:
        return self.points if self.eligible else None


def score(rules: Sequence[RuleSpec], *, category: str, facts: frozenset[str] | set[str],
          days_waiting: int) -> Outcome:
    applied = [r for r in rules if r.applies(category, facts, days_waiting)]
    effects = {r.eligibility for r in applied}
    eligible = INELIGIBLE not in effects and ELIGIBLE in effects
    points = min(MAX_PRIORITY, max(0, sum(r.points for r in applied)))
    return Outcome(eligible=eligible, points=points, applied=[r.key for r in applied])


# --- YAML ------------------------------------------------------------------------------------

RULE_KEYS = {"label", "categories", "all_of", "any_of", "none_of", "min_days_waiting",
             "eligible", "points"}


def _codes(value: Any, *, where: str, name: str, valid: Iterable[str],
           problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.append(_("%(where)s, “%(name)s”: expected a list of codes.")
                        % {"where": where, "name": name})
        return ()
    known = set(valid)
    codes = []
    for item in value:
        code = str(item).strip()
        if code not in known:
            problems.append(
                _("%(where)s, “%(name)s”: unknown code “%(code)s”. Use one of: %(valid)s.")
                % {"where": where, "name": name, "code": code, "valid": ", ".join(sorted(known))}
            )
        else:
            codes.append(code)
    return tuple(codes)


def _int(value: Any, *, where: str, name: str, problems: list[str],
         minimum: int | None = None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(_("%(where)s, “%(name)s”: “%(value)s” is not a whole number.")
                        % {"where": where, "name": name, "value": value})
        return None
    if minimum is not None and value < minimum:
        problems.append(_("%(where)s, “%(name)s”: must be %(min)s or more.")
                        % {"where": where, "name": name, "min": minimum})
        return None
    return value


def rule_from_mapping(data: Any, *, number: int, problems: list[str]) -> RuleSpec | None:
    """One rule from its YAML/form mapping; problems are appended, naming rule and field."""
    where = _("Rule %(n)s") % {"n": number}
    if not isinstance(data, dict):
        problems.append(_("%(where)s: expected a mapping of fields (label, categories, …).")
                        % {"where": where})
        return None
    for key in sorted(set(data) - RULE_KEYS):
        problems.append(_("%(where)s: unknown field “%(key)s”. Fields are: %(keys)s.")
                        % {"where": where, "key": key, "keys": ", ".join(sorted(RULE_KEYS))})
    label = str(data.get("label") or "").strip()
    if not label:
        problems.append(_("%(where)s, “label”: give the rule a name a caseworker will read, "
                          "for example “medical urgency”.") % {"where": where})
    eligible = data.get("eligible")
    if eligible not in (None, True, False):
        problems.append(_("%(where)s, “eligible”: write true, false, or leave it out.")
                        % {"where": where})
    eligibility = ELIGIBLE if eligible is True else INELIGIBLE if eligible is False else ""
    facts = FACT_LABELS.keys()
    spec = RuleSpec(
        label=label[:200],
        categories=_codes(data.get("categories"), where=where, name="categories",
                          valid=Category.values, problems=problems),
        all_of=_codes(data.get("all_of"), where=where, name="all_of", valid=facts,
                      problems=problems),
        any_of=_codes(data.get("any_of"), where=where, name="any_of", valid=facts,
                      problems=problems),
        none_of=_codes(data.get("none_of"), where=where, name="none_of", valid=facts,
                       problems=problems),
        min_days_waiting=_int(data.get("min_days_waiting"), where=where, name="min_days_waiting",
                              problems=problems, minimum=0),
        eligibility=eligibility,
        points=_int(data.get("points", 0), where=where, name="points", problems=problems) or 0,
    )
    if abs(spec.points) > 100:
        problems.append(_("%(where)s, “points”: keep points between -100 and 100.")
                        % {"where": where})
    return spec


@dataclass
class ParsedRuleSet:
    name: str
    notes: str
    rules: list[RuleSpec]


def parse_rule_set(text: str) -> ParsedRuleSet:
    """Read a rule set from YAML text; raise RuleSetError listing every problem found."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = _(" at line %(line)s") % {"line": mark.line + 1} if mark else ""
        raise RuleSetError([_("The file is not valid YAML%(line)s: %(problem)s.")
                            % {"line": line, "problem": getattr(exc, "problem", exc)}]) from exc
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleSetError([_("The file must be a mapping with a “rules” list "
                              "(see docs/triage.md for the format).")])
    problems: list[str] = []
    rules = [
        rule
        for number, item in enumerate(data["rules"], start=1)
        if (rule := rule_from_mapping(item, number=number, problems=problems)) is not None
    ]
    if not rules and not problems:
        problems.append(_("The rule set has no rules: no case could ever be eligible."))
    if problems:
        raise RuleSetError(problems)
    return ParsedRuleSet(name=str(data.get("name") or "")[:200],
                         notes=str(data.get("notes") or ""), rules=rules)


def rule_to_mapping(rule: RuleSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"label": rule.label}
    for name in ("categories", "all_of", "any_of", "none_of"):
        if getattr(rule, name):
            out[name] = list(getattr(rule, name))
    if rule.min_days_waiting is not None:
        out["min_days_waiting"] = rule.min_days_waiting
    if rule.eligibility:
        out["eligible"] = rule.eligibility == ELIGIBLE
    out["points"] = rule.points
    return out


def dump_rule_set(*, name: str, notes: str, rules: Sequence[RuleSpec]) -> str:
    return yaml.safe_dump(
        {"name": name, "notes": notes, "rules": [rule_to_mapping(r) for r in rules]},
        sort_keys=False, allow_unicode=True,
    )
