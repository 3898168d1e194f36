"""Link the harder registrations (bench.linkage.hard) and score clusters and review queue.

PYTHONPATH=src:. .venv/bin/python -m bench.linkage.hard_run --people 20000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from typing import Any

import pandas as pd


def queue_stats(result: Any, truth: pd.Series, records: int) -> dict[str, Any]:
    """The review queue as engine.link leaves it: its size as a share of records and the share
    of its pairs that are one person."""
    pairs = result.pairs
    queued = pairs[pairs["queued"]] if "queued" in pairs else pairs[~pairs["automatic"]]
    t = truth.to_numpy()
    same = t[queued["unique_id_l"].to_numpy()] == t[queued["unique_id_r"].to_numpy()]
    return {
        "queue": len(queued),
        "queue_share": round(len(queued) / max(records, 1), 4),
        "queue_true": round(float(same.mean()) if len(same) else 0.0, 3),
    }


def reviewed_score(result: Any, frame: pd.DataFrame, truth: pd.Series) -> dict[str, Any]:
    """Recall and precision once a caseworker has decided the queue rightly: the automatic
    pairs and the queued pairs that are one person, clustered with the same rules."""
    from bench.linkage.__main__ import _score
    from safepassage.linkage import engine

    pairs = result.pairs
    t = truth.to_numpy()
    same = t[pairs["unique_id_l"].to_numpy()] == t[pairs["unique_id_r"].to_numpy()]
    confirmed = pairs[pairs["queued"].to_numpy() & same]
    households = dict(zip(frame["unique_id"], frame["household"], strict=True))
    accepted = engine.accepted_edges(
        households=households,
        pairs=pairs[pairs["automatic"]],
        must_link=list(
            zip(confirmed["unique_id_l"].tolist(), confirmed["unique_id_r"].tolist(), strict=True)
        ),
        documents=engine.documents_of(frame),
    )
    cluster_of = engine.components(frame["unique_id"].tolist(), accepted)
    clusters = pd.DataFrame(
        {"unique_id": list(cluster_of), "cluster_id": list(cluster_of.values())}
    )
    score = _score(clusters, frame, truth)
    return {"reviewed_precision": score["precision"], "reviewed_recall": score["recall"]}


def run(people: int, seed: int = 21) -> dict[str, Any]:
    from bench.linkage.__main__ import _score
    from bench.linkage.hard import registrations
    from safepassage.linkage import engine
    from safepassage.linkage.synthetic_frame import frame_of_rows

    started, cpu = time.perf_counter(), time.process_time()
    frame, truth, _ids = frame_of_rows(registrations(people, seed))
    import_s = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    result = engine.link(frame)
    link_s, link_cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "data": f"hard {people:,} people / {len(frame):,} records",
        "config": "ours",
        **_score(result.clusters, frame, truth),
        **queue_stats(result, truth, len(frame)),
        **reviewed_score(result, frame, truth),
        "import_s": round(import_s, 1),
        "link_s": round(link_s, 1),
        "link_cpu_s": round(link_cpu, 1),
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load": round(os.getloadavg()[0], 1),
        "train/predict/cluster_s": "/".join(
            str(round(result.timings[k], 1)) for k in ("train_s", "predict_s", "cluster_s")
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=21)
    args = parser.parse_args()
    print(json.dumps(run(args.people, args.seed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
