"""Link the independent registrations (bench.linkage.independent), score them like
bench.linkage.hard_run, and explain the errors by the noise recorded on each row.

    PYTHONPATH=src:. .venv/bin/python -m bench.linkage.independent_run --people 20000

Prints one JSON line of figures; writes the error analysis, with example pairs, to
bench/results/linkage-independent-<people>.txt (or --errors PATH).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

RESULTS = Path(__file__).resolve().parent.parent / "results"
EXAMPLE_FIELDS = ("given_name", "family_name", "father_name", "name_native", "date_of_birth",
                  "sex", "phone", "tazkira_number", "passport_number", "household_ref",
                  "organisation")


def family_groups(rows: Sequence[dict[str, str]]) -> list[int]:
    """For each row, its family: forms joined through the people they share."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in rows:
        a, b = find("f" + r["household_ref"]), find("p" + r["truth_person"])
        if a != b:
            parent[a] = b
    roots: dict[str, int] = {}
    return [roots.setdefault(find("f" + r["household_ref"]), len(roots)) for r in rows]


def relation(rows: Sequence[dict[str, str]], families: Sequence[int], i: int, j: int) -> str:
    if rows[i]["household_ref"] == rows[j]["household_ref"]:
        return "same form"
    if families[i] == families[j]:
        return "same family, other form"
    return "unrelated families"


def tags_of(row: dict[str, str]) -> set[str]:
    return {t for t in row["noise"].split(";") if t}


def pair_tags(rows: Sequence[dict[str, str]], i: int, j: int) -> set[str]:
    """The tags of either row; a person's "who:" tags once."""
    return tags_of(rows[i]) | tags_of(rows[j])


def true_pairs(truth: Sequence[str]) -> Iterable[tuple[int, int]]:
    by_person: dict[str, list[int]] = defaultdict(list)
    for n, person in enumerate(truth):
        by_person[person].append(n)
    for members in by_person.values():
        yield from itertools.combinations(members, 2)


def analyse(rows: Sequence[dict[str, str]], cluster_of: Sequence[int],
            *, examples: int = 5, top: int = 15) -> tuple[dict[str, Any], str]:
    """Missed true pairs and false pairs, counted by relation and by noise tag, with the
    share of the tag among the pairs of the same kind that were right (its base rate)."""
    truth = [r["truth_person"] for r in rows]
    families = family_groups(rows)
    missed, found = [], []
    for i, j in true_pairs(truth):
        (found if cluster_of[i] == cluster_of[j] else missed).append((i, j))
    by_cluster: dict[int, list[int]] = defaultdict(list)
    for n, c in enumerate(cluster_of):
        by_cluster[c].append(n)
    false = [(i, j) for members in by_cluster.values()
             for i, j in itertools.combinations(members, 2) if truth[i] != truth[j]]
    # Different people of one family: what false pairs are most often drawn from.
    kin_total = 0
    kin_tags: Counter[str] = Counter()
    by_family: dict[int, list[int]] = defaultdict(list)
    for n, f in enumerate(families):
        by_family[f].append(n)
    for members in by_family.values():
        for i, j in itertools.combinations(members, 2):
            if truth[i] != truth[j]:
                kin_total += 1
                kin_tags.update(pair_tags(rows, i, j))
    found_tags: Counter[str] = Counter()
    for i, j in found:
        found_tags.update(pair_tags(rows, i, j))

    report: dict[str, Any] = {"true_pairs": len(missed) + len(found), "missed": len(missed),
                              "false_pairs": len(false)}
    lines = [f"true pairs {report['true_pairs']:,}, missed {len(missed):,}, "
             f"false pairs {len(false):,}", ""]
    sections = (("missed true pairs", missed, found_tags, len(found), "found true pairs"),
                ("false pairs", false, kin_tags, kin_total,
                 "pairs of different people in one family"))
    for title, pairs, base, base_total, base_name in sections:
        relations = Counter(relation(rows, families, i, j) for i, j in pairs)
        counts: Counter[str] = Counter()
        examples_of: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, j in pairs:
            for tag in pair_tags(rows, i, j):
                counts[tag] += 1
                if len(examples_of[tag]) < examples:
                    examples_of[tag].append((i, j))
        combos: Counter[str] = Counter()
        for i, j in pairs:
            combos[" + ".join(sorted(_salient(pair_tags(rows, i, j))))] += 1
        report[title] = {"relations": dict(relations),
                         "tags": counts.most_common(top), "combinations": combos.most_common(top)}
        lines.append(f"== {title}: {len(pairs):,}")
        lines.append("by relation: " + ", ".join(f"{k} {v:,} ({v / max(len(pairs), 1):.0%})"
                                                  for k, v in relations.most_common()))
        lines.append(f"top {top} tags (tag on either row; share of these pairs, share among "
                     f"{base_name}):")
        for tag, n in counts.most_common(top):
            lines.append(f"  {n:7,}  {n / max(len(pairs), 1):5.1%}  "
                         f"(base {base[tag] / max(base_total, 1):5.1%})  {tag}")
        lines.append(f"top {top} combinations of the telling tags (dob, name, script, "
                     "family, tazkira, who):")
        for combo, n in combos.most_common(top):
            lines.append(f"  {n:7,}  {n / max(len(pairs), 1):5.1%}  {combo or '(none)'}")
        lines.append("")
        for tag, _n in counts.most_common(5):
            lines.append(f"-- examples of {title} with {tag}")
            for i, j in examples_of[tag]:
                lines.append(f"   [{relation(rows, families, i, j)}]")
                for n in (i, j):
                    r = rows[n]
                    shown = " | ".join(f"{k}={r[k]}" for k in EXAMPLE_FIELDS if r[k])
                    lines.append(f"     {r['truth_person']}: {shown}")
                    lines.append(f"       noise: {r['noise']}")
            lines.append("")
    return report, "\n".join(lines)


_TELLING = ("dob:", "name:", "script:", "family:", "tazkira:", "who:", "typo:", "father:")


def _salient(tags: set[str]) -> set[str]:
    """The tags that say what made a pair hard, without the everyday ones (a household phone,
    a field not asked)."""
    dull = {"tazkira:not-asked", "tazkira:none", "father:not-asked", "family:none"}
    return {t for t in tags if t.startswith(_TELLING) and t not in dull}


def run(people: int, seed: int = 46, errors: Path | None = None) -> dict[str, Any]:
    from bench.linkage.__main__ import _score
    from bench.linkage.hard_run import queue_stats, reviewed_score
    from bench.linkage.independent import registrations
    from safepassage.linkage import engine
    from safepassage.linkage.synthetic_frame import frame_of_rows

    rows = list(registrations(people, seed))
    started, cpu = time.perf_counter(), time.process_time()
    frame, truth, ids = frame_of_rows(rows)
    import_s = time.perf_counter() - started
    if list(ids) != [r["external_id"] for r in rows]:
        raise RuntimeError("the feature frame is not in the order of the rows")
    started, cpu = time.perf_counter(), time.process_time()
    result = engine.link(frame)
    link_s, link_cpu = time.perf_counter() - started, time.process_time() - cpu
    load = round(os.getloadavg()[0], 1)
    figures = {
        "data": f"independent {people:,} people / {len(frame):,} records",
        **_score(result.clusters, frame, truth),
        **queue_stats(result, truth, len(frame)),
        **reviewed_score(result, frame, truth),
        "import_s": round(import_s, 1),
        "link_s": round(link_s, 1),
        "link_cpu_s": round(link_cpu, 1),
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load": load,
        "train/predict/cluster_s": "/".join(
            str(round(result.timings[k], 1)) for k in ("train_s", "predict_s", "cluster_s")
        ),
    }
    clusters = result.clusters.set_index("unique_id")["cluster_id"]
    predicted = clusters.reindex(frame["unique_id"])
    # A record no cluster holds is alone: give it a cluster of its own.
    cluster_of = [int(c) if not pd.isna(c) else -1 - n for n, c in enumerate(predicted)]
    started = time.perf_counter()
    report, text = analyse(rows, cluster_of)
    figures["analysis_s"] = round(time.perf_counter() - started, 1)
    path = errors or RESULTS / f"linkage-independent-{people}.txt"
    path.write_text(f"{json.dumps(figures)}\n\n{text}\n", encoding="utf-8")
    figures["errors_file"] = str(path)
    figures["missed_top"] = report["missed true pairs"]["tags"][:5]
    figures["false_top"] = report["false pairs"]["tags"][:5]
    return figures


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=46)
    parser.add_argument("--errors", type=Path, help="where to write the error analysis")
    args = parser.parse_args()
    print(json.dumps(run(args.people, args.seed, args.errors)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
