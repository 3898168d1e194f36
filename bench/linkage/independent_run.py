"""Link the independent registrations (bench.linkage.independent), score them like
bench.linkage.hard_run, and explain the errors by the noise recorded on each row.

    PYTHONPATH=src:. .venv/bin/python -m bench.linkage.independent_run --people 20000

Prints one JSON line of figures; writes the error analysis, with example pairs, to
bench/results/linkage-independent-<people>.txt (or --errors PATH).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import itertools
import json
import os
import re
import resource
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

RESULTS = Path(__file__).resolve().parent.parent / "results"
REGISTERED_BY = dt.date(2021, 8, 31)
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
        combo_examples: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, j in pairs:
            combo = category(pair_tags(rows, i, j))
            combos[combo] += 1
            if len(combo_examples[combo]) < examples:
                combo_examples[combo].append((i, j))
        agreements = Counter(agreement(rows, i, j) for i, j in pairs)
        report[title] = {"relations": dict(relations), "agreement": agreements.most_common(top),
                         "tags": counts.most_common(top), "categories": combos.most_common(top)}
        lines.append(f"== {title}: {len(pairs):,}")
        lines.append("by relation: " + ", ".join(f"{k} {v:,} ({v / max(len(pairs), 1):.0%})"
                                                  for k, v in relations.most_common()))
        lines.append(f"top {top} tags (tag on either row; share of these pairs, share among "
                     f"{base_name}):")
        for tag, n in counts.most_common(top):
            lines.append(f"  {n:7,}  {n / max(len(pairs), 1):5.1%}  "
                         f"(base {base[tag] / max(base_total, 1):5.1%})  {tag}")
        lines.append(f"top {top} categories (the kinds of noise on the two rows):")
        for combo, n in combos.most_common(top):
            lines.append(f"  {n:7,}  {n / max(len(pairs), 1):5.1%}  {combo}")
        lines.append(f"top {top} field agreements (= alike, x different, - missing or "
                     "unreadable on one side, ~ dates that may be the same day; case, "
                     "punctuation and phone prefixes aside):")
        for pattern, n in agreements.most_common(top):
            lines.append(f"  {n:7,}  {n / max(len(pairs), 1):5.1%}  {pattern}")
        lines.append("")
        chosen = [(f"category {c}", combo_examples[c]) for c, _n in combos.most_common(5)]
        chosen += [(f"tag {t}", examples_of[t]) for t, _n in counts.most_common(5)]
        for label, cases in chosen:
            lines.append(f"-- examples of {title}, {label}")
            for i, j in cases:
                lines.append(f"   [{relation(rows, families, i, j)}]")
                for n in (i, j):
                    r = rows[n]
                    shown = " | ".join(f"{k}={r[k]}" for k in EXAMPLE_FIELDS if r[k])
                    lines.append(f"     {r['truth_person']}: {shown}")
                    lines.append(f"       noise: {r['noise']}")
            lines.append("")
    return report, "\n".join(lines)


_PERSIAN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")


def _key(field: str, text: str) -> str:
    """A field compared loosely: case and punctuation aside, the last 9 digits of a phone."""
    text = text.translate(_PERSIAN_DIGITS)
    if field == "phone":
        return re.sub(r"\D", "", text)[-9:]
    if field in ("tazkira_number", "passport_number"):
        return re.sub(r"[^0-9A-Za-z]", "", text).upper()
    return re.sub(r"[\W_]", "", text.casefold())


@functools.cache
def _days(text: str) -> tuple[Any, Any] | None:
    """The range of days a birth date may mean, as the importer reads it; None if it cannot."""
    from safepassage.registry.normalise import NormalisationError, parse_date_of_birth

    try:
        born = parse_date_of_birth(text, today=REGISTERED_BY)
    except NormalisationError:
        return None
    return born.earliest, born.latest


def agreement(rows: Sequence[dict[str, str]], i: int, j: int) -> str:
    """Which fields the two rows hold alike (=), differently (x) or not both (-); birth dates
    as the importer reads them, ~ when their ranges of days overlap (a year and a day in it)."""
    out = []
    da, db = _days(rows[i]["date_of_birth"]), _days(rows[j]["date_of_birth"])
    if da is None or db is None:
        dob = "dob-"
    elif da == db:
        dob = "dob="
    else:
        dob = "dob~" if da[0] <= db[1] and db[0] <= da[1] else "dobx"
    for field, short in (("given_name", "given"), ("family_name", "family"),
                         ("father_name", "father"), ("date_of_birth", "dob"),
                         ("phone", "phone"), ("tazkira_number", "tazkira"),
                         ("passport_number", "passport")):
        if field == "date_of_birth":
            out.append(dob)
            continue
        a, b = _key(field, rows[i][field]), _key(field, rows[j][field])
        out.append(f"{short}{'-' if not a or not b else '=' if a == b else 'x'}")
    return " ".join(out)


# Each telling tag's category; tags missing here (a household phone, a field the form did not
# ask for, no family name at all, a correct Solar Hijri date) are everyday and say nothing.
_CATEGORY = {
    **dict.fromkeys(["dob:year-only", "dob:jan1", "dob:hamal1", "dob:solar-hijri-year",
                     "dob:from-age", "dob:tazkira-year-off"], "dob imprecise"),
    **dict.fromkeys(["dob:missing", "dob:unreadable"], "dob missing"),
    **dict.fromkeys(["dob:day-month-swapped", "dob:month-first", "dob:year+-1"], "dob wrong"),
    **dict.fromkeys(["spelling:english", "spelling:french", "spelling:german", "spelling:arabic",
                     "spelling:iranian",
                     "spelling:urdu", "spelling:informal", "name:short-form", "name:initial",
                     "name:joined", "name:silent-h", "typo:given"], "name spelling"),
    "script:arabic-only": "arabic script only",
    **dict.fromkeys(["family:father's-name", "family:tribe", "family:maiden", "family:left-out",
                     "typo:family"], "family name varies"),
    "father:husband": "husband as father",
    **dict.fromkeys(["tazkira:paper-or-e", "tazkira:typo", "tazkira:father's",
                     "tazkira:volume-page"], "tazkira conflicts"),
    "phone:missing": "phone missing",
    **dict.fromkeys(["phone:relative-abroad", "phone:changed", "phone:typo",
                     "phone:abroad-without-code", "phone:no-trunk-zero"], "phone varies"),
    **dict.fromkeys(["passport:old", "passport:typo", "passport:no-letter"], "passport varies"),
    **dict.fromkeys(["who:twin", "who:twin-hasan-hussain"], "twin"),
    **dict.fromkeys(["who:namesake-father", "who:namesake-grandfather"], "namesake of an elder"),
    "who:sibling-same-name": "sibling of the same name",
    "who:sibling-similar-name": "sibling of a similar name",
    "sex:wrong": "sex wrong",
}


def category(tags: set[str]) -> str:
    """A pair's category: the kinds of noise on its two rows, in a fixed order."""
    kinds = {_CATEGORY[t] for t in tags if t in _CATEGORY}
    return " + ".join(k for k in dict.fromkeys(_CATEGORY.values()) if k in kinds) or "(none)"


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
    figures["missed_top"] = report["missed true pairs"]["categories"][:5]
    figures["false_top"] = report["false pairs"]["categories"][:5]
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
