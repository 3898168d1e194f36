"""The same settings and model on Apache Spark (local mode) give the same clusters as DuckDB."""

from __future__ import annotations

import pytest

from safepassage.linkage import engine
from safepassage.linkage.synthetic_frame import synthetic_frame

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def test_spark_produces_the_same_clusters_as_duckdb() -> None:
    frame, _truth = synthetic_frame(households=30, seed=3)
    model = engine.default_model()
    on_duckdb = engine.link(frame, model=model)
    spark = engine.spark_session()
    try:
        on_spark = engine.link(frame, backend="spark", spark=spark, model=model)
    finally:
        spark.stop()

    def groups(clusters) -> set[frozenset[int]]:
        by: dict[int, set[int]] = {}
        for uid, cid in zip(clusters["unique_id"], clusters["cluster_id"], strict=True):
            by.setdefault(int(cid), set()).add(int(uid))
        return {frozenset(g) for g in by.values()}

    def merged(result) -> set[tuple[int, int]]:
        strong = result.pairs[result.pairs["match_probability"] >= engine.AUTO_MERGE_PROBABILITY]
        return set(zip(strong["unique_id_l"].astype(int), strong["unique_id_r"].astype(int),
                       strict=True))

    assert merged(on_spark) == merged(on_duckdb) != set()
    assert groups(on_spark.clusters) == groups(on_duckdb.clusters)
    assert len(groups(on_duckdb.clusters)) < len(frame)  # some records were merged
