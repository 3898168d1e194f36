"""When a person is corrected, linkage computes their features and blocking keys again, so the
duplicate check and the next run compare what is now recorded."""

from __future__ import annotations

from collections.abc import Callable

from safepassage.accounts import permissions
from safepassage.linkage.models import BlockKey, PersonFeatures
from safepassage.registry import events
from safepassage.registry.models import Case, Person


def test_a_corrected_name_gives_the_person_new_features(make_case: Callable[..., Case]) -> None:
    case = make_case()
    head = Person.objects.get(household=case.household)
    keys_before = set(BlockKey.objects.filter(person=head).values_list("digest", flat=True))
    given_before = dict(PersonFeatures.objects.get(person=head).data)["given_key"]
    head.given_name = "Mohammad Ismail"
    head.save(update_fields=["given_name"])

    events.person_corrected.publish(events.PersonCorrected(
        actor=permissions.DEMO, person=head, fields=frozenset({"given_name"})))

    features = PersonFeatures.objects.get(person=head)
    assert dict(features.data)["given_key"] not in {given_before, None}
    keys_after = set(BlockKey.objects.filter(person=head).values_list("digest", flat=True))
    assert keys_after and keys_after != keys_before
