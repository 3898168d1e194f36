"""The pairs between two registrations are counted and grouped in numpy at a million records:
the same groups as one key per pair of households, whichever side each household is on."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd

from safepassage.linkage import engine


def _same_groups(codes: np.ndarray, keys: list[str]) -> bool:
    """Whether two labellings put the same pairs together."""
    return bool(len(set(zip(codes.tolist(), keys, strict=True))) == len(set(codes.tolist()))
                == len(set(keys)))


def test_a_pair_of_registrations_has_one_code_whichever_side_each_is_on() -> None:
    left = pd.Series(["A", "B", "A", "C", "B", "C"])
    right = pd.Series(["B", "A", "C", "A", "C", "B"])
    codes = engine._family_codes(left, right)
    assert codes[0] == codes[1] != codes[2] == codes[3] != codes[4] == codes[5]
    assert codes[0] != codes[4]


def test_the_codes_group_pairs_as_the_household_keys_do() -> None:
    rng = random.Random(3)
    households = [f"R{n}" for n in range(40)] + ["12", "R1\x1fR2"]
    left = pd.Series([rng.choice(households) for _ in range(2000)])
    right = pd.Series([rng.choice(households) for _ in range(2000)])
    assert _same_groups(engine._family_codes(left, right), engine._family_key(left, right))


def test_a_pair_gains_only_from_another_pair_of_the_same_two_registrations() -> None:
    """One certain pair between A and B lifts the other eligible pairs between A and B (either
    way round), not itself nor a pair between A and C; two probable pairs between C and D lift
    each other; a pair that is not eligible never gains."""
    households = {1: "A", 2: "A", 3: "B", 4: "B", 5: "C", 6: "C", 7: "D", 8: "D", 9: "B"}
    pairs = pd.DataFrame({
        "unique_id_l": [1, 4, 2, 1, 5, 6, 5],
        "unique_id_r": [3, 2, 9, 5, 7, 8, 8],
        "match_weight": [20.0, -2.0, 0.0, 0.0, 1.0, 1.0, -3.0],
    })
    pairs["match_probability"] = 1 / (1 + 2 ** -pairs["match_weight"])
    eligible = np.array([True, True, False, True, True, True, True])
    out = engine.corroborated_by_household(pairs, households=households, prior=1e-6,
                                           certain=0.98, eligible=eligible)
    gained = (out["match_weight"] > pairs["match_weight"]).tolist()
    assert gained == [False, True, False, False, True, True, False]


def _components_by_union_find(ids: list[int], edges: list[tuple[int, int]]) -> dict[int, int]:
    """The clusters as a union-find gives them, one edge at a time: the reference."""
    parent = {i: i for i in ids}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {i: find(i) for i in list(parent)}


def test_a_cluster_is_named_by_its_lowest_record_whatever_the_order_of_its_edges() -> None:
    clusters = engine.components([5, 3, 9, 1, 7], [(9, 5), (5, 3), (7, 12)])
    assert clusters == {5: 3, 3: 3, 9: 3, 1: 1, 7: 7, 12: 7}
    assert list(clusters) == [5, 3, 9, 1, 7, 12]  # ids given, then ids only in the edges
    assert engine.components([], []) == {}
    assert engine.components([4, 2], []) == {4: 4, 2: 2}


def test_the_clusters_are_those_of_a_union_find() -> None:
    rng = random.Random(5)
    ids = rng.sample(range(10_000), 3000)
    edges = [(rng.choice(ids), rng.randrange(10_000)) for _ in range(2500)]
    found = engine.components(ids, edges)
    reference = _components_by_union_find(ids, edges)
    assert found == reference
    assert list(found) == list(reference)


def _scored_pairs(features: pd.DataFrame, *, ours: bool) -> set[tuple[int, int, str]]:
    from splink import Linker

    db_api = engine.make_db_api()
    table = db_api.register(features)
    linker = Linker(table, engine.afghan_settings(term_frequencies=False))
    if ours:
        engine._register_blocked_pairs(linker, db_api=db_api, table=table.physical_name)
    scored = linker.inference.predict(warning_mode="never").as_pandas_dataframe()
    return set(zip(scored["unique_id_l"], scored["unique_id_r"], scored["match_key"],
                   strict=True))


def test_the_blocked_pairs_are_those_of_splinks_own_blocking() -> None:
    """Each rule's pairs computed on their own and kept once, with the first rule that found
    them: the pairs and match keys Splink's own blocking gives."""
    from safepassage.linkage.synthetic_frame import synthetic_frame

    frame, _truth = synthetic_frame(households=300, seed=5)
    features = engine.typed_features(frame)
    ours = _scored_pairs(features, ours=True)
    assert len({key for _l, _r, key in ours}) > 5  # pairs from several rules
    assert ours == _scored_pairs(features, ours=False)
