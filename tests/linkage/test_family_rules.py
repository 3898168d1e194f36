"""Family-aware decisions and hard evidence rules (issue 21): members of one family are
presumed different people unless one name, a compatible birth date and no conflicting document
say otherwise; two registrations of one family are paired member to member, one to one; two
document numbers of one kind keep a pair, and two clusters, apart."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from safepassage.linkage import engine
from safepassage.linkage.features import features_of_row

PHONE = "+93791234567"
FATHER = dict(given_name="Abdul Basir", family_name="Ahmadzai", father_name="Ghulam Haidar",
              sex="male", date_of_birth="03/05/1965", phone=PHONE,
              tazkira_number="1398-0101-12345")


def _link(records: list[tuple[str, str, dict[str, str]]]) -> tuple[Any, dict[str, int]]:
    frame = pd.DataFrame.from_records(
        [{"unique_id": n, "household": household, **features_of_row(row)}
         for n, (_name, household, row) in enumerate(records)]
    )
    result = engine.link(frame, model=engine.default_model(), explain=True)
    return result, {name: n for n, (name, _h, _r) in enumerate(records)}


def _cluster(result: Any) -> dict[int, int]:
    return dict(zip(result.clusters["unique_id"], result.clusters["cluster_id"], strict=True))


def _pair(result: Any, a: int, b: int) -> Any:
    pairs = result.pairs.set_index(["unique_id_l", "unique_id_r"])
    key = (min(a, b), max(a, b))
    return pairs.loc[key] if key in pairs.index else None


def test_a_brother_of_a_similar_name_is_not_merged_when_his_own_record_is_missing() -> None:
    """Registration A lists the father and Mohammad Nadir; B the father and Mohammad Nasir (his
    brother, two years younger, the same father, phone and family name)."""
    son = dict(family_name="Ahmadzai", father_name="Abdul Basir", sex="male", phone=PHONE)
    result, ids = _link([
        ("A-father", "A", FATHER),
        ("A-nadir", "A", {**son, "given_name": "Mohammad Nadir", "date_of_birth": "1990"}),
        ("B-father", "B", {**FATHER, "given_name": "Abdulbasir"}),
        ("B-nasir", "B", {**son, "given_name": "Mohammad Nasir", "date_of_birth": "1992"}),
    ])
    cluster = _cluster(result)
    assert cluster[ids["A-father"]] == cluster[ids["B-father"]]
    assert cluster[ids["A-nadir"]] != cluster[ids["B-nasir"]]


def test_twins_each_registered_by_one_organisation_stay_two_people() -> None:
    twin = dict(family_name="Ahmadzai", father_name="Abdul Basir", sex="female", phone=PHONE,
                date_of_birth="07/07/2010")
    result, ids = _link([
        ("A-father", "A", FATHER),
        ("A-zahra", "A", {**twin, "given_name": "Zahra"}),
        ("B-father", "B", FATHER),
        ("B-zohal", "B", {**twin, "given_name": "Zohal"}),
    ])
    cluster = _cluster(result)
    assert cluster[ids["A-father"]] == cluster[ids["B-father"]]
    assert cluster[ids["A-zahra"]] != cluster[ids["B-zohal"]]


def test_a_grandson_named_after_his_grandfather_is_not_merged_with_him() -> None:
    grandfather = dict(given_name="Ghulam Haidar", family_name="Ahmadzai",
                       father_name="Abdul Basir", sex="male", phone=PHONE)
    result, ids = _link([
        ("A-grandfather", "A", {**grandfather, "date_of_birth": "1940",
                                "tazkira_number": "1350-0202-5555"}),
        ("A-father", "A", FATHER),
        ("B-father", "B", FATHER),
        ("B-grandson", "B", {**grandfather, "date_of_birth": "12/03/1998"}),
    ])
    cluster = _cluster(result)
    assert cluster[ids["A-father"]] == cluster[ids["B-father"]]
    assert cluster[ids["A-grandfather"]] != cluster[ids["B-grandson"]]


def test_a_member_with_a_thin_record_is_merged_as_a_member_of_the_family() -> None:
    """B's daughter has only a given name and a year; A's has more. The fathers match with
    certainty, so the two registrations are one family and the daughters are paired."""
    result, ids = _link([
        ("A-father", "A", FATHER),
        ("A-mother", "A", dict(given_name="Shabana", family_name="Ahmadzai", sex="female",
                               father_name="Wahid", date_of_birth="1970", phone=PHONE)),
        ("A-gulnar", "A", dict(given_name="Gulnar", family_name="Ahmadzai", sex="female",
                               father_name="Abdul Basir", date_of_birth="14/02/1999",
                               phone=PHONE)),
        ("B-father", "B", FATHER),
        ("B-gulnar", "B", dict(given_name="Gulnaar", date_of_birth="1999")),
    ])
    cluster = _cluster(result)
    assert cluster[ids["A-gulnar"]] == cluster[ids["B-gulnar"]]
    assert cluster[ids["A-mother"]] != cluster[ids["B-gulnar"]]


def test_two_different_tazkira_numbers_veto_the_merge() -> None:
    """Everything agrees but the tazkira numbers, which are not a typing error apart: never an
    automatic merge. With one name and one birth date it may be an old and a new tazkira of one
    person: a caseworker reads it."""
    person = dict(given_name="Farid", family_name="Stanikzai", father_name="Nasir",
                  sex="male", date_of_birth="04/04/1980", phone="+93700111222")
    result, ids = _link([
        ("A", "A", {**person, "tazkira_number": "1397-1111-22222"}),
        ("B", "B", {**person, "tazkira_number": "1402-5555-77777"}),
    ])
    pair = _pair(result, ids["A"], ids["B"])
    assert pair is not None and pair["match_probability"] >= engine.AUTO_MERGE_PROBABILITY
    assert not pair["automatic"] and pair["queued"]
    cluster = _cluster(result)
    assert cluster[ids["A"]] != cluster[ids["B"]]


def test_brothers_with_two_tazkiras_are_settled_apart_and_not_queued() -> None:
    """Two brothers of one birth year, their own tazkiras, the family's phone and father: the
    rules settle them, nobody needs to read the pair."""
    brother = dict(family_name="Stanikzai", father_name="Nasir", sex="male",
                   date_of_birth="1980", phone="+93700111222")
    result, ids = _link([
        ("A", "A", {**brother, "given_name": "Farid", "tazkira_number": "1397-1111-22222"}),
        ("B", "B", {**brother, "given_name": "Fahim", "tazkira_number": "1402-5555-77777"}),
    ])
    pair = _pair(result, ids["A"], ids["B"])
    assert pair is None or (not pair["automatic"] and not pair["queued"])


def test_a_tazkira_one_character_apart_goes_to_review_not_to_a_merge() -> None:
    person = dict(given_name="Farid", family_name="Stanikzai", father_name="Nasir",
                  sex="male", date_of_birth="04/04/1980", phone="+93700111222")
    result, ids = _link([
        ("A", "A", {**person, "tazkira_number": "1397-1111-22222"}),
        ("B", "B", {**person, "tazkira_number": "1397-1111-22228"}),
    ])
    pair = _pair(result, ids["A"], ids["B"])
    assert pair is not None and not pair["automatic"] and pair["queued"]


def test_no_merge_joins_two_clusters_holding_different_tazkiras() -> None:
    """A (tazkira 1) and C (tazkira 2) each pair strongly with B (no tazkira): the second
    pair would make one person of two tazkiras, so clustering refuses it."""
    pairs = pd.DataFrame({"unique_id_l": [1, 2], "unique_id_r": [2, 3],
                          "match_weight": [30.0, 25.0]})
    documents = {1: frozenset({("tazkira", "111")}), 3: frozenset({("tazkira", "222")})}
    households = {1: "A", 2: "B", 3: "C"}
    accepted = engine.accepted_edges(households=households, pairs=pairs, documents=documents)
    assert accepted == [(1, 2)]
    # Without the documents both pairs are taken: the rule is what keeps them apart.
    assert len(engine.accepted_edges(households=households, pairs=pairs)) == 2
    # A person's confirmation is not refused by it.
    confirmed = engine.accepted_edges(households=households, pairs=pairs.iloc[:1],
                                      must_link=[(2, 3)], documents=documents)
    assert (2, 3) in confirmed


def test_members_of_two_registrations_are_paired_one_to_one() -> None:
    """Two brothers of A (10, 11) both pair with B's son (20), and 11 with B's other son (21):
    never two members of A onto one person of B. The assignment of greatest weight keeps 10-20
    and 11-21; 11-20 is settled (both of its members are paired with others), not queued."""
    households = {10: "A", 11: "A", 20: "B", 21: "B"}
    pairs = pd.DataFrame({
        "unique_id_l": [10, 11, 11],
        "unique_id_r": [20, 20, 21],
        "match_weight": [20.0, 14.0, 12.0],
    })
    assigned, settled = engine.one_to_one(pairs, np.array([True, True, True]),
                                          households=households)
    assert assigned.tolist() == [True, False, True]
    assert settled.tolist() == [False, True, False]
    # Greedy (strongest first) would give the same here; with 10-20 weaker than 11-20 and 11
    # having nowhere else to go, the assignment keeps the total highest.
    pairs["match_weight"] = [14.0, 15.0, 1.0]
    assigned, _settled = engine.one_to_one(pairs, np.array([True, True, True]),
                                           households=households)
    assert assigned.tolist() == [True, False, True]


def test_the_queue_leaves_out_pairs_already_in_one_cluster_and_ranks_by_what_changes() -> None:
    pairs = pd.DataFrame({
        "unique_id_l": [1, 2, 1, 5],
        "unique_id_r": [2, 3, 3, 6],
        "match_weight": [20.0, 20.0, 2.0, 1.0],
        "match_probability": [0.999, 0.999, 0.8, 0.6],
    })
    cluster_of = {1: 1, 2: 1, 3: 1, 5: 5, 6: 6}
    queued = engine.with_queue(pairs, settled=np.zeros(4, dtype=bool), cluster_of=cluster_of,
                               review_probability=0.5)
    # 1-3 is one person already through 1-2 and 2-3: nothing to decide.
    assert queued["queued"].tolist() == [False, False, False, True]
    assert queued.loc[3, "priority"] > 0
