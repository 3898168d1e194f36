"""The independent registrations generator (bench.linkage.independent): the same rows for the
same seed, the documented columns, and the shape of merged organisation lists."""

from __future__ import annotations

from collections import Counter

from bench.linkage import independent_names as pools
from bench.linkage.independent import KEYS, registrations


def test_it_yields_the_same_rows_for_the_same_seed() -> None:
    assert list(registrations(1500, seed=3)) == list(registrations(1500, seed=3))
    assert list(registrations(1500, seed=3)) != list(registrations(1500, seed=4))


def test_it_yields_the_documented_columns_only() -> None:
    for row in registrations(500, seed=1):
        assert tuple(row) == KEYS
        assert row["sex"] in ("M", "F", "")


def test_it_registers_the_people_asked_for_about_1_7_times_each() -> None:
    rows = list(registrations(5000, seed=2))
    people = {r["truth_person"] for r in rows}
    assert len(people) == 5000
    assert 1.5 <= len(rows) / len(people) <= 1.9
    assert len({r["external_id"] for r in rows}) == len(rows)


def test_every_row_of_a_form_comes_from_one_organisation_and_family() -> None:
    rows = list(registrations(3000, seed=5))
    organisations: dict[str, set[str]] = {}
    for r in rows:
        organisations.setdefault(r["household_ref"], set()).add(r["organisation"])
    assert all(len(orgs) == 1 for orgs in organisations.values())
    sizes = Counter(r["household_ref"] for r in rows)
    assert max(sizes.values()) > 5  # whole families listed on one form
    assert sum(1 for n in sizes.values() if n == 1) > len(sizes) / 10  # and people alone


def test_it_carries_the_hazards_the_issue_lists() -> None:
    rows = list(registrations(8000, seed=46))
    tags = Counter(t for r in rows for t in r["noise"].split(";") if t)
    for tag in ("who:twin", "who:sibling-same-name", "who:sibling-similar-name",
                "who:namesake-grandfather", "who:namesake-father", "script:arabic-only",
                "dob:solar-hijri", "dob:solar-hijri-year", "dob:year-only", "dob:jan1",
                "dob:day-month-swapped", "dob:year+-1", "tazkira:typo", "tazkira:paper-or-e",
                "tazkira:father's", "phone:household", "phone:relative-abroad",
                "spelling:french", "spelling:german", "spelling:arabic", "spelling:iranian"):
        assert tags[tag] > 0, tag
    assert 0.1 < tags["phone:household"] / len(rows) < 0.9
    arabic_only = [r for r in rows if "script:latin-empty" in r["noise"]]
    assert arabic_only and all(r["name_native"] and not r["given_name"] for r in arabic_only)


def test_its_name_pools_are_large_and_skewed() -> None:
    male = (len(pools.SIMPLE_MALE) + len(pools.ABDUL_PARTS) + len(pools.ULLAH_PARTS)
            + len(pools.UDDIN_PARTS) + len(pools.MOHAMMAD_SECONDS) + len(pools.PREFIXED_MALE))
    assert male >= 150
    assert len(pools.FEMALE) >= 80
    weights = sorted((w for _, _, w in pools.SIMPLE_MALE), reverse=True)
    assert weights[0] >= 10 * weights[-1]
