"""`make bench`: run every benchmark package under bench/, then refresh the README's tables.

A benchmark is a package bench/<area>/ with a __main__.py; each runs in its own process so one
failing does not hide the others' figures.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bench.readme import refresh_readme

BENCH_DIR = Path(__file__).resolve().parent


def benchmark_areas() -> list[str]:
    return sorted(p.parent.name for p in BENCH_DIR.glob("*/__main__.py"))


def main() -> int:
    only = sys.argv[1:]
    failed = []
    for area in benchmark_areas():
        if only and area not in only:
            continue
        print(f"== bench/{area}", flush=True)
        env = {**os.environ, "PYTHONPATH": "src:."}
        if subprocess.run([sys.executable, "-m", f"bench.{area}"], env=env, check=False).returncode:
            failed.append(area)
    refresh_readme()
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
