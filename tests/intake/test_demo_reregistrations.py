"""The demo registers some families twice, written differently by another organisation, so
that the duplicate checks and the review queue have something to show."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command

from safepassage.audit.models import AuditEntry
from safepassage.linkage.models import CandidatePair
from safepassage.registry.models import Case


def test_demo_families_registered_twice_are_found_as_possible_duplicates(
    db: Any, capsys: Any,
) -> None:
    call_command("demo_data", households=120, seed=2021)
    first = set(Case.objects.values_list("pk", flat=True))

    call_command("demo_reregistrations", households=120, seed=2021)
    out = capsys.readouterr().out
    second = Case.objects.exclude(pk__in=first)
    assert second.exists()
    assert f"Registered {second.count()} demo households a second time." in out
    assert AuditEntry.objects.filter(details__demo="registered a second time").count() == \
        second.count()

    # The tests check inline: each second registration met its first one at once.
    households = set(second.values_list("household_id", flat=True))
    found = {p.person_b.household_id for p in CandidatePair.objects.select_related("person_b")
             if p.person_b.household_id in households
             and p.person_a.household_id not in households}
    assert len(found) >= 0.8 * len(households)

    call_command("demo_reregistrations", households=120, seed=2021, if_none=True)
    assert "loaded before" in capsys.readouterr().out
    assert Case.objects.count() == len(first) + len(households)
