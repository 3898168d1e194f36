"""When the name keys change, the features and blocking keys of the persons registered before
are computed again (migration linkage.0006, services.recompute_all_features), so that an earlier
"Khalid" still meets a new "Chalid"."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps

from safepassage.linkage import services
from safepassage.linkage.models import BlockKey, PersonFeatures
from tests.conftest import person

pytestmark = pytest.mark.django_db

_0006 = importlib.import_module("safepassage.linkage.migrations.0006_name_keys_of_issue_21")
_0007 = importlib.import_module("safepassage.linkage.migrations.0007_short_forms_and_german_y")


def _stale(case: Any) -> int:
    """Store the features as the keys before issue 21 made them (kh as its own class)."""
    member = case.household.members.get()
    row = PersonFeatures.objects.get(person=member)
    row.data = {**row.data, "given_skel": "xld"}
    row.save()
    BlockKey.objects.filter(person=member).delete()
    return int(member.pk)


@pytest.mark.parametrize("recompute", [
    lambda: services.recompute_all_features(batch=2),
    lambda: _0006.recompute(apps, None),
    lambda: _0007.Migration.operations[0].code(apps, None),
])
def test_stored_keys_are_computed_again(make_case: Any, recompute: Any) -> None:
    pk = _stale(make_case(person(given_name="Khalid", name_native="")))
    recompute()
    assert PersonFeatures.objects.get(person_id=pk).data["given_skel"] == "Sld"
    assert BlockKey.objects.filter(person_id=pk).exists()


def test_stored_features_gain_the_short_form_of_a_compound_name(make_case: Any) -> None:
    case = make_case(person(given_name="Abdul Rahman", name_native=""))
    member = case.household.members.get()
    row = PersonFeatures.objects.get(person=member)
    row.data = {k: v for k, v in row.data.items() if k != "given_part"}
    row.save()
    services.recompute_all_features(batch=2)
    assert PersonFeatures.objects.get(person=member).data["given_part"] == "rhmn"
