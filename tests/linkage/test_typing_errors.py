"""A person registered twice with typing errors that no single blocking key survives: without a
father's name, a misspelt given name is still compared through the family name and the birth
day."""

from __future__ import annotations

import importlib
from typing import Any

import pandas as pd
from django.apps import apps as django_apps

from safepassage.linkage import engine
from safepassage.linkage.features import NAMES_EITHER_WAY, blocking_key_values, features_of_row
from safepassage.linkage.models import BlockKey, CandidatePair, PersonFeatures
from safepassage.linkage.services import _digest
from safepassage.registry.services import PersonData
from tests.conftest import person

_migration = importlib.import_module(
    "safepassage.linkage.migrations.0003_family_and_birth_day_block_keys"
)
add_keys, NEW_KEY = _migration.add_keys, _migration.NEW_KEY
_names_either_way_migration = importlib.import_module(
    "safepassage.linkage.migrations.0004_names_either_way_block_keys"
)


def _linked(rows: list[dict[str, str]], *, explain: bool = False) -> engine.LinkageResult:
    frame = pd.DataFrame.from_records(
        [{"unique_id": n, "household": f"H{n}", **features_of_row(row)}
         for n, row in enumerate(rows)]
    )
    return engine.link(frame, model=engine.default_model(), explain=explain)


def test_a_misspelt_given_name_without_a_fathers_name_is_proposed_as_a_duplicate() -> None:
    result = _linked([
        dict(given_name="Zabihullah", family_name="Ahmadzai", date_of_birth="14/03/1985",
             sex="male"),
        dict(given_name="Zabiullah", family_name="Ahmadzai", date_of_birth="1985-03-14",
             sex="male"),
    ])

    pair = result.pairs[(result.pairs["unique_id_l"] == 0) & (result.pairs["unique_id_r"] == 1)]
    assert len(pair) == 1
    assert pair["match_probability"].iloc[0] >= engine.REVIEW_PROBABILITY


def test_one_wrong_digit_in_the_birth_date_still_counts_for_the_person() -> None:
    rows = [
        dict(given_name="Zabihullah", family_name="Ahmadzai", father_name="Abdul Rahim",
             date_of_birth="14/03/1985", sex="male"),
        dict(given_name="Zabihullah", family_name="Ahmadzai", father_name="Abdul Rahim",
             date_of_birth="14/03/1995", sex="male"),
    ]

    reasons = _linked(rows, explain=True).pairs["reasons"].iloc[0]

    birth = next(r for r in reasons if r["field"] == "date_of_birth")
    assert birth["level"] == "one digit typed wrong"
    assert birth["weight"] > 0


def _forget_keys_starting_with(prefix: str) -> None:
    """Delete the stored blocking keys whose text begins with `prefix`, as for persons
    registered before blocking_key_values gave them."""
    BlockKey.objects.filter(digest__in=[
        _digest(v) for f in PersonFeatures.objects.all()
        for v in blocking_key_values(f.data) if v.startswith(prefix)
    ]).delete()


def _without_father(**overrides: Any) -> PersonData:
    return person(father_name="", name_native="", phones=[], tazkira_number="",
                  passport_number="", **overrides)


def test_persons_registered_before_the_family_and_birth_day_key_are_found_through_it(
    make_case: Any,
) -> None:
    make_case(_without_father())
    _forget_keys_starting_with("|".join(NEW_KEY) + "=")  # as registered before the key existed

    add_keys(django_apps, None)
    make_case(_without_father(given_name="Zabiullah", family_name="Stanekzai"))

    assert CandidatePair.objects.count() == 1


def test_given_and_family_names_swapped_count_once_and_less_than_the_names_in_place() -> None:
    in_place = dict(given_name="Freshta", family_name="Stanikzai", date_of_birth="14/03/1985",
                    sex="female")
    swapped = {**in_place, "given_name": "Stanikzai", "family_name": "Freshta"}

    pairs = _linked([in_place, swapped, dict(in_place)], explain=True).pairs.set_index(
        ["unique_id_l", "unique_id_r"])

    swap, same = pairs.loc[(0, 1)], pairs.loc[(0, 2)]
    names = {r["field"]: r for r in swap["reasons"]}
    assert names["given_name"]["level"] == names["family_name"]["level"] == (
        "given and family names swapped")
    assert names["given_name"]["weight"] > 0 and names["family_name"]["weight"] == 0
    assert 0 < swap["match_weight"] < same["match_weight"]
    assert swap["match_probability"] >= engine.REVIEW_PROBABILITY


def test_a_person_registered_again_with_given_and_family_name_swapped_is_found_at_once(
    make_case: Any,
) -> None:
    make_case(_without_father())
    make_case(_without_father(given_name="Stanikzai", family_name="Zabihullah"))

    pair = CandidatePair.objects.get()
    assert {r["level"] for r in pair.reasons if r["field"] in {"given_name", "family_name"}} == {
        "given and family names swapped"}


def test_persons_registered_before_the_names_either_way_key_are_found_through_it(
    make_case: Any,
) -> None:
    make_case(_without_father())
    _forget_keys_starting_with(NAMES_EITHER_WAY)  # as registered before the key existed

    _names_either_way_migration.add_keys(django_apps, None)
    make_case(_without_father(given_name="Stanikzai", family_name="Zabihullah"))

    assert CandidatePair.objects.count() == 1


def test_a_father_and_son_of_one_name_born_on_the_same_day_of_the_year_are_not_merged() -> None:
    father = dict(given_name="Mohammad", family_name="Stanikzai", father_name="Abdul Rahman",
                  date_of_birth="03/05/1960", phone="+93791234567", sex="male")
    son = {**father, "father_name": "Mohammad", "date_of_birth": "03/05/1990"}  # 30 years on
    typed_wrong = {**father, "date_of_birth": "03/05/1961"}  # the same man, one digit wrong

    pairs = _linked([father, son, typed_wrong], explain=True).pairs.set_index(
        ["unique_id_l", "unique_id_r"])

    birth = {r["field"]: r["level"] for r in pairs.loc[(0, 1), "reasons"]}["date_of_birth"]
    assert birth == "one digit typed wrong"  # 1960 and 1990 differ in one digit
    assert not pairs.loc[(0, 1), "automatic"]
    assert pairs.loc[(0, 2), "automatic"]
