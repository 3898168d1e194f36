"""One family registered three times by three organisations: variants merge; twins, siblings
sharing the household phone, and a son named after his father stay apart."""

from __future__ import annotations

import math
from itertools import combinations

import pandas as pd
import pytest

from safepassage.linkage import engine
from safepassage.linkage.features import features_of_row

# (record, household registration, true person, raw row as an organisation sent it)
FAMILY = [
    ("A1", "A", "father", dict(given_name="Mohammad", family_name="Stanikzai",
                               father_name="Abdul Rahman", date_of_birth="03/05/1960",
                               phone="+93791234567", tazkira_number="1398-0101-12345",
                               sex="male")),
    ("A2", "A", "son", dict(given_name="Mohammad", family_name="Stanikzai",
                            father_name="Mohammad", date_of_birth="11/02/1988",
                            phone="+93791234567", sex="male")),
    ("A3", "A", "twin1", dict(given_name="Farid", family_name="Stanikzai",
                              father_name="Mohammad", date_of_birth="07/07/2010",
                              phone="+93791234567", sex="male")),
    ("A4", "A", "twin2", dict(given_name="Khalid", family_name="Stanikzai",
                              father_name="Mohammad", date_of_birth="07/07/2010",
                              phone="+93791234567", sex="male")),
    ("A5", "A", "sister", dict(given_name="Zahra", family_name="Stanikzai",
                               father_name="Mohammad", date_of_birth="09/09/2005",
                               phone="+93791234567", sex="female")),
    ("B1", "B", "father", dict(given_name="MUHAMMAD", family_name="Stanikzay",
                               father_name="Abdurrahman", date_of_birth="1960",
                               phone="0791234567", tazkira_number="1398 0101 12345",
                               sex="male")),
    ("B2", "B", "son", dict(given_name="Mohd", family_name="Stanekzai", father_name="Muhammad",
                            date_of_birth="1366/11/22", phone="0093791234567", sex="male")),
    ("B3", "B", "twin1", dict(given_name="Fareed", family_name="Stanikzai",
                              father_name="Mohammed", date_of_birth="2010-07-07",
                              phone="079-123-4567", sex="male")),
    ("B4", "B", "twin2", dict(given_name="Khaled", family_name="Stanikzai",
                              father_name="Mohammed", date_of_birth="2010-07-07",
                              phone="079-123-4567", sex="male")),
    ("B5", "B", "sister", dict(given_name="Zohra", family_name="Stanikzai",
                               father_name="Mohammed", date_of_birth="2005",
                               phone="079-123-4567", sex="female")),
    ("C1", "C", "father", dict(name_native="محمد ستانکزی", father_name="Abdul Rahman",
                               date_of_birth="1339/02/13", phone="+93 79 123 4567",
                               sex="male")),
]


@pytest.fixture(scope="module")
def linked() -> tuple[dict[str, int], dict[tuple[str, str], float]]:
    frame = pd.DataFrame.from_records(
        [{"unique_id": n, "household": household, **features_of_row(row)}
         for n, (_name, household, _truth, row) in enumerate(FAMILY)]
    )
    result = engine.link(frame, model=engine.default_model())
    names = [name for name, *_ in FAMILY]
    cluster = dict(zip(result.clusters["unique_id"], result.clusters["cluster_id"], strict=True))
    probability = {
        (names[int(r.unique_id_l)], names[int(r.unique_id_r)]): float(r.match_probability)
        for r in result.pairs.itertuples()
    }
    return {names[i]: c for i, c in cluster.items()}, probability


def test_spelling_variants_dates_in_other_calendars_and_phone_formats_merge(linked) -> None:
    cluster, _p = linked
    for one, other in [("A1", "B1"), ("A2", "B2"), ("A3", "B3"), ("A4", "B4"), ("A5", "B5")]:
        assert cluster[one] == cluster[other], (one, other)


def test_a_name_written_only_in_arabic_script_merges_with_its_latin_spelling(linked) -> None:
    cluster, _p = linked
    assert cluster["C1"] == cluster["A1"]


def test_twins_with_one_birth_date_and_one_phone_stay_apart(linked) -> None:
    cluster, _p = linked
    assert cluster["A3"] != cluster["A4"]
    assert cluster["B3"] != cluster["A4"]


def test_a_son_named_after_his_father_stays_apart_from_him(linked) -> None:
    cluster, probability = linked
    assert cluster["A1"] != cluster["A2"]
    assert probability.get(("A1", "B2"), 0.0) < engine.REVIEW_PROBABILITY


def test_siblings_sharing_the_household_phone_stay_apart(linked) -> None:
    cluster, _p = linked
    people = {truth: name for name, _h, truth, _r in FAMILY if name.startswith("A")}
    for one, other in combinations(people.values(), 2):
        assert cluster[one] != cluster[other], (one, other)


def test_exactly_the_true_people_come_out(linked) -> None:
    cluster, _p = linked
    truth = {name: person for name, _h, person, _r in FAMILY}
    by_cluster: dict[int, set[str]] = {}
    for name, c in cluster.items():
        by_cluster.setdefault(c, set()).add(truth[name])
    assert all(len(people) == 1 for people in by_cluster.values())
    assert len(by_cluster) == len(set(truth.values()))


def test_a_full_run_explains_each_pair_by_the_level_each_field_reached() -> None:
    """What the review queue shows after `safepassage link`: the level of every field compared,
    not only its weight (Splink 5 drops the level columns unless told to keep them)."""
    frame = pd.DataFrame.from_records(
        [{"unique_id": n, "household": household, **features_of_row(row)}
         for n, (_name, household, _truth, row) in enumerate(FAMILY)]
    )
    result = engine.link(frame, model=engine.default_model(), explain=True)
    names = [name for name, *_ in FAMILY]
    pair = next(
        r for r in result.pairs.itertuples()
        if {names[int(r.unique_id_l)], names[int(r.unique_id_r)]} == {"A1", "B1"}
    )
    levels = {reason["field"]: reason["level"] for reason in pair.reasons}
    assert levels["tazkira"] == "Exact match on tazkira"
    assert levels["date_of_birth"] == "imprecise date compatible"
    assert levels["email"] == "missing"  # neither record has one
    # The weights shown add up to the pair's weight (with the prior): how common each name is
    # (term frequency) counts in its field's weight.
    prior = result.model["probability_two_random_records_match"]
    shown = math.log2(prior / (1 - prior)) + sum(r["weight"] for r in pair.reasons)
    assert shown == pytest.approx(pair.match_weight, abs=0.1)


def test_a_relative_abroad_registering_with_their_own_phone_is_not_counted_as_a_different_phone(
) -> None:
    """The same person, once with his own Afghan number and once by a brother in Germany with
    the brother's number: a level of its own, weighing less against the pair than two
    different Afghan numbers."""
    person = dict(given_name="Zabihullah", family_name="Stanikzai", father_name="Abdul Rahman",
                  date_of_birth="1987", sex="male")
    rows = [("A", "+93791234567"), ("B", "+4915112345678"), ("C", "+93701111111")]
    frame = pd.DataFrame.from_records(
        [{"unique_id": n, "household": household, **features_of_row({**person, "phone": phone})}
         for n, (household, phone) in enumerate(rows)]
    )
    scored = engine.score_pairs(
        left=frame.iloc[:1], right=frame.iloc[1:], model=engine.default_model(), threshold=0.0
    )
    phone = {
        int(r.unique_id_r): next(x for x in r.reasons if x["field"] == "phone")
        for r in scored.itertuples()
    }
    assert phone[1]["level"] == "phones with different country prefixes"
    assert phone[2]["level"] == "All other comparisons"
    assert phone[1]["weight"] > phone[2]["weight"]


def _linked(records: list[tuple[str, str, dict[str, str]]]) -> dict[str, int]:
    frame = pd.DataFrame.from_records(
        [{"unique_id": n, "household": household, **features_of_row(row)}
         for n, (_name, household, row) in enumerate(records)]
    )
    result = engine.link(frame, model=engine.default_model())
    cluster = dict(zip(result.clusters["unique_id"], result.clusters["cluster_id"], strict=True))
    return {name: cluster[n] for n, (name, *_rest) in enumerate(records)}


FATHER = dict(given_name="Mohammad", family_name="Stanikzai", father_name="Abdul Rahman",
              date_of_birth="03/05/1960", phone="+93791234567", sex="male")
TWIN = dict(family_name="Stanikzai", father_name="Mohammad", date_of_birth="07/07/2010",
            phone="+93791234567", sex="male")


def test_a_family_registered_twice_brings_its_weaker_pairs_over_the_threshold() -> None:
    """The fathers match with certainty, so the two registrations are one family: the son, given
    only a year of birth and no phone by the relative abroad, joins his other record."""
    son = dict(given_name="Farid", family_name="Stanikzai", father_name="Mohammad", sex="male")
    cluster = _linked([
        ("A-father", "A", FATHER), ("A-son", "A", {**son, "date_of_birth": "07/07/2010",
                                                   "phone": "+93791234567"}),
        ("B-father", "B", {**FATHER, "phone": "+4915112345678", "date_of_birth": "1960"}),
        ("B-son", "B", {**son, "date_of_birth": "2010"}),
    ])
    assert cluster["A-father"] == cluster["B-father"]
    assert cluster["A-son"] == cluster["B-son"]


def test_twins_in_two_registrations_of_one_family_stay_apart() -> None:
    """Each registration lists the father and one twin: the fathers match, yet the twins (one
    birth date, one phone, one father, two given names) are two people."""
    cluster = _linked([
        ("A-father", "A", FATHER), ("A-twin", "A", {**TWIN, "given_name": "Farid"}),
        ("B-father", "B", FATHER), ("B-twin", "B", {**TWIN, "given_name": "Khalid"}),
    ])
    assert cluster["A-father"] == cluster["B-father"]
    assert cluster["A-twin"] != cluster["B-twin"]


def test_training_on_records_without_fathers_names_keeps_every_name_comparison() -> None:
    """No organisation sent fathers' names: the blocking on them yields nothing, and training
    must go on with the names still compared (Splink dropped them when that blocking failed)."""
    from safepassage.linkage.synthetic_frame import synthetic_frame

    frame, _truth = synthetic_frame(households=250, seed=5)
    frame["father_key"] = None
    frame["father_skel"] = None
    result = engine.link(frame)
    compared = [c["output_column_name"] for c in result.model["comparisons"]]
    assert {"given_name", "family_name", "date_of_birth"} <= set(compared)


def test_training_on_registrations_without_a_single_duplicate_does_not_fail() -> None:
    """Every person registered once (the demo's population): the deterministic rules find no
    match, Splink's prior comes out 0, and training must still finish with every comparison."""
    from safepassage.linkage.synthetic_frame import synthetic_frame

    frame, truth = synthetic_frame(households=250, seed=9)
    once = frame[~truth.duplicated().to_numpy()]
    for rule in (["tazkira"], ["passport"], ["given_key", "father_key", "family_key", "dob_lo"]):
        shared = once[rule].notna().all(axis=1) & once.duplicated(subset=rule, keep=False)
        once = once[~shared]
    result = engine.link(once)
    pairs = len(once) * (len(once) - 1) / 2
    assert result.model["probability_two_random_records_match"] == pytest.approx(1 / pairs)
    compared = [c["output_column_name"] for c in result.model["comparisons"]]
    assert {"given_name", "family_name", "father_name", "date_of_birth"} <= set(compared)
    assert not result.pairs["automatic"].any()


def test_a_son_of_his_fathers_name_in_a_family_registered_twice_is_not_merged_with_him() -> None:
    """The fathers of two registrations match with certainty, so the registrations are one
    family; the son has his father's given name, father's name and phone, but was born 32 years
    later: the family's prior must not make him his father."""
    hamid = dict(given_name="Hamid", family_name="Hashimi", father_name="Hamid", sex="male",
                 phone="+93788716099")
    records = [
        ("A-father", "A", {**hamid, "date_of_birth": "07/07/1967",
                           "tazkira_number": "1397-1880-23395"}),
        ("A-mother", "A", dict(given_name="Shabana", family_name="Hashimi", father_name="Wahid",
                               sex="female", phone="+93788716099", date_of_birth="1970")),
        ("B-father", "B", {**hamid, "date_of_birth": "1967-07-07",
                           "tazkira_number": "1397 1880 23395"}),
        ("B-son", "B", {**hamid, "date_of_birth": "27/05/1999"}),
    ]
    frame = pd.DataFrame.from_records(
        [{"unique_id": n, "household": household, **features_of_row(row)}
         for n, (_name, household, row) in enumerate(records)]
    )
    result = engine.link(frame, model=engine.default_model(), explain=True)
    pairs = result.pairs.set_index(["unique_id_l", "unique_id_r"])
    assert pairs.loc[(0, 2), "automatic"]  # the fathers
    # Their names and the family phone give the pair a high probability: a caseworker decides.
    son_and_father = pairs.loc[(0, 3)]
    assert not son_and_father["automatic"]
    assert "household" not in {r["field"] for r in son_and_father["reasons"]}
    cluster = dict(zip(result.clusters["unique_id"], result.clusters["cluster_id"], strict=True))
    assert cluster[0] == cluster[2] and cluster[0] != cluster[3]


def test_one_tazkira_merges_a_person_whose_birth_date_was_written_decades_wrong() -> None:
    """A birth date far off (a clerk's error, an age guessed) does not stop an automatic merge
    when the tazkira number is the same: a father and his son never share one."""
    cluster = _linked([
        ("first", "A", {**FATHER, "tazkira_number": "1398-0101-12345"}),
        ("again", "B", {**FATHER, "date_of_birth": "11/09/1985",
                        "tazkira_number": "1398 0101 12345"}),
    ])
    assert cluster["first"] == cluster["again"]
