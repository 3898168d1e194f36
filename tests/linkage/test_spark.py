"""The same settings and model on Apache Spark (local mode) give the same decisions as DuckDB,
pair by pair, wherever the two engines' string functions agree.

DuckDB's jaro_winkler_similarity and the Jaro-Winkler of Splink's Spark jar differ a little
(0.804 on DuckDB, under 0.8 on Spark, for Ahmad Shah and Amid Shah): a name pair close to a
level's boundary can fall on either side. Those pairs are found and set aside by their levels;
everything else must be identical.
"""

from __future__ import annotations

from typing import Any

import pytest

from safepassage.linkage import engine
from safepassage.linkage.synthetic_frame import synthetic_frame

pytestmark = [pytest.mark.spark, pytest.mark.slow]

NAMES = ("given_name", "family_name", "father_name")


def _levels(result: Any) -> dict[tuple[int, int], dict[str, str]]:
    return {
        (int(a), int(b)): {r["field"]: r["level"] for r in reasons}
        for a, b, reasons in zip(result.pairs["unique_id_l"], result.pairs["unique_id_r"],
                                 result.pairs["reasons"], strict=True)
    }


def _by_jaro_winkler(one: dict[str, str], other: dict[str, str] | None) -> bool:
    """The two engines' levels of a pair differ only in a name reaching a Jaro-Winkler level
    on one of them (`other` None: the pair fell below the prediction on that engine)."""
    if other is None:
        return any("Jaro-Winkler" in one.get(f, "") for f in NAMES)
    differ = {f for f in one.keys() | other.keys() if one.get(f) != other.get(f)}
    return bool(differ) and differ <= set(NAMES) and all(
        "Jaro-Winkler" in one.get(f, "") or "Jaro-Winkler" in other.get(f, "") for f in differ)


def test_spark_decides_as_duckdb_wherever_their_string_functions_agree() -> None:
    frame, _truth = synthetic_frame(households=30, seed=3)
    model = engine.default_model()
    on_duckdb = engine.link(frame, model=model, explain=True)
    spark = engine.spark_session()
    try:
        on_spark = engine.link(frame, backend="spark", spark=spark, model=model, explain=True)
    finally:
        spark.stop()

    duck, sprk = _levels(on_duckdb), _levels(on_spark)
    apart = set()  # pairs the two Jaro-Winkler functions put at different levels
    for key in duck.keys() | sprk.keys():
        a, b = duck.get(key), sprk.get(key)
        if a == b:
            continue
        assert _by_jaro_winkler(a, b) if a is not None else _by_jaro_winkler(b, None), (key, a, b)
        apart.add(key)
    assert len(apart) < len(duck) / 20  # a few boundary cases, not a different model

    def decided(result: Any) -> dict[tuple[int, int], tuple[float, bool, bool]]:
        return {
            (int(a), int(b)): (round(float(p), 6), bool(auto), bool(queued))
            for a, b, p, auto, queued in zip(
                result.pairs["unique_id_l"], result.pairs["unique_id_r"],
                result.pairs["match_probability"], result.pairs["automatic"],
                result.pairs["queued"], strict=True)
            if (int(a), int(b)) not in apart
        }

    on_both = decided(on_duckdb)
    assert on_both == decided(on_spark)
    assert any(auto for _p, auto, _q in on_both.values())  # some records were merged

    # The clusters: the same, once the records a boundary pair touches are set aside.
    touched = {uid for key in apart for uid in key}

    def groups(result: Any) -> set[frozenset[int]]:
        by: dict[int, set[int]] = {}
        for uid, cid in zip(result.clusters["unique_id"], result.clusters["cluster_id"],
                            strict=True):
            by.setdefault(int(cid), set()).add(int(uid))
        return {frozenset(g) for g in by.values() if not g & touched}

    assert groups(on_spark) == groups(on_duckdb)
    assert len(groups(on_duckdb)) < len(frame) - len(touched)  # some records were merged
