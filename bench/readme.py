"""Copy the latest tables of bench/results/*.md into the README, between its bench markers."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def refresh_readme(readme: Path = ROOT / "README.md") -> None:
    results = sorted((ROOT / "bench" / "results").glob("*.md"))
    body = "\n".join(p.read_text().replace("### ", "#### ", 1).strip() + "\n" for p in results)
    text = readme.read_text()
    if START not in text or END not in text:
        raise SystemExit(f"README.md has no {START} … {END} section")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    body = body or "(no benchmark has been run yet)\n"
    readme.write_text(f"{head}{START}\n{body}{END}{tail}")


if __name__ == "__main__":
    refresh_readme()
