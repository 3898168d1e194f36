"""Family-aware decisions and hard evidence rules (issue 21): members of one family are
presumed different people unless one name, a compatible birth date and no conflicting document
say otherwise; two registrations of one family are paired member to member, one to one; two
document numbers of one kind keep a pair, and two clusters, apart."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

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


def test_a_tazkira_one_character_apart_merges_only_on_the_rest_of_the_evidence() -> None:
    """A number one character apart is a typing error: not a veto, and not evidence either. With
    everything else agreeing (name, father, birth day, phone) the pair merges; with a name, a
    family name and a birth year only, the typing error is a caseworker's to judge."""
    person = dict(given_name="Farid", family_name="Stanikzai", father_name="Nasir",
                  sex="male", date_of_birth="04/04/1980", phone="+93700111222")
    result, ids = _link([
        ("A", "A", {**person, "tazkira_number": "1397-1111-22222"}),
        ("B", "B", {**person, "tazkira_number": "1397-1111-22228"}),
        ("C", "C", dict(given_name="Hamid", family_name="Stanikzai", date_of_birth="1975",
                        tazkira_number="1396-3333-44444")),
        ("D", "D", dict(given_name="Hameed", family_name="Stanikzai", date_of_birth="1975",
                        tazkira_number="1396-3333-44447")),
    ])
    cluster = _cluster(result)
    assert cluster[ids["A"]] == cluster[ids["B"]]
    thin = _pair(result, ids["C"], ids["D"])
    assert thin is not None and not thin["automatic"] and thin["queued"]
    assert cluster[ids["C"]] != cluster[ids["D"]]


def test_a_typing_error_in_a_tazkira_does_not_keep_two_clusters_apart() -> None:
    """Clustering refuses to join two tazkiras, but two numbers one character apart are one
    tazkira typed twice."""
    pairs = pd.DataFrame({"unique_id_l": [1, 2], "unique_id_r": [2, 3],
                          "match_weight": [30.0, 25.0]})
    households = {1: "A", 2: "B", 3: "C"}
    typed = {1: frozenset({("tazkira", "1397111122222")}),
             3: frozenset({("tazkira", "1397111122228")})}
    assert len(engine.accepted_edges(households=households, pairs=pairs, documents=typed)) == 2


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


def _neighbours(count: int) -> list[tuple[str, str, dict[str, str]]]:
    """Registrations of other families, each with its own phone: what makes one phone rare."""
    given = ["Nabi", "Wahid", "Karim", "Sadiq", "Rahim", "Latif", "Bashir", "Qadir"]
    return [(f"N{n}", f"N{n}", dict(given_name=given[n % len(given)],
                                     date_of_birth=str(1950 + n % 50), sex="male",
                                     phone=f"+93700{n:06d}"))
            for n in range(count)]


def test_a_family_registered_twice_is_matched_by_its_members_together() -> None:
    """No member's pair is certain alone (a name and a year, a spelling variant), but the two
    registrations share a phone no other family holds and each member pairs with one of the
    other's: one family, both members merged. Without the phone, nothing says one family and
    the weak pairs stay apart."""
    phone = "+93726168250"
    family = [
        ("A-father", "A", dict(given_name="Gholamrasool", date_of_birth="1984")),
        ("A-daughter", "A", dict(given_name="Farsana", sex="female", date_of_birth="2006",
                                 father_name="Ghulam Rasul", phone=phone)),
        ("B-father", "B", dict(given_name="Ghulam Rasul", sex="male",
                               date_of_birth="01/01/1984", phone=phone)),
        ("B-daughter", "B", dict(given_name="Farzana", sex="female",
                                 date_of_birth="01/01/2006", phone=phone)),
    ]
    result, ids = _link([*family, *_neighbours(400)])
    cluster = _cluster(result)
    assert cluster[ids["A-father"]] == cluster[ids["B-father"]]
    assert cluster[ids["A-daughter"]] == cluster[ids["B-daughter"]]

    apart = [(name, h, {k: v for k, v in row.items() if k != "phone"})
             for name, h, row in family]
    result, ids = _link([*apart, *_neighbours(400)])
    cluster = _cluster(result)
    assert cluster[ids["A-daughter"]] != cluster[ids["B-daughter"]]


def test_family_odds_count_a_shared_phone_by_how_many_registrations_hold_it() -> None:
    """The same two member pairs weigh more for a phone two registrations hold than for one held
    by a hundred (an office's phone written on every form)."""
    pairs = pd.DataFrame({
        "unique_id_l": [0, 1], "unique_id_r": [2, 3], "match_weight": [-3.0, 3.0],
        "match_probability": [0.11, 0.89], "mw_given_name": [7.0, 5.6],
        "mw_date_of_birth": [5.5, 5.5], "mw_sex": [0.0, 0.9], "mw_phone": [0.0, 7.3],
    })
    households = {0: "A", 1: "A", 2: "B", 3: "B"}
    yes = np.ones(2, dtype=bool)
    no = np.zeros(2, dtype=bool)
    evidence = engine.PairEvidence(
        given_names_agree=yes, brothers=no, same_generation=yes, same_document=no,
        documents_differ=no, document_typo=no, document_weight=np.zeros(2),
        household_signs=yes, name_close=yes, date_compatible=yes, sex_differ=no)
    others = {100 + n: f"X{n}" for n in range(1000)}

    def odds(phone_holders: int) -> float:
        phones = {1: "+937", 2: "+937", 3: "+937"}
        phones |= {100 + n: "+937" for n in range(phone_holders)}
        return float(engine.family_odds(
            pairs, evidence, households={**households, **others}, prior=1e-6,
            phones=phones).iloc[0])

    rare, common = odds(0), odds(100)
    assert rare - common == pytest.approx(np.log2(102 / 2))
    assert rare >= np.log2(engine.AUTO_MERGE_PROBABILITY / (1 - engine.AUTO_MERGE_PROBABILITY))


def test_a_paper_and_an_electronic_tazkira_are_two_documents_not_two_people() -> None:
    """One form wrote the person's paper tazkira, another the e-tazkira: no veto, one person.
    Two electronic numbers still keep two records apart."""
    person = dict(given_name="Farid", family_name="Stanikzai", father_name="Nasir",
                  sex="male", date_of_birth="04/04/1980", phone="+93700111222")
    result, ids = _link([
        ("paper", "A", {**person, "tazkira_number": "241682"}),
        ("electronic", "B", {**person, "tazkira_number": "1400-2894-65010"}),
        ("other", "C", {**person, "tazkira_number": "1398-5555-77777"}),
    ])
    cluster = _cluster(result)
    assert cluster[ids["paper"]] == cluster[ids["electronic"]]
    assert cluster[ids["other"]] != cluster[ids["electronic"]]
    held = engine.documents_of(pd.DataFrame({
        "unique_id": [1, 2], "tazkira": ["241682", "1400289465010"], "passport": [None, None],
    }))
    assert held == {1: frozenset({("tazkira", "241682")}),
                    2: frozenset({("e-tazkira", "1400289465010")})}


def test_a_german_s_for_z_joins_one_name_but_not_two_sisters() -> None:
    """Sajnab (a German form's Zaynab, year only) is the Zaynab of the other registration;
    sisters Sahar and Zohra (one skeleton once s is read as z), each listed by one organisation
    beside the father, stay two: born three years apart. (Twins of such names would not: the
    level weighs a spelling, and a caseworker undoes that merge.)"""
    girl = dict(family_name="Ahmadzai", father_name="Abdul Basir", sex="female", phone=PHONE)
    result, ids = _link([
        ("A-father", "A", FATHER),
        ("A-zaynab", "A", {**girl, "given_name": "Zaynab", "date_of_birth": "17/01/2009"}),
        ("A-sahar", "A", {**girl, "given_name": "Sahar", "date_of_birth": "07/07/2012"}),
        ("B-father", "B", FATHER),
        ("B-zaynab", "B", {**girl, "given_name": "Sajnab", "date_of_birth": "2009"}),
        ("B-zohra", "B", {**girl, "given_name": "Zohra", "date_of_birth": "2015"}),
        *_neighbours(400),
    ])
    cluster = _cluster(result)
    assert cluster[ids["A-zaynab"]] == cluster[ids["B-zaynab"]]
    assert cluster[ids["A-sahar"]] != cluster[ids["B-zohra"]]


@pytest.mark.parametrize(("a", "b", "apart"), [
    ("10387706", "10387760", True),  # two neighbours swapped
    ("10387706", "10387709", True),  # one substituted
    ("10387706", "1038706", True),  # one missing
    ("10387706", "60387701", False),  # two far apart swapped
    ("10387706", "10387706", False),  # the same number
    ("10387706", "10380776", False),  # two edits
])
def test_a_typing_error_is_one_character_or_two_neighbours_swapped(
    a: str, b: str, apart: bool
) -> None:
    assert engine.one_edit_apart(a, b) is apart


def test_a_fathers_name_in_the_family_names_field_is_weighed_once() -> None:
    """Two girls called Zahra, each 'Zahra Idris, daughter of Idris', born the same year, from
    two registrations with nothing else in common: the family name is the father's name on both
    records, so it says nothing the father's name does not already say. Counted twice, it merged
    them without a person."""
    girl = dict(given_name="Zahra", family_name="Idris", father_name="Idris", sex="female",
                date_of_birth="2012")
    result, ids = _link([("A", "A", girl), ("B", "B", girl)])
    cluster = _cluster(result)
    assert cluster[ids["A"]] != cluster[ids["B"]]
    pair = _pair(result, ids["A"], ids["B"])
    if pair is not None:
        assert not pair["automatic"]
        family = next(r for r in pair["reasons"] if r["field"] == "family_name")
        assert family["weight"] == 0
