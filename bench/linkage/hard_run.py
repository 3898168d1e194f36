"""Link the harder registrations (bench.linkage.hard) and score clusters and review queue.

    PYTHONPATH=src:. .venv/bin/python -m bench.linkage.hard_run --people 20000

The registrations are generated and their features computed once, in a process of their own,
into a parquet file kept under the temporary directory (keyed by people, seed and the source
of the generator and of the features): the link then runs in this process, so that its wall
time, CPU time and peak memory are the linking's alone. `--fresh` makes the file anew.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

# What the cached features depend on: a change to any of these makes a new file.
_FEATURE_SOURCES = (
    "bench/linkage/hard.py",
    "src/safepassage/linkage/features.py",
    "src/safepassage/linkage/name_rules.py",
    "src/safepassage/linkage/names.py",
    "src/safepassage/linkage/synthetic_frame.py",
    "src/safepassage/registry/normalise.py",
)
_ROOT = Path(__file__).resolve().parent.parent.parent


def _peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def features_path(people: int, seed: int) -> Path:
    """Where the features of `people` persons generated with `seed` are kept."""
    digest = hashlib.sha256()
    for name in _FEATURE_SOURCES:
        source = _ROOT / name
        digest.update(source.read_bytes() if source.exists() else name.encode())
    folder = Path(tempfile.gettempdir()) / "safepassage-bench-linkage"
    return folder / f"hard-{people}-{seed}-{digest.hexdigest()[:12]}.parquet"


def prepare(people: int, seed: int) -> dict[str, Any]:
    """Generate the registrations and compute their features into features_path (with the
    truth in a `truth` column); the time and peak memory of doing so."""
    from bench.linkage.hard import registrations
    from safepassage.linkage.synthetic_frame import frame_of_rows

    started = time.perf_counter()
    frame, truth, _ids = frame_of_rows(registrations(people, seed))
    import_s = time.perf_counter() - started
    frame["truth"] = truth.to_numpy()
    path = features_path(people, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    frame.to_parquet(partial, index=False)
    partial.rename(path)
    made = {"import_s": round(import_s, 1), "import_peak_mib": _peak_mib()}
    path.with_suffix(".json").write_text(json.dumps(made))
    return made


def cached_features(people: int, seed: int, *, fresh: bool = False) -> tuple[
        pd.DataFrame, pd.Series, dict[str, Any]]:
    """(features, truth, what making them cost) of the harder registrations: from the cached
    file, made first in a separate process when missing (or `fresh`)."""
    path = features_path(people, seed)
    made: dict[str, Any] = {}
    if fresh or not path.exists():
        done = subprocess.run(
            [sys.executable, "-m", "bench.linkage.hard_run", "--prepare",
             "--people", str(people), "--seed", str(seed)],
            capture_output=True, text=True, check=True,
        )
        made = json.loads(done.stdout.strip().splitlines()[-1])
    elif path.with_suffix(".json").exists():
        made = json.loads(path.with_suffix(".json").read_text())
    frame = pd.read_parquet(path)
    truth = frame.pop("truth")
    return frame, truth, made


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


def run(people: int, seed: int = 21, *, fresh: bool = False) -> dict[str, Any]:
    from bench.linkage.__main__ import _score
    from safepassage.linkage import engine

    frame, truth, made = cached_features(people, seed, fresh=fresh)
    peak_before = _peak_mib()
    started, cpu = time.perf_counter(), time.process_time()
    result = engine.link(frame)
    link_s, link_cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = _peak_mib()  # before scoring, which is the benchmark's and not the linking's
    load = round(os.getloadavg()[0], 1)
    return {
        "data": f"hard {people:,} people / {len(frame):,} records",
        "config": "ours",
        **_score(result.clusters, frame, truth),
        **queue_stats(result, truth, len(frame)),
        **reviewed_score(result, frame, truth),
        "import_s": made.get("import_s", ""),
        "link_s": round(link_s, 1),
        "link_cpu_s": round(link_cpu, 1),
        "peak_mib": peak,
        "peak_before_link_mib": peak_before,
        "import_peak_mib": made.get("import_peak_mib", ""),
        "load": load,
        "train/predict/cluster_s": "/".join(
            str(round(result.timings[k], 1)) for k in ("train_s", "predict_s", "cluster_s")
        ),
        "timings": {k: round(v, 2) for k, v in result.timings.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--fresh", action="store_true",
                        help="generate the registrations anew even if their features are kept")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(prepare(args.people, args.seed)))
        return 0
    print(json.dumps(run(args.people, args.seed, fresh=args.fresh)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
