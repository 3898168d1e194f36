"""Undo where families meet: one person matched with two siblings of another registration.
Undoing the confirmed merge with one sibling must leave every cluster whole (it answered 500,
an IntegrityError on the sibling's cluster), and "different people" can be undone too."""

from __future__ import annotations

from typing import Any

import pytest

from safepassage.audit.models import AuditEntry
from safepassage.linkage import services
from safepassage.linkage.models import CandidatePair, PairStatus, PersonCluster
from safepassage.registry.models import Person
from tests.conftest import person

pytestmark = pytest.mark.django_db


def _pair(a: Person, b: Person, status: str, weight: float) -> CandidatePair:
    low, high = sorted((a, b), key=lambda p: p.pk)
    # The check at registration may have proposed the pair already: this is its decided state.
    pair, _ = CandidatePair.objects.update_or_create(
        person_a=low, person_b=high,
        defaults={"match_probability": 0.9, "match_weight": weight, "status": status})
    return pair


def _cluster(p: Person) -> int:
    return PersonCluster.objects.get(person=p).cluster_id


@pytest.fixture
def family(make_case: Any) -> dict[str, Person]:
    """One man registered alone; then twin brothers registered together, each matched to him
    (the first confirmed by a caseworker, the second merged automatically but kept apart by
    the household rule)."""
    alone = make_case(person()).household.members.get()
    twins = make_case(person(), person(given_name="Zabihollah", tazkira_number="",
                                       passport_number=""))
    first, second = twins.household.members.order_by("pk")
    _pair(alone, second, PairStatus.AUTO_MERGED, weight=20.0)
    confirmed = _pair(alone, first, PairStatus.CONFIRMED, weight=10.0)
    services.recluster(person_ids=None)
    return {"alone": alone, "first": first, "second": second, "pair": confirmed}  # type: ignore


def test_undoing_a_confirmed_merge_beside_a_sibling_keeps_every_cluster_whole(
    family: dict[str, Any], client_for: Any,
) -> None:
    alone, first, second = family["alone"], family["first"], family["second"]
    assert _cluster(alone) == _cluster(first) != _cluster(second)

    client, _ = client_for("caseworker")
    response = client.post(f"/linkage/review/{family['pair'].pk}/undo/", {"reason": "no"})

    assert response.status_code == 302
    assert CandidatePair.objects.get(pk=family["pair"].pk).status == PairStatus.UNDONE
    # Apart from the first twin now, the man joins the second through the automatic pair.
    assert _cluster(alone) == _cluster(second) != _cluster(first)
    assert PersonCluster.objects.count() == Person.objects.count()


def test_different_people_can_be_undone_and_the_pair_waits_for_review_again(
    family: dict[str, Any], client_for: Any,
) -> None:
    pair = _pair(family["first"], family["second"], PairStatus.PENDING, weight=1.0)
    client, caseworker = client_for("caseworker")
    services.reject_pair(actor=caseworker, pair=pair)
    assert "review again" in client.get(f"/linkage/review/{pair.pk}/").content.decode()

    response = client.post(f"/linkage/review/{pair.pk}/undo/", {"reason": "x"})

    assert response.status_code == 302
    assert CandidatePair.objects.get(pk=pair.pk).status == PairStatus.PENDING
    assert AuditEntry.objects.filter(action="linkage.rejection_undone",
                                     object_id=str(pair.pk)).exists()
    with pytest.raises(services.PairDecisionError):
        services.undo_merge(actor=caseworker, pair=pair)  # pending: nothing to undo
