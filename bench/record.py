"""Write a benchmark's figures to bench/results/ with the machine and the date of the run."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def describe_machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem_kb = 0
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "commit": commit,
    }


def markdown_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "(no rows)\n"
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(row.get(c, "")) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def write_results(area: str, rows: list[dict[str, Any]], *, notes: str = "") -> Path:
    """Print the table and write `bench/results/<area>.json` and `<area>.md` (latest run)."""
    machine = describe_machine()
    measured = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    table = markdown_table(rows)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    payload = {"area": area, "measured": measured, "machine": machine, "rows": rows, "notes": notes}
    (RESULTS_DIR / f"{area}.json").write_text(json.dumps(payload, indent=2, default=str) + "\n")
    header = (
        f"Measured {measured} on {machine['cores']} cores, {machine['cpu']}, "
        f"{machine['memory_gib']} GiB, Python {machine['python']}, commit {machine['commit']}.\n\n"
    )
    md = RESULTS_DIR / f"{area}.md"
    md.write_text(f"### {area}\n\n{header}{table}\n{notes}\n")
    print(header + table + ("\n" + notes if notes else ""))
    return md
