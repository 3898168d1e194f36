"""A full run merges the certain pairs and queues the uncertain ones; a caseworker confirms,
rejects or undoes, every decision is audited, and a rejected pair is never proposed again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from safepassage.accounts import permissions
from safepassage.audit.models import AuditEntry
from safepassage.linkage import services
from safepassage.linkage.models import CandidatePair, Merge, PairStatus, PersonCluster
from safepassage.registry.models import Case, Sex, Status
from tests.conftest import person

pytestmark = pytest.mark.slow  # each test runs Splink on DuckDB (a few seconds)

UNCERTAIN = dict(  # same name and father, a year only, a relative's phone abroad: for a
    # person to decide
    given_name="Zabihollah", family_name="", father_name="Abdul Rahman", name_native="",
    birth_date=dt.date(1987, 1, 1), birth_date_latest=dt.date(1987, 12, 31),
    birth_date_precision="year", phones=["+4915112345678"], tazkira_number="",
    passport_number="",
)


@pytest.fixture
def registered(make_case: Any) -> dict[str, Case]:
    return {
        "original": make_case(person()),
        "certain": make_case(person(given_name="Zabihollah", birth_date_text="")),
        "uncertain": make_case(person(**UNCERTAIN)),
        "other": make_case(person(given_name="Maryam", family_name="Ahmadi", father_name="Karim",
                                  name_native="", sex=Sex.FEMALE, birth_date=dt.date(1999, 2, 3),
                                  phones=["+93700000001"], tazkira_number="",
                                  passport_number="")),
    }


def head(case: Case) -> int:
    return case.household.members.get().pk


def pair_of(one: Case, other: Case) -> CandidatePair:
    a, b = sorted((head(one), head(other)))
    return CandidatePair.objects.get(person_a_id=a, person_b_id=b)


def cluster(case: Case) -> int:
    return PersonCluster.objects.get(person_id=head(case)).cluster_id


def test_a_run_merges_the_certain_pair_and_queues_the_uncertain_one(registered: Any) -> None:
    run = services.run_linkage(actor=permissions.LINKAGE)
    assert (run.records, run.auto_merged) == (4, 1)
    assert pair_of(registered["original"], registered["certain"]).status == PairStatus.AUTO_MERGED
    assert pair_of(registered["original"], registered["uncertain"]).status == PairStatus.PENDING
    assert cluster(registered["original"]) == cluster(registered["certain"])
    assert cluster(registered["uncertain"]) != cluster(registered["original"])
    assert run.persons == 3
    assert AuditEntry.objects.filter(action="linkage.auto_merged").count() == 1


def test_confirming_merges_and_withdraws_the_duplicate_case_with_its_reason(
    registered: Any, make_user: Any
) -> None:
    services.run_linkage(actor=permissions.LINKAGE)
    caseworker = make_user("caseworker")
    pair = pair_of(registered["original"], registered["uncertain"])
    services.confirm_pair(actor=caseworker, pair=pair)
    assert cluster(registered["uncertain"]) == cluster(registered["original"])
    duplicate = Case.objects.get(pk=registered["uncertain"].pk)
    assert duplicate.status == Status.WITHDRAWN
    last = duplicate.history.last()
    assert last is not None
    assert last.reason.startswith("duplicate of SP-")
    assert AuditEntry.objects.filter(action="linkage.merge_confirmed").exists()


def test_undo_separates_the_persons_and_reopens_the_withdrawn_case(
    registered: Any, make_user: Any
) -> None:
    services.run_linkage(actor=permissions.LINKAGE)
    caseworker = make_user("caseworker")
    pair = pair_of(registered["original"], registered["uncertain"])
    services.confirm_pair(actor=caseworker, pair=pair)
    services.undo_merge(actor=caseworker, pair=pair, reason="different birth place")
    assert cluster(registered["uncertain"]) != cluster(registered["original"])
    assert Case.objects.get(pk=registered["uncertain"].pk).status == Status.UNDER_REVIEW
    merge = Merge.objects.get(pair=pair)
    assert merge.undone_by == caseworker and merge.withdrawn_case is not None
    assert AuditEntry.objects.filter(action="linkage.merge_undone").exists()


def test_an_automatic_merge_can_be_undone_and_is_not_redone(registered: Any,
                                                            make_user: Any) -> None:
    services.run_linkage(actor=permissions.LINKAGE)
    pair = pair_of(registered["original"], registered["certain"])
    services.undo_merge(actor=make_user("supervisor"), pair=pair)
    services.run_linkage(actor=permissions.LINKAGE)
    assert pair_of(registered["original"], registered["certain"]).status == PairStatus.UNDONE
    assert cluster(registered["original"]) != cluster(registered["certain"])


def test_a_rejected_pair_is_never_proposed_or_merged_again(
    registered: Any, make_user: Any, make_case: Any
) -> None:
    services.run_linkage(actor=permissions.LINKAGE)
    pair = pair_of(registered["original"], registered["uncertain"])
    services.reject_pair(actor=make_user("caseworker"), pair=pair)
    make_case(person(**UNCERTAIN))  # the instant check proposes the new one, not the old pair
    services.run_linkage(actor=permissions.LINKAGE)
    assert CandidatePair.objects.get(pk=pair.pk).status == PairStatus.REJECTED
    assert CandidatePair.objects.filter(person_a_id=pair.person_a_id,
                                        person_b_id=pair.person_b_id).count() == 1
    assert cluster(registered["uncertain"]) != cluster(registered["original"])
    assert AuditEntry.objects.filter(action="linkage.pair_rejected").exists()


def test_a_partner_may_not_decide_on_pairs(registered: Any, make_user: Any) -> None:
    services.run_linkage(actor=permissions.LINKAGE)
    pair = pair_of(registered["original"], registered["uncertain"])
    with pytest.raises(PermissionDenied):
        services.confirm_pair(actor=make_user("partner"), pair=pair)
    assert CandidatePair.objects.get(pk=pair.pk).status == PairStatus.PENDING


def test_the_review_page_shows_both_records_and_the_weight_of_each_field(
    registered: Any, client_for: Any
) -> None:
    services.run_linkage(actor=permissions.LINKAGE)
    pair = pair_of(registered["original"], registered["uncertain"])
    client, _user = client_for("caseworker")
    queue = client.get("/linkage/review/").content.decode()
    assert f"/linkage/review/{pair.pk}/" in queue
    # Which cases, and why, at a glance: the references and the strongest evidence in words.
    assert (f"<bdi>{registered['original'].reference}</bdi> · "
            f"<bdi>{registered['uncertain'].reference}</bdi>") in queue
    row = queue[queue.index(f"/linkage/review/{pair.pk}/"):]
    row = row[:row.index("</tr>")]
    assert "Born: compatible (one date is only a year or a month)" in row
    assert "Zabih" not in queue  # no name in the queue
    page = client.get(f"/linkage/review/{pair.pk}/").content.decode()
    assert "Zabihullah" in page and "Zabihollah" in page
    assert "compatible (one date is only a year or a month)" in page  # the birth dates
    assert "father_name" not in page and "imprecise date compatible" not in page
    assert AuditEntry.objects.filter(action="linkage.pair_read").exists()
    response = client.post(f"/linkage/review/{pair.pk}/reject/")
    assert response.status_code == 302
    assert CandidatePair.objects.get(pk=pair.pk).status == PairStatus.REJECTED


def test_a_partner_cannot_open_the_review_queue(client_for: Any) -> None:
    client, _user = client_for("partner")
    assert client.get("/linkage/review/").status_code == 403


def test_the_match_weights_of_the_model_are_visible_to_caseworkers(client_for: Any) -> None:
    client, _user = client_for("caseworker")
    page = client.get("/linkage/model/").content.decode()
    assert "imprecise date compatible" in page and "same phone, same given name" in page
